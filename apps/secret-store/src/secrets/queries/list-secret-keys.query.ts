import { Query } from '@nestjs/cqrs';
import { SecretFolder } from '../secret-location';

export interface SecretKeyView {
  secretKey: string;
  /** The rotation managing the secret; null for an ordinary one. */
  rotationId: string | null;
}

/** The keys of a folder's secrets, never their values: what a new rotation's mapping would collide with. */
export class ListSecretKeysQuery extends Query<SecretKeyView[]> {
  constructor(readonly folder: SecretFolder) {
    super();
  }
}
