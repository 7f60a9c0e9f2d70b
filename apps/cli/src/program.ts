import { Command, CommanderError } from 'commander';
import { authCommands } from './commands/auth';
import { connectionCommands } from './commands/connections';
import { projectCommands } from './commands/projects';
import { rotationCommands } from './commands/rotations';
import { runCommand } from './commands/run';
import { secretCommands } from './commands/secrets';
import { EXIT, explain } from './exit';

export function buildProgram(): Command {
  const program = new Command('rotor')
    .description("Rotor's command line: projects, Redis connections, rotations and their secrets")
    .version('0.1.0')
    .option('--url <url>', 'the Rotor API, e.g. http://127.0.0.1:8080 (or ROTOR_URL, or `rotor login`)')
    .option('--token <token>', 'a machine identity token (or ROTOR_TOKEN, or `rotor login`)')
    .option('--json', 'print JSON for scripts instead of tables')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .addHelpText('after', `
Exit codes: 0 ok, 1 failed operation, 2 bad usage, 3 not found or not allowed.
Configuration: flags, then ROTOR_URL / ROTOR_TOKEN, then the file \`rotor login\` writes
($ROTOR_CONFIG, or ~/.config/rotor/config.json, mode 0600).`);
  authCommands(program);
  projectCommands(program);
  connectionCommands(program);
  rotationCommands(program);
  secretCommands(program);
  runCommand(program);
  return program;
}

/** Runs the CLI and answers the exit code; errors become one line on stderr. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander printed the message (and help) already.
      return ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(e.code) ? EXIT.ok : EXIT.usage;
    }
    const { message, exitCode } = explain(e);
    process.stderr.write(`rotor: ${message}\n`);
    return exitCode;
  }
}
