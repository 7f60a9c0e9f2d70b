// Builds a package of this repository as an npm package that works outside it: its sources and
// those of the libs it imports are copied into one directory, their `@rotor/*` aliases become
// relative imports, tsc compiles them together, and a package.json names only the npm
// dependencies they need. Used by libs/sdk/build.cjs and apps/cli/build.cjs.
//
//   buildPackage({ argv, defaultOut, sources, packageJson, dependencies, readme, declaration?, types?, executable? })
//
// argv takes `--out DIR` and `--pack` (also runs `npm pack`). Prints the package directory, or
// the tarball's path with --pack.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const rootPackage = require(path.join(root, 'package.json'));

/**
 * @param {object} o
 * @param {string[]} o.argv
 * @param {string} o.defaultOut       directory under the repository, e.g. 'tmp/sdk-package'
 * @param {Array<{ from: string; to: string; alias?: string }>} o.sources
 *   directories under the repository, copied to `to` under the package's src/ ('' = src/ itself);
 *   `alias` is the import that means that directory
 * @param {object} o.packageJson      name, description, main/types or bin, …
 * @param {string[]} o.dependencies   names from the root package.json, with its versions
 * @param {string} o.readme           file copied as the package's README.md
 * @param {boolean} [o.declaration]   emit .d.ts files
 * @param {string[]} [o.types]       ambient type packages the sources use (e.g. ['node'])
 * @param {string} [o.executable]     file under dist/ made executable (a bin)
 */
function buildPackage(o) {
  const outIndex = o.argv.indexOf('--out');
  const out = path.resolve(outIndex >= 0 ? o.argv[outIndex + 1] : path.join(root, o.defaultOut));
  const stage = path.join(out, '.stage');
  const src = path.join(stage, 'src');
  fs.rmSync(out, { recursive: true, force: true });
  for (const s of o.sources) fs.cpSync(path.join(root, s.from), path.join(src, s.to), { recursive: true });
  const aliases = o.sources.filter((s) => s.alias);
  for (const file of fs.readdirSync(src, { recursive: true })) {
    const full = path.join(src, file);
    if (!full.endsWith('.ts')) continue;
    let text = fs.readFileSync(full, 'utf8');
    for (const s of aliases) {
      let rel = path.relative(path.dirname(full), path.join(src, s.to)).split(path.sep).join('/');
      if (!rel.startsWith('.')) rel = `./${rel}`;
      text = text.replaceAll(`'${s.alias}'`, `'${rel}'`);
    }
    fs.writeFileSync(full, text);
  }
  fs.writeFileSync(
    path.join(stage, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'commonjs', moduleResolution: 'node', lib: ['ES2022', 'DOM'],
        types: o.types ?? [],
        strict: true, declaration: Boolean(o.declaration), esModuleInterop: true, skipLibCheck: true,
        outDir: path.join(out, 'dist'), rootDir: 'src',
        typeRoots: [path.join(root, 'node_modules', '@types')], baseUrl: '.', paths: { '*': [path.join(root, 'node_modules', '*')] },
      },
      include: ['src/**/*.ts'],
    }),
  );
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', stage], { stdio: 'inherit', cwd: stage });
  fs.rmSync(stage, { recursive: true, force: true });
  if (o.executable) fs.chmodSync(path.join(out, 'dist', o.executable), 0o755);

  fs.copyFileSync(path.join(root, o.readme), path.join(out, 'README.md'));
  const manifest = {
    ...o.packageJson,
    version: rootPackage.version,
    license: rootPackage.license,
    files: ['dist', 'README.md'],
    engines: { node: '>=20' },
    dependencies: Object.fromEntries(o.dependencies.map((d) => [d, rootPackage.dependencies[d]])),
  };
  fs.writeFileSync(path.join(out, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');

  if (o.argv.includes('--pack')) {
    const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: out, encoding: 'utf8' }).trim().split('\n').pop();
    process.stdout.write(path.join(out, name) + '\n');
  } else {
    process.stdout.write(out + '\n');
  }
}

module.exports = { buildPackage };
