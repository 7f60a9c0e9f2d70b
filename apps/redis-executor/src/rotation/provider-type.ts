import { AnyEnvelope } from '@rotor/contracts';
import { ProviderType } from '../providers';

/**
 * Which provider serves an event. The contracts carry only Redis connections today; when a
 * second provider arrives, its events will say which one they are for, and this is the one
 * place that reads it.
 */
export function providerTypeOf(_event: AnyEnvelope): ProviderType {
  return 'redis-credentials';
}
