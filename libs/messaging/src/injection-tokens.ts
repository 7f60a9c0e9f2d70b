/** Nest injection token of the app's Kafka client. */
export const KAFKA = Symbol('KAFKA');
/** Nest injection token of the options given to MessagingModule.forRoot. */
export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
