import { RotorError } from '@rotor/util';

/**
 * The contract every rotation provider implements, after Infisical's per-provider rotation folders.
 * A provider owns one kind of target: how its connection is described and opened, how a
 * credential is issued, rotated and revoked, and how the admin connection is verified. The
 * app around it (consumer, idempotency, events, sealing of results) is the same for all.
 *
 * `S` names the provider's own shapes; see ProviderSpecs in ./index.ts.
 */
export interface ProviderSpec {
  /** How the target is reached, secrets sealed (as it travels in events). */
  connection: unknown;
  /** What a rotation asks for besides the user (scope, password rules…). */
  parameters: unknown;
}

export interface ConnectionRequest<S extends ProviderSpec> {
  /** Sealed secrets are bound to (projectId, connectionId). */
  projectId: string;
  connectionId: string;
  connection: S['connection'];
}

export interface CredentialRequest<S extends ProviderSpec> extends ConnectionRequest<S> {
  rotationId: string;
  /** The user of the slot being issued or rotated (never the active one). */
  username: string;
  parameters: S['parameters'];
}

export interface RevokeRequest<S extends ProviderSpec> extends ConnectionRequest<S> {
  usernames: string[];
}

/** Plaintext, in memory only: the caller seals the password before it goes anywhere. */
export interface IssuedCredential {
  username: string;
  password: string;
  /** Where the credential was set and verified ('host:port'). */
  nodes: string[];
}

export interface RevokedCredentials {
  usernames: string[];
  nodes: string[];
}

/** A credential the secret store serves ('active') or served until the last rotation ('previous'). Plaintext, in memory only. */
export interface CredentialInUse {
  label: 'active' | 'previous';
  username: string;
  password: string;
}

export interface CheckRequest<S extends ProviderSpec> extends ConnectionRequest<S> {
  credentials: CredentialInUse[];
}

/** One credential on one node: true = authenticates, false = rejected, null = node not asked. */
export interface CredentialCheckResult {
  label: CredentialInUse['label'];
  username: string;
  node: string;
  ok: boolean | null;
  /** What the target answered, with no secret in it. */
  answer: string;
}

export interface RotationProvider<S extends ProviderSpec> {
  readonly type: string;
  /** The first credential of a slot (the rotation's initial issue). */
  issue(request: CredentialRequest<S>): Promise<IssuedCredential>;
  /** A fresh credential for a slot that already had one; proven to authenticate before it returns. */
  rotate(request: CredentialRequest<S>): Promise<IssuedCredential>;
  /** Proves the admin connection can do what issue/rotate/revoke need; changes nothing. */
  verify(request: ConnectionRequest<S>): Promise<void>;
  revoke(request: RevokeRequest<S>): Promise<RevokedCredentials>;
  /**
   * Continuous verification: do these credentials still authenticate everywhere (a fresh
   * connection each, as at rotation time)? Changes nothing. Throws RotationProviderError when
   * the target as a whole cannot be asked.
   */
  checkCredentials(request: CheckRequest<S>): Promise<{ nodes: string[]; checks: CredentialCheckResult[] }>;
}

/**
 * Every expected failure of a provider: a stable code, a sentence with no credential in it,
 * the node to blame (or null) and whether the same request may succeed later.
 */
export class RotationProviderError extends RotorError {
  constructor(
    code: string,
    message: string,
    readonly node: string | null = null,
    readonly retryable = false,
  ) {
    super(code, message, retryable ? 'unavailable' : 'internal');
    this.name = 'RotationProviderError';
  }
}
