import { ok, type SecretValue } from '@rotor/sdk';
import { Command, Option } from 'commander';
import { contextOf } from '../context';
import { usage } from '../exit';
import { MASK } from '../output';

interface FolderOptions {
  project: string;
  env: string;
  path: string;
}

function folderOptions(command: Command): Command {
  return command
    .requiredOption('--project <projectId>')
    .requiredOption('--env <slug>', 'environment, e.g. dev')
    .option('--path <path>', 'folder', '/');
}

/** `KEY="value"` lines; values are double-quoted with \\, ", newlines and $ escaped. */
export function toDotenv(secrets: SecretValue[]): string {
  const quote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\$/g, '\\$')}"`;
  return secrets.map((s) => `${s.secretKey}=${quote(s.secretValue)}`).join('\n') + (secrets.length ? '\n' : '');
}

export function secretCommands(program: Command): void {
  const secrets = program.command('secrets').description('secrets of a folder (values hidden unless --reveal)');

  folderOptions(secrets.command('list').description('secrets of a folder, with versions'))
    .option('--reveal', 'print the values')
    .action(async (o: FolderOptions & { reveal?: boolean }, command: Command) => {
      const { rotor, out } = contextOf(command);
      const all = await rotor.listSecrets(o.project, o.env, o.path);
      const shown = all.map((s) => ({ ...s, secretValue: o.reveal ? s.secretValue : MASK }));
      out.table(shown.map((s) => ({ key: s.secretKey, value: s.secretValue, version: s.version, rotation: s.rotationId, updatedAt: s.updatedAt })), ['key', 'value', 'version', 'rotation', 'updatedAt'], { secrets: shown });
    });

  folderOptions(secrets.command('get').description('one secret').argument('<name>'))
    .option('--reveal', 'print the value')
    .option('--version <n>', 'an earlier version')
    .action(async (name: string, o: FolderOptions & { reveal?: boolean; version?: string }, command: Command) => {
      const { rotor, out } = contextOf(command);
      const { secret } = await ok(rotor.api.GET('/api/v3/secrets/raw/{secretName}', {
        params: { path: { secretName: name }, query: { projectId: o.project, environment: o.env, secretPath: o.path, ...(o.version ? { version: o.version } : {}) } },
      }));
      const shown = { ...secret, secretValue: o.reveal ? secret.secretValue : MASK };
      if (o.reveal && !out.json) return out.line(secret.secretValue);
      out.record({ key: shown.secretKey, value: shown.secretValue, version: shown.version, rotation: shown.rotationId, updatedAt: shown.updatedAt }, { secret: shown });
    });

  folderOptions(secrets.command('export').description('every secret of a folder as dotenv or JSON (needs --reveal: it prints values)'))
    .addOption(new Option('--format <format>', 'output format').choices(['dotenv', 'json']).default('dotenv'))
    .option('--reveal', 'confirm that values may be printed')
    .addHelpText('after', '\nExample:\n  rotor secrets export --project P --env dev --reveal > .env')
    .action(async (o: FolderOptions & { format: 'dotenv' | 'json'; reveal?: boolean }, command: Command) => {
      if (!o.reveal) throw usage('secrets export prints secret values: add --reveal');
      const { rotor, out } = contextOf(command);
      const all = await rotor.listSecrets(o.project, o.env, o.path);
      if (o.format === 'json' || out.json) out.data(Object.fromEntries(all.map((s) => [s.secretKey, s.secretValue])));
      else process.stdout.write(toDotenv(all));
    });
}
