/**
 * The module boundaries of docs/architecture.md are enforced by lint, not by good intentions: the
 * domain may not import a framework or I/O package, nor a library other than util, and
 * libraries never import apps. These run the workspace's own ESLint config on code that
 * breaks each rule.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** Runs the real eslint CLI (its flat config is ESM, which Jest's VM cannot load) on `code`. */
function boundaryErrors(file: string, code: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      join(ROOT, 'node_modules', '.bin', 'eslint'),
      ['--stdin', '--stdin-filename', join(ROOT, file), '--format', 'json'],
      { cwd: ROOT, env: { ...process.env, NX_DAEMON: 'false' } },
      (error, stdout) => {
        try {
          const [result] = JSON.parse(stdout) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
          resolve(result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message));
        } catch {
          reject(error ?? new Error(`eslint printed no report: ${stdout}`));
        }
      },
    );
    child.stdin?.end(code);
  });
}

jest.setTimeout(60_000);

describe('module boundaries', () => {
  it('fails a domain lib that imports NestJS or TypeORM', async () => {
    expect(await boundaryErrors('libs/rotation-domain/src/probe.ts', "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n")).toEqual([
      'A project tagged with "type:domain" is not allowed to import "@nestjs/common"',
    ]);
    expect(await boundaryErrors('libs/rotation-domain/src/probe.ts', "import { DataSource } from 'typeorm';\nexport const x = DataSource;\n")).toEqual([
      'A project tagged with "type:domain" is not allowed to import "typeorm"',
    ]);
  });

  it('fails a domain lib that imports an infrastructure lib', async () => {
    const errors = await boundaryErrors('libs/rotation-domain/src/probe.ts', "import { Outbox } from '@rotor/event-store';\nexport const x = Outbox;\n");
    expect(errors.join('\n')).toContain('can only depend on libs tagged with "type:util"');
  });

  it('accepts what the rules allow: an app using the domain, the domain using util', async () => {
    expect(await boundaryErrors('apps/rotation-config/src/probe.ts', "import { decideRotation } from '@rotor/rotation-domain';\nexport const x = decideRotation;\n")).toEqual([]);
    expect(await boundaryErrors('libs/rotation-domain/src/probe.ts', "import { RotorError } from '@rotor/util';\nexport const x = RotorError;\n")).toEqual([]);
  });

  it('fails a lib that imports an app', async () => {
    const errors = await boundaryErrors('libs/messaging/src/probe.ts', "import { x } from '../../../apps/gateway/src/main';\nexport const y = x;\n");
    expect(errors.length).toBeGreaterThan(0);
  });
});
