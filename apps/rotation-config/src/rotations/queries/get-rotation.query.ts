import { Query } from '@nestjs/cqrs';
import type { SecretRotationView } from '../rotation.view';

export class GetRotationQuery extends Query<SecretRotationView> {
  constructor(
    readonly rotationId: string,
    readonly projectId: string | undefined,
  ) {
    super();
  }
}
