import { Inject, Injectable } from '@nestjs/common';
import { INTERNAL_TOKEN_HEADER, loadInternalToken } from '@rotor/service-runtime';
import { RotorError } from '@rotor/util';
import { ROTATION_CONFIG_SETTINGS, RotationConfigSettings } from '../config';

/** A secret at a location, as the secret store knows it: its key and the rotation managing it. */
export interface ExistingSecret {
  secretKey: string;
  rotationId: string | null;
}

/**
 * What rotation-config asks the secret store (its internal API; never a value): which jobs it
 * has stored, and which secrets exist where a rotation would map its own. Rarely called: at
 * create, and for a rotation whose job is in flight.
 */
@Injectable()
export class SecretStoreClient {
  private readonly token = loadInternalToken();

  constructor(@Inject(ROTATION_CONFIG_SETTINGS) private readonly settings: RotationConfigSettings) {}

  /** The ids among `jobIds` whose credentials the secret store has stored (and so serves). */
  async storedJobs(projectId: string, jobIds: string[]): Promise<Set<string>> {
    if (jobIds.length === 0) return new Set();
    const body = await this.call<{ storedJobIds: string[] }>('POST', '/internal/rotations/stored-jobs', { projectId, jobIds });
    return new Set(body.storedJobIds);
  }

  /** The secrets at a location (keys only). */
  async secretsAt(location: { projectId: string; environment: string; secretPath: string }): Promise<ExistingSecret[]> {
    const query = new URLSearchParams(location).toString();
    const body = await this.call<{ secrets: ExistingSecret[] }>('GET', `/internal/secrets/keys?${query}`);
    return body.secrets;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.settings.secretStoreUrl), {
        method,
        headers: { [INTERNAL_TOKEN_HEADER]: this.token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.settings.secretStoreTimeoutMs),
      });
    } catch {
      throw secretStoreUnavailable();
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw secretStoreUnavailable();
    }
    return (await res.json()) as T;
  }
}

function secretStoreUnavailable(): RotorError {
  return new RotorError('SECRET_STORE.UNAVAILABLE', 'the secret store did not answer; try again shortly', 'unavailable');
}
