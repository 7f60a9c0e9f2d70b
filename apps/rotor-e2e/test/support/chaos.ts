import { join } from 'node:path';
import { runCommand } from './run-command';

const ROOT = join(__dirname, '..', '..', '..', '..');

/**
 * Runs `npm run chaos -- <args>` as a user would and answers the `CHAOS RESULT` line it
 * printed, parsed; throws with the end of its output when it exited non-zero or printed none.
 */
export async function runChaos<T>(args: string[]): Promise<T> {
  const { status, stdout, output } = await runCommand('node', ['-r', './tools/register.cjs', 'tools/chaos/chaos.ts', ...args], { cwd: ROOT, env: process.env });
  const line = stdout.split('\n').find((l) => l.startsWith('CHAOS RESULT '));
  if (status !== 0 || !line) throw new Error(`npm run chaos -- ${args.join(' ')} exited ${status}:\n${output.slice(-6000)}`);
  return JSON.parse(line.slice('CHAOS RESULT '.length)) as T;
}
