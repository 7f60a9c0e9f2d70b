import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from './exit';

export interface StoredLogin {
  url: string;
  token: string;
}

/** `$ROTOR_CONFIG`, else `$XDG_CONFIG_HOME/rotor/config.json`, else `~/.config/rotor/config.json`. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env['ROTOR_CONFIG']) return env['ROTOR_CONFIG'];
  return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'rotor', 'config.json');
}

export function readLogin(path: string): StoredLogin | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<StoredLogin>;
    if (typeof parsed.url === 'string' && typeof parsed.token === 'string') return { url: parsed.url, token: parsed.token };
  } catch {
    // reported below
  }
  throw new CliError(`${path} is not a config written by \`rotor login\`; run \`rotor login\` again`);
}

/** Writes the login readable by its owner only (0600, in a 0700 directory). */
export function writeLogin(path: string, login: StoredLogin): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, JSON.stringify(login, null, 2) + '\n', { mode: 0o600 });
  chmodSync(path, 0o600); // an existing file keeps its mode on write
}
