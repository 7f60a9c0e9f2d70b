import { Injectable } from '@nestjs/common';
import { EnvelopeCipher, SealContext } from '@rotor/crypto';

/** Seals and opens a webhook's signing secret, bound to its project and webhook id. */
@Injectable()
export class WebhookSecrets {
  constructor(private readonly cipher: EnvelopeCipher) {}

  seal(projectId: string, webhookId: string, secret: string): string {
    return this.cipher.seal(secret, context(projectId, webhookId));
  }

  open(projectId: string, webhookId: string, sealed: string): string {
    return this.cipher.open(sealed, context(projectId, webhookId));
  }
}

function context(projectId: string, webhookId: string): SealContext {
  return { projectId, owner: `webhook:${webhookId}`, field: 'signing-secret' };
}
