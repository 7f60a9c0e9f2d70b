import { GatewaySchema1767225600000 } from './1767225600000-gateway-schema';

/** In order; the schema only ever changes through these (never `synchronize`). */
export const GATEWAY_MIGRATIONS = [GatewaySchema1767225600000];
