import { CreateConnectionHandler } from './create-connection.handler';
import { DeleteConnectionHandler } from './delete-connection.handler';
import { UpdateConnectionHandler } from './update-connection.handler';

export const ConnectionCommandHandlers = [CreateConnectionHandler, UpdateConnectionHandler, DeleteConnectionHandler];
