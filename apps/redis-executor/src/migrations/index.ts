import { ExecutorJobs1767400000000 } from './1767400000000-executor-jobs';
import { VerificationTargets1767500000000 } from './1767500000000-verification-targets';
import { ExecutorLockedStatements1768000000000 } from './1768000000000-executor-locked-statements';

/** The executor's own migrations, in order; createDataSource runs the event store's first. */
export const MIGRATIONS = [ExecutorJobs1767400000000, VerificationTargets1767500000000, ExecutorLockedStatements1768000000000];
