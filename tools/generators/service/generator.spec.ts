import { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import serviceGenerator from './generator';

const SKELETON = ['main.ts', 'app.module.ts', 'config.ts', 'data-source.ts', 'migrations/index.ts', 'inbound/audit-export.consumer.ts'];

function workspace(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  tree.write('eslint.config.mjs', "depConstraints: [\n            { sourceTag: 'scope:alerts', onlyDependOnLibsWithTags: ['scope:shared'] },\n]");
  return tree;
}

describe('nx g ./tools/generators:service', () => {
  it('writes the skeleton every service has, named after the service', async () => {
    const tree = workspace();
    await serviceGenerator(tree, { name: 'audit-export', port: 8090 });
    for (const file of SKELETON) expect({ file, exists: tree.exists(`apps/audit-export/src/${file}`) }).toEqual({ file, exists: true });
    const read = (file: string) => tree.read(`apps/audit-export/${file}`, 'utf-8') as string;
    expect(JSON.parse(read('project.json'))).toMatchObject({ name: 'audit-export', tags: ['scope:audit-export', 'type:app'] });
    expect(read('src/main.ts')).toContain('defaultPort: 8090');
    expect(read('src/config.ts')).toContain("export const SERVICE_NAME = 'audit-export';");
    expect(read('src/config.ts')).toContain('export function loadConfig(');
    expect(read('src/data-source.ts')).toContain("export const DATABASE_NAME = 'rotor_audit_export';");
    expect(read('src/app.module.ts')).toContain('AppModule');
    expect(read('src/app.module.ts')).toContain('handlers: AuditExportConsumer');
    expect(read('src/inbound/audit-export.consumer.ts')).toContain('export class AuditExportConsumer implements InboundHandlers');
    // No template syntax left anywhere.
    for (const file of [...SKELETON.map((f) => `src/${f}`), 'project.json', 'README.md', 'test/config.spec.ts']) expect(read(file)).not.toMatch(/<%|%>/);
  });

  it('gives the service a module-boundary scope of its own, once', async () => {
    const tree = workspace();
    await serviceGenerator(tree, { name: 'audit-export' });
    const lint = tree.read('eslint.config.mjs', 'utf-8') as string;
    expect(lint).toContain("            { sourceTag: 'scope:audit-export', onlyDependOnLibsWithTags: ['scope:shared'] },");
    expect(lint.match(/scope:audit-export/g)).toHaveLength(1);
  });

  it('refuses a name already taken', async () => {
    const tree = workspace();
    tree.write('apps/alerts/project.json', '{}');
    await expect(serviceGenerator(tree, { name: 'alerts' })).rejects.toThrow('apps/alerts exists already');
  });
});
