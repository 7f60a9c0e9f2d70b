// Builds @rotor/sdk as an npm package that works outside this repository: the SDK and the
// typed API client it re-exports are compiled together (JS + .d.ts) into one directory, with
// a package.json whose only dependency is openapi-fetch. With --pack, also runs `npm pack`.
//
//   node libs/sdk/build.cjs [--out DIR] [--pack]     (default DIR: tmp/sdk-package)
//
// Prints the package directory, or the tarball's path with --pack.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = path.resolve(outIndex >= 0 ? args[outIndex + 1] : path.join(root, 'tmp', 'sdk-package'));
const stage = path.join(out, '.stage');
const rootPackage = require(path.join(root, 'package.json'));

fs.rmSync(out, { recursive: true, force: true });
// The sources, with the API client beside the SDK instead of behind its repository alias.
fs.cpSync(path.join(__dirname, 'src'), path.join(stage, 'src'), { recursive: true });
fs.cpSync(path.join(root, 'libs', 'api-client', 'src'), path.join(stage, 'src', 'api-client'), { recursive: true });
for (const file of fs.readdirSync(path.join(stage, 'src'))) {
  const full = path.join(stage, 'src', file);
  if (file.endsWith('.ts')) fs.writeFileSync(full, fs.readFileSync(full, 'utf8').replaceAll("'@rotor/api-client'", "'./api-client'"));
}
fs.writeFileSync(
  path.join(stage, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'commonjs', moduleResolution: 'node', lib: ['ES2022', 'DOM'], types: [],
      strict: true, declaration: true, esModuleInterop: true, skipLibCheck: true, outDir: path.join(out, 'dist'), rootDir: 'src',
      typeRoots: [path.join(root, 'node_modules', '@types')],
    },
    include: ['src/**/*.ts'],
  }),
);
execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', stage], { stdio: 'inherit', cwd: stage, env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') } });
fs.rmSync(stage, { recursive: true, force: true });

fs.copyFileSync(path.join(__dirname, 'README.md'), path.join(out, 'README.md'));
fs.writeFileSync(
  path.join(out, 'package.json'),
  JSON.stringify(
    {
      name: '@rotor/sdk',
      version: rootPackage.version,
      description: "Typed client of Rotor's public API, with helpers to rotate and wait, read a rotation's secrets and iterate lists.",
      license: rootPackage.license,
      main: 'dist/index.js',
      types: 'dist/index.d.ts',
      files: ['dist', 'README.md'],
      engines: { node: '>=20' },
      dependencies: { 'openapi-fetch': rootPackage.dependencies['openapi-fetch'] },
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
