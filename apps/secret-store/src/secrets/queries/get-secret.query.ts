import { Query } from '@nestjs/cqrs';
import { SecretLocation } from '../secret-location';
import { SecretView } from '../secret.view';

/** The current version, or `version` when given. */
export class GetSecretQuery extends Query<SecretView> {
  constructor(
    readonly location: SecretLocation,
    readonly version?: number,
  ) {
    super();
  }
}
