import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');

/**
 * Runs `npm run chaos -- <args>` as a user would and answers the `CHAOS RESULT` line it
 * printed, parsed; throws with the end of its output when it exited non-zero or printed none.
 */
export async function runChaos<T>(args: string[]): Promise<T> {
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn('node', ['-r', './tools/register.cjs', 'tools/chaos/chaos.ts', ...args], { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve({ code: exitCode, output: text }));
  });
  const line = output.split('\n').find((l) => l.startsWith('CHAOS RESULT '));
  if (code !== 0 || !line) throw new Error(`npm run chaos -- ${args.join(' ')} exited ${code}:\n${output.slice(-6000)}`);
  return JSON.parse(line.slice('CHAOS RESULT '.length)) as T;
}
