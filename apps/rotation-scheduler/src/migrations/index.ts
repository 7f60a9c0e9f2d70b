import { SchedulerSchedules1767312000000 } from './1767312000000-schedules';
import { SchedulerSharedRateLimit1767900000000 } from './1767900000000-shared-rate-limit';

export const SCHEDULER_MIGRATIONS = [SchedulerSchedules1767312000000, SchedulerSharedRateLimit1767900000000];
