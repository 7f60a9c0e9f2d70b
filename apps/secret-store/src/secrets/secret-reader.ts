import { Injectable, Logger } from '@nestjs/common';
import { RotorError } from '@rotor/util';
import { SecretFolder, SecretLocation, describeLocation } from './secret-location';
import { secretNotFound } from './secret-rules';
import { SecretSealer } from './secret-sealer';
import { SecretRepository } from './secret.repository';
import { SecretView, StoredSecretVersion, toSecretView } from './secret.view';

/** Reads secrets and opens their values; the only way a stored value leaves the service. */
@Injectable()
export class SecretReader {
  private readonly logger = new Logger('SecretReader');

  constructor(
    private readonly secrets: SecretRepository,
    private readonly sealer: SecretSealer,
  ) {}

  async list(folder: SecretFolder): Promise<SecretView[]> {
    const rows = await this.secrets.listCurrent(folder);
    return rows.map((row) => toSecretView(row, this.open(row)));
  }

  async get(loc: SecretLocation, version?: number): Promise<SecretView> {
    const row = await this.secrets.findVersion(loc, version);
    if (!row) throw secretNotFound(loc, version);
    return toSecretView(row, this.open(row));
  }

  private open(row: StoredSecretVersion): string {
    try {
      return this.sealer.open(row, row.version, row.sealedValue);
    } catch {
      // A row that does not open under its own context was tampered with or moved, or the root key changed.
      this.logger.error(`secret ${row.id} version ${row.version} does not decrypt under its own project and key`);
      throw new RotorError('SECRET.UNREADABLE', `secret ${describeLocation(row)} could not be decrypted`, 'internal');
    }
  }
}
