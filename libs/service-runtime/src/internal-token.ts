import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Request } from 'express';
import { RotorError } from '@rotor/util';

export const INTERNAL_TOKEN_HEADER = 'x-rotor-internal-token';

/**
 * The shared token the gateway presents to the internal services. From ROTOR_INTERNAL_TOKEN,
 * else from ROTOR_INTERNAL_TOKEN_FILE (default .rotor/internal.token), generated on first use.
 */
export function loadInternalToken(env: NodeJS.ProcessEnv = process.env): string {
  if (env['ROTOR_INTERNAL_TOKEN']) return env['ROTOR_INTERNAL_TOKEN'];
  const file = resolve(env['ROTOR_INTERNAL_TOKEN_FILE'] ?? '.rotor/internal.token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, token, { mode: 0o600, flag: 'wx' });
  } catch {
    return readFileSync(file, 'utf8').trim(); // another service created it first
  }
  chmodSync(file, 0o600);
  return token;
}

@Injectable()
export class InternalTokenGuard implements CanActivate {
  private readonly expected = Buffer.from(loadInternalToken());

  canActivate(context: ExecutionContext): boolean {
    const presented = context.switchToHttp().getRequest<Request>().header(INTERNAL_TOKEN_HEADER) ?? '';
    const given = Buffer.from(presented);
    if (given.length === this.expected.length && timingSafeEqual(given, this.expected)) return true;
    throw new RotorError('AUTH.INTERNAL_TOKEN', 'a valid internal token is required', 'unauthorized');
  }
}
