import { Command } from 'commander';
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { contextOf } from '../context';
import { CliError, usage } from '../exit';

export function runCommand(program: Command): void {
  program
    .command('run')
    .description("run a command with a folder's secrets in its environment (they override variables of the same name)")
    .requiredOption('--project <projectId>')
    .requiredOption('--env <slug>', 'environment, e.g. dev')
    .option('--path <path>', 'folder', '/')
    .argument('<command...>', 'the command and its arguments, after --')
    .addHelpText('after', '\nExample:\n  rotor run --project P --env dev --path / -- node server.js\n\nExits with the command\'s exit code.')
    .action(async (argv: string[], o: { project: string; env: string; path: string }, command: Command) => {
      if (argv.length === 0) throw usage('rotor run: give the command after --');
      const { rotor } = contextOf(command);
      const secrets = await rotor.listSecrets(o.project, o.env, o.path);
      const env = { ...process.env, ...Object.fromEntries(secrets.map((s) => [s.secretKey, s.secretValue])) };
      const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit', env });
      const forward = (signal: NodeJS.Signals) => child.kill(signal);
      process.on('SIGINT', forward);
      process.on('SIGTERM', forward);
      const code = await new Promise<number>((resolve, reject) => {
        child.once('error', (e: NodeJS.ErrnoException) => reject(new CliError(`cannot run ${argv[0]}: ${e.code ?? e.message}`, e.code === 'ENOENT' ? 3 : 1)));
        child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1)));
      });
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      process.exitCode = code;
    });
}
