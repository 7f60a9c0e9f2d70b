import { GetConnectionHandler } from './get-connection.handler';
import { ListConnectionsHandler } from './list-connections.handler';

export const ConnectionQueryHandlers = [GetConnectionHandler, ListConnectionsHandler];
