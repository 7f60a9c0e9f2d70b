import { Query } from '@nestjs/cqrs';
import type { SecretRotationView } from '../rotation.view';

export class GetRotationByNameQuery extends Query<SecretRotationView> {
  constructor(
    readonly projectId: string,
    readonly environment: string,
    readonly secretPath: string,
    readonly name: string,
  ) {
    super();
  }
}
