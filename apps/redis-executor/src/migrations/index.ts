import { ExecutorJobs1767400000000 } from './1767400000000-executor-jobs';
import { VerificationTargets1767500000000 } from './1767500000000-verification-targets';

/** The executor's own migrations, in order; createDataSource runs the event store's first. */
export const MIGRATIONS = [ExecutorJobs1767400000000, VerificationTargets1767500000000];
