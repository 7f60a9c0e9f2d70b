import { SchedulerSchedules1767312000000 } from './1767312000000-schedules';

export const SCHEDULER_MIGRATIONS = [SchedulerSchedules1767312000000];
