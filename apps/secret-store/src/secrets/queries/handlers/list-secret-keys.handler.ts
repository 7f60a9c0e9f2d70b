import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { SecretRepository } from '../../secret.repository';
import { ListSecretKeysQuery, SecretKeyView } from '../list-secret-keys.query';

@QueryHandler(ListSecretKeysQuery)
export class ListSecretKeysHandler implements IQueryHandler<ListSecretKeysQuery> {
  constructor(private readonly secrets: SecretRepository) {}

  execute({ folder }: ListSecretKeysQuery): Promise<SecretKeyView[]> {
    return this.secrets.keysAt(folder);
  }
}
