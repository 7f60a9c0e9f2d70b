/**
 * `npx nx g @rotor/generators:service <name> [--port 8086]`: a new service with the skeleton
 * every Rotor service has (docs/architecture.md, "Services"): main.ts, app.module.ts,
 * config.ts, data-source.ts, migrations/, inbound/<name>.consumer.ts, its Nx project, a test,
 * and its scope in the module-boundary lint. tools/migrate.ts finds its data source by itself;
 * what the generator cannot decide for you (its topics and handlers, its place in
 * tools/start.sh, the compose files and the test platform) it prints as next steps.
 */
import { Tree, generateFiles, joinPathFragments, logger, names } from '@nx/devkit';

interface Schema {
  name: string;
  port?: number;
}

export default async function serviceGenerator(tree: Tree, schema: Schema): Promise<() => void> {
  const root = `apps/${schema.name}`;
  if (tree.exists(root)) throw new Error(`${root} exists already`);
  const n = names(schema.name);
  generateFiles(tree, joinPathFragments(__dirname, 'files'), root, {
    ...n,
    name: schema.name,
    port: schema.port ?? 8086,
    database: `rotor_${schema.name.replace(/-/g, '_')}`,
    tmpl: '',
  });
  addLintScope(tree, schema.name);
  return () =>
    logger.info(
      [
        `${root} is ready: \`npx nx run-many -t lint typecheck test -p ${schema.name}\`.`,
        'Next steps, by hand:',
        `  - topics and handlers in ${root}/src/app.module.ts and src/inbound/${schema.name}.consumer.ts;`,
        `  - its tables in ${root}/src/migrations/ (listed in index.ts);`,
        `  - start it in tools/start.sh, docker-compose*.yml and libs/testing/src/platform.ts (SERVICES).`,
      ].join('\n'),
    );
}

/** The new app may depend on the shared libs only, like every other app. */
function addLintScope(tree: Tree, name: string): void {
  const file = 'eslint.config.mjs';
  const text = tree.read(file, 'utf-8') ?? '';
  const anchor = "{ sourceTag: 'scope:alerts', onlyDependOnLibsWithTags: ['scope:shared'] },";
  if (!text.includes(anchor)) throw new Error(`${file}: the module-boundary rules moved; add scope:${name} by hand`);
  const line = `{ sourceTag: 'scope:${name}', onlyDependOnLibsWithTags: ['scope:shared'] },`;
  if (text.includes(line)) return;
  const indent = /\n( *)\{ sourceTag: 'scope:alerts'/.exec(text)?.[1] ?? '';
  tree.write(file, text.replace(anchor, `${anchor}\n${indent}${line}`));
}
