import { Rotor } from '@rotor/sdk';
import type { Command } from 'commander';
import { configPath, readLogin } from './config-file';
import { usage } from './exit';
import { Output } from './output';

export interface GlobalOptions {
  url?: string;
  token?: string;
  json?: boolean;
}

export interface Context {
  rotor: Rotor;
  out: Output;
  url: string;
}

/** Where to call and with which token: flags, then ROTOR_URL / ROTOR_TOKEN, then the file `rotor login` wrote. */
export function resolveLogin(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): { url: string; token: string } {
  const stored = options.url && options.token ? undefined : readLogin(configPath(env));
  const url = options.url ?? env['ROTOR_URL'] ?? stored?.url;
  const token = options.token ?? env['ROTOR_TOKEN'] ?? stored?.token;
  if (!url) throw usage('no Rotor URL: pass --url, set ROTOR_URL or run `rotor login`');
  if (!token) throw usage('no token: pass --token, set ROTOR_TOKEN or run `rotor login`');
  return { url, token };
}

export function contextOf(command: Command): Context {
  const options = command.optsWithGlobals<GlobalOptions>();
  const { url, token } = resolveLogin(options);
  return { rotor: new Rotor({ baseUrl: url, token, headers: { 'user-agent': 'rotor-cli' } }), out: new Output(Boolean(options.json)), url };
}

/** A whole number option, or a usage error naming the option. */
export function integer(name: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value)) throw usage(`${name} must be a whole number, got "${value}"`);
    return Number(value);
  };
}
