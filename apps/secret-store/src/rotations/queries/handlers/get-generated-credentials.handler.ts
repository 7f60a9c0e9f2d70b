import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { RotorError } from '@rotor/util';
import { CredentialSlot, RotationCredentialsRepository } from '../../rotation-credentials.repository';
import { GeneratedCredentialsView, GetGeneratedCredentialsQuery } from '../get-generated-credentials.query';

@QueryHandler(GetGeneratedCredentialsQuery)
export class GetGeneratedCredentialsHandler implements IQueryHandler<GetGeneratedCredentialsQuery> {
  constructor(private readonly credentials: RotationCredentialsRepository) {}

  async execute({ projectId, rotationId }: GetGeneratedCredentialsQuery): Promise<GeneratedCredentialsView> {
    const found = await this.credentials.find(projectId, rotationId);
    if (!found) {
      throw RotorError.notFound('ROTATION.NOT_FOUND', `rotation ${rotationId} has no generated credentials in project ${projectId}`);
    }
    return {
      generatedCredentials: issuedSlots(found.slots),
      activeIndex: found.activeIndex,
      rotationId,
      type: 'redis-credentials',
    };
  }
}

/**
 * Position = slot index, as `activeIndex` refers to it. Before the second rotation only slot 0
 * exists, and the list holds one entry (as the Infisical-compatible API answers it); an unissued slot before an
 * issued one (not a sequence Rotor produces) keeps its place with empty strings.
 */
export function issuedSlots(slots: readonly (CredentialSlot | null)[]): CredentialSlot[] {
  const last = slots.reduce((acc, slot, i) => (slot ? i : acc), -1);
  return slots.slice(0, last + 1).map((slot) => slot ?? { username: '', password: '' });
}
