import { Query } from '@nestjs/cqrs';
import type { SecretRotationView } from '../rotation.view';

export class ListRotationsQuery extends Query<SecretRotationView[]> {
  constructor(readonly projectId: string) {
    super();
  }
}
