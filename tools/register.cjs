// Runs the TypeScript sources of an app directly (no build step): SWC transpiles with
// decorator metadata for Nest, and @rotor/* aliases resolve through tsconfig.base.json.
//
// The same SWC settings @swc-node/register derives from tsconfig.base.json, without what it
// keeps loaded for the life of the process (the TypeScript compiler to read the tsconfig,
// SWC's native library, its caches of code and maps: ~45 MB per service). Transpiled files
// are kept on disk by content, so a service whose sources did not change never loads SWC.
// Stack traces point into the TypeScript sources (inline source maps, Node's own support).
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');

const tsconfigPath = process.env.SWC_NODE_PROJECT || path.join(__dirname, '..', 'tsconfig.base.json');
const compilerOptions = JSON.parse(fs.readFileSync(tsconfigPath, 'utf8')).compilerOptions || {};
const baseUrl = path.resolve(path.dirname(tsconfigPath), compilerOptions.baseUrl || '.');
const paths = Object.fromEntries(
  Object.entries(compilerOptions.paths || {}).map(([alias, targets]) => [alias, targets.map((t) => path.resolve(baseUrl, t))]),
);

const swcOptions = {
  swcrc: false,
  isModule: true,
  sourceMaps: 'inline',
  inlineSourcesContent: false,
  jsc: {
    target: String(compilerOptions.target || 'es2022').toLowerCase(),
    externalHelpers: false,
    keepClassNames: true,
    parser: { syntax: 'typescript', tsx: false, decorators: Boolean(compilerOptions.experimentalDecorators), dynamicImport: true },
    transform: {
      legacyDecorator: Boolean(compilerOptions.experimentalDecorators),
      decoratorMetadata: Boolean(compilerOptions.emitDecoratorMetadata),
      useDefineForClassFields: true,
    },
    baseUrl,
    paths,
  },
  module: { type: 'commonjs', noInterop: false, ignoreDynamic: false },
};

const cacheDir = process.env.ROTOR_TS_CACHE_DIR || path.join(os.tmpdir(), `rotor-ts-cache-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`);
// Anything that changes the output is part of every cache key.
const salt = `${process.version}\0${require('@swc/core/package.json').version}\0${JSON.stringify(swcOptions)}`;
let swc;

/** Where the transpiled `source` of `filename` is kept. */
function cachePath(source, filename) {
  const key = crypto.createHash('sha256').update(salt).update('\0').update(filename).update('\0').update(source).digest('hex');
  return path.join(cacheDir, `${key}.js`);
}

function transpile(source, filename) {
  const cached = cachePath(source, filename);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // not transpiled yet
  }
  swc ??= require('@swc/core');
  const { code } = swc.transformSync(source, { ...swcOptions, filename });
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const partial = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, cached); // whole files only, whoever writes it first
  } catch {
    // a read-only disk only costs the next start a transpile
  }
  return code;
}

process.setSourceMapsEnabled(true);
// Node keeps the source map of every module it loads with maps enabled, libraries' too: their
// .map files cost a service ~20 MB of RSS. Only Rotor's own code keeps its maps; a frame in a
// library shows the library's JavaScript, as it would without maps.
const compile = Module.prototype._compile;
const LIBRARY = `${path.sep}node_modules${path.sep}`;
const MAP_COMMENT = /^\/\/# sourceMappingURL=\S+\s*$/m;
Module.prototype._compile = function compileWithoutLibraryMaps(content, filename) {
  return compile.call(this, filename.includes(LIBRARY) ? content.replace(MAP_COMMENT, '') : content, filename);
};
Module._extensions['.ts'] = function loadTypeScript(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};

/**
 * Transpiles every TypeScript source under `roots` (tests left out) into the cache, so the
 * services started next find their code there and never load SWC: a measurement of their
 * memory then shows what a service holds, not a first start's transpiler. Returns how many
 * files were transpiled now (the rest were cached).
 */
function warmTranspileCache(roots) {
  let transpiled = 0;
  const visit = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'test') visit(full);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts')) {
        const source = fs.readFileSync(full, 'utf8');
        if (fs.existsSync(cachePath(source, full))) continue;
        transpile(source, full);
        transpiled++;
      }
    }
  };
  for (const root of roots) if (fs.existsSync(root)) visit(root);
  return transpiled;
}

module.exports = { warmTranspileCache };
