import { AlertsInit1767571200000 } from './1767571200000-alerts-init';

/** The alerts service's own migrations, in order; createDataSource runs the event store's first. */
export const MIGRATIONS = [AlertsInit1767571200000];
