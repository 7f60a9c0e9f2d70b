import { SecretLocation } from './secret-location';

/** A secret as the raw-secrets API answers it (the gateway forwards it unchanged). */
export interface SecretView {
  id: string;
  secretKey: string;
  secretValue: string;
  version: number;
  updatedAt: string;
  rotationId: string | null;
  environment: string;
  secretPath: string;
  type: 'shared';
}

export interface StoredSecretVersion extends SecretLocation {
  id: string;
  version: number;
  sealedValue: string;
  rotationId: string | null;
  createdAt: Date;
}

export function toSecretView(row: StoredSecretVersion, secretValue: string): SecretView {
  return {
    id: row.id,
    secretKey: row.secretKey,
    secretValue,
    version: row.version,
    updatedAt: row.createdAt.toISOString(),
    rotationId: row.rotationId,
    environment: row.environment,
    secretPath: row.secretPath,
    type: 'shared',
  };
}
