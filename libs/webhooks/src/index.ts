export * from './webhook-events';
export * from './webhook.schemas';
export * from './signature';
export * from './retry-schedule';
export * from './webhook-alert';
