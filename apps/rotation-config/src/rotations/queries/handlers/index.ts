import { GetRotationByNameHandler } from './get-rotation-by-name.handler';
import { GetRotationHistoryHandler } from './get-rotation-history.handler';
import { GetRotationHandler } from './get-rotation.handler';
import { ListRotationsHandler } from './list-rotations.handler';

export const RotationQueryHandlers = [GetRotationHandler, ListRotationsHandler, GetRotationByNameHandler, GetRotationHistoryHandler];
