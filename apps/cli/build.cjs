// Builds the `rotor` CLI as an npm package with a `rotor` bin that works outside this
// repository: the CLI, @rotor/sdk and @rotor/api-client compiled together into one directory,
// depending only on commander and openapi-fetch. With --pack, also runs `npm pack`.
//
//   node apps/cli/build.cjs [--out DIR] [--pack]     (default DIR: tmp/cli-package)
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = path.resolve(outIndex >= 0 ? args[outIndex + 1] : path.join(root, 'tmp', 'cli-package'));
const stage = path.join(out, '.stage');
const rootPackage = require(path.join(root, 'package.json'));

fs.rmSync(out, { recursive: true, force: true });
const libs = { '@rotor/sdk': 'sdk', '@rotor/api-client': 'sdk/api-client' };
fs.cpSync(path.join(__dirname, 'src'), path.join(stage, 'src'), { recursive: true });
fs.cpSync(path.join(root, 'libs', 'sdk', 'src'), path.join(stage, 'src', 'sdk'), { recursive: true });
fs.cpSync(path.join(root, 'libs', 'api-client', 'src'), path.join(stage, 'src', 'sdk', 'api-client'), { recursive: true });
// The repository's aliases become relative imports.
for (const file of fs.readdirSync(path.join(stage, 'src'), { recursive: true })) {
  const full = path.join(stage, 'src', file);
  if (!full.endsWith('.ts')) continue;
  let text = fs.readFileSync(full, 'utf8');
  for (const [alias, dir] of Object.entries(libs)) {
    let rel = path.relative(path.dirname(full), path.join(stage, 'src', dir)).split(path.sep).join('/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    text = text.replaceAll(`'${alias}'`, `'${rel}'`);
  }
  fs.writeFileSync(full, text);
}
fs.writeFileSync(
  path.join(stage, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'commonjs', moduleResolution: 'node', lib: ['ES2022', 'DOM'], types: ['node'],
      strict: true, esModuleInterop: true, skipLibCheck: true, outDir: path.join(out, 'dist'), rootDir: 'src',
      typeRoots: [path.join(root, 'node_modules', '@types')], baseUrl: '.', paths: { '*': [path.join(root, 'node_modules', '*')] },
    },
    include: ['src/**/*.ts'],
  }),
);
execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', stage], { stdio: 'inherit', cwd: stage });
fs.rmSync(stage, { recursive: true, force: true });
fs.chmodSync(path.join(out, 'dist', 'main.js'), 0o755);

fs.copyFileSync(path.join(__dirname, 'README.md'), path.join(out, 'README.md'));
fs.writeFileSync(
  path.join(out, 'package.json'),
  JSON.stringify(
    {
      name: '@rotor/cli',
      version: rootPackage.version,
      description: "Rotor's command line: projects, Redis connections, rotations and their secrets.",
      license: rootPackage.license,
      bin: { rotor: 'dist/main.js' },
      files: ['dist', 'README.md'],
      engines: { node: '>=20' },
      dependencies: { commander: rootPackage.dependencies.commander, 'openapi-fetch': rootPackage.dependencies['openapi-fetch'] },
    },
    null,
    2,
  ) + '\n',
);

if (args.includes('--pack')) {
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: out, encoding: 'utf8' }).trim().split('\n').pop();
  process.stdout.write(path.join(out, name) + '\n');
} else {
  process.stdout.write(out + '\n');
}
