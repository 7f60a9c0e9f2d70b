import { SpawnOptions, spawn } from 'node:child_process';

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Both, in the order they arrived. */
  output: string;
}

/**
 * Runs a command to its end without holding the test's event loop, as spawnSync would: a
 * keep-alive connection the gateway closes meanwhile (after 5 s idle) is then seen closed,
 * instead of being picked, dead, by the test's next fetch ("other side closed").
 */
export function runCommand(command: string, args: string[], options: SpawnOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr, output }));
  });
}
