import { Query } from '@nestjs/cqrs';
import { SecretFolder } from '../secret-location';
import { SecretView } from '../secret.view';

export class ListSecretsQuery extends Query<SecretView[]> {
  constructor(readonly folder: SecretFolder) {
    super();
  }
}
