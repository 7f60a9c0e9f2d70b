import { RotationConfigInit1767312000000 } from './1767312000000-rotation-config-init';
import { RotationJobSettledNotify1767398400000 } from './1767398400000-rotation-job-settled-notify';
import { RotationVerification1767500000000 } from './1767500000000-rotation-verification';
import { ConnectionAclPersistenceMode1767600000000 } from './1767600000000-connection-acl-persistence-mode';
import { RotationSnapshots1767700000000 } from './1767700000000-rotation-snapshots';
import { RotationJobSettledRow1767800000000 } from './1767800000000-rotation-job-settled-row';

/** rotation-config's own migrations, in order; createDataSource runs the event store's first. */
export const MIGRATIONS = [RotationConfigInit1767312000000, RotationJobSettledNotify1767398400000, RotationVerification1767500000000,
  ConnectionAclPersistenceMode1767600000000, RotationSnapshots1767700000000, RotationJobSettledRow1767800000000];
