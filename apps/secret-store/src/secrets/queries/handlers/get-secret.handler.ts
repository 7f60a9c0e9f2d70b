import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { SecretReader } from '../../secret-reader';
import { SecretView } from '../../secret.view';
import { GetSecretQuery } from '../get-secret.query';

@QueryHandler(GetSecretQuery)
export class GetSecretHandler implements IQueryHandler<GetSecretQuery> {
  constructor(private readonly reader: SecretReader) {}

  execute({ location, version }: GetSecretQuery): Promise<SecretView> {
    return this.reader.get(location, version);
  }
}
