import { RotationConfigInit1767312000000 } from './1767312000000-rotation-config-init';
import { RotationJobSettledNotify1767398400000 } from './1767398400000-rotation-job-settled-notify';
import { RotationVerification1767500000000 } from './1767500000000-rotation-verification';

/** rotation-config's own migrations; the event store's run first (createDataSource adds them). */
export const ROTATION_CONFIG_MIGRATIONS = [RotationConfigInit1767312000000, RotationJobSettledNotify1767398400000, RotationVerification1767500000000];
