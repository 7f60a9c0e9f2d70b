/** Injection tokens of the executor's own providers. */
export const EXECUTOR_CONFIG = Symbol('EXECUTOR_CONFIG');
export const ENVELOPE_CIPHER = Symbol('ENVELOPE_CIPHER');
export const ROTATION_PROVIDERS = Symbol('ROTATION_PROVIDERS');
