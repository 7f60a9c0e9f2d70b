// Builds the console into dist/apps/console (vite), then prints its budget: the JS it ships,
// gzipped (goal ≤ 250 kB). `--quiet` prints only the budget line (npm start).
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { gzipSync } = require('node:zlib');

const root = join(__dirname, '../..');
const out = join(root, 'dist/apps/console');
const quiet = process.argv.includes('--quiet');
const JS_BUDGET_KB = 250;

async function main() {
  // Always the production React, even when called from a test runner (NODE_ENV=test).
  process.env.NODE_ENV = 'production';
  const { build } = await import('vite');
  await build({ configFile: join(__dirname, 'vite.config.mts'), mode: 'production', logLevel: quiet ? 'error' : 'info' });
  const assets = join(out, 'assets');
  const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
  const gz = js.reduce((sum, f) => sum + gzipSync(readFileSync(join(assets, f)), { level: 9 }).length, 0);
  const kb = gz / 1024;
  const verdict = kb <= JS_BUDGET_KB ? 'within' : 'OVER';
  console.log(`[console] built ${out}: JavaScript ${kb.toFixed(1)} kB gzipped in ${js.length} file(s), ${verdict} the ${JS_BUDGET_KB} kB budget`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
