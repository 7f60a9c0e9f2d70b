import { ok, Rotor } from '@rotor/sdk';
import { Command } from 'commander';
import { configPath, writeLogin } from '../config-file';
import { readStdin } from '../stdin';
import { contextOf, resolveLogin, type GlobalOptions } from '../context';
import { Output } from '../output';

export function authCommands(program: Command): void {
  program
    .command('login')
    .description('check a URL and token against the API, then keep them in the config file (mode 0600)')
    .option('--token-stdin', 'read the token from standard input instead of --token / ROTOR_TOKEN')
    .addHelpText('after', '\nExample:\n  rotor login --url http://127.0.0.1:8080 --token "$(cat .rotor/admin.token)"')
    .action(async (options: { tokenStdin?: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const token = options.tokenStdin ? (await readStdin()).trim() : globals.token;
      const login = resolveLogin({ ...globals, token });
      const rotor = new Rotor({ baseUrl: login.url, token: login.token });
      const { identity } = await ok(rotor.api.GET('/api/v1/identities/me'));
      const path = configPath();
      writeLogin(path, login);
      new Output(Boolean(globals.json)).done(`Logged in to ${login.url} as ${identity.name}; saved in ${path}`, { url: login.url, identity: { id: identity.id, name: identity.name }, config: path });
    });

  program
    .command('whoami')
    .description('the identity the token belongs to, and its roles')
    .action(async (_: unknown, command: Command) => {
      const { rotor, out, url } = contextOf(command);
      const { identity } = await ok(rotor.api.GET('/api/v1/identities/me'));
      out.record(
        { url, id: identity.id, name: identity.name, admin: identity.isAdmin, roles: identity.roles.map((r) => `${r.projectId}: ${r.permissions.join(',')}`).join('; ') || '-' },
        { url, identity: { id: identity.id, name: identity.name, isAdmin: identity.isAdmin, roles: identity.roles } },
      );
    });
}
