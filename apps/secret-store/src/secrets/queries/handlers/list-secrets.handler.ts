import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { SecretReader } from '../../secret-reader';
import { SecretView } from '../../secret.view';
import { ListSecretsQuery } from '../list-secrets.query';

@QueryHandler(ListSecretsQuery)
export class ListSecretsHandler implements IQueryHandler<ListSecretsQuery> {
  constructor(private readonly reader: SecretReader) {}

  execute({ folder }: ListSecretsQuery): Promise<SecretView[]> {
    return this.reader.list(folder);
  }
}
