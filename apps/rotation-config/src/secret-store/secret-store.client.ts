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
  private turn = 0;

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

  /**
   * Both calls only read, so an instance that fails to answer is followed by the next one;
   * instances take turns.
   */
  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const instances = this.settings.secretStoreUrls;
    const first = this.turn++ % instances.length;
    for (let i = 0; i < instances.length; i++) {
      const answer = await this.callInstance<T>(new URL(path, instances[(first + i) % instances.length]), method, body);
      if (answer !== undefined) return answer.body;
    }
    throw secretStoreUnavailable();
  }

  /** The instance's answer, or undefined when it did not give one (down, slow or failing). */
  private async callInstance<T>(url: URL, method: 'GET' | 'POST', body: unknown): Promise<{ body: T } | undefined> {
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { [INTERNAL_TOKEN_HEADER]: this.token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.settings.secretStoreTimeoutMs),
      });
    } catch {
      return undefined;
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      return undefined;
    }
    return { body: (await res.json()) as T };
  }
}

function secretStoreUnavailable(): RotorError {
  return new RotorError('SECRET_STORE.UNAVAILABLE', 'the secret store did not answer; try again shortly', 'unavailable');
}
