import { SchedulerSchedules1767312000000 } from './1767312000000-schedules';
import { SchedulerSharedRateLimit1767900000000 } from './1767900000000-shared-rate-limit';

/** The scheduler's own migrations, in order; createDataSource runs the event store's first. */
export const MIGRATIONS = [SchedulerSchedules1767312000000, SchedulerSharedRateLimit1767900000000];
