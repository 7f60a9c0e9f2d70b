// Builds the console into dist/apps/console (vite), then prints its budget: the JS it ships,
// gzipped (goal ≤ 250 kB), and the time to the first usable page (the sign-in form ready for
// input) served on loopback, in Chromium when it is installed (goal ≤ 1 s). `--quiet` (npm
// start) prints only the size line and skips the browser.
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { gzipSync } = require('node:zlib');

const root = join(__dirname, '../..');
const out = join(root, 'dist/apps/console');
const quiet = process.argv.includes('--quiet');
const JS_BUDGET_KB = 250;
const FIRST_PAGE_BUDGET_MS = 1000;

/** Serves dist like the gateway (index.html for every page) on a free loopback port. */
function serveDist() {
  const http = require('node:http');
  const types = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html' };
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/console\//, '');
    let file = join(out, path);
    if (!path.startsWith('assets/')) file = join(out, 'index.html');
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': types[require('node:path').extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function firstUsablePageMs() {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!require('node:fs').existsSync(executablePath)) return undefined;
  const { chromium } = require('playwright-core');
  const server = await serveDist();
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage();
    const url = `http://127.0.0.1:${server.address().port}/console/sign-in`;
    await page.goto(url); // warm-up: the browser process, not the console
    const times = [];
    for (let i = 0; i < 3; i++) {
      const context = await browser.newContext();
      const fresh = await context.newPage();
      const t0 = Date.now();
      await fresh.goto(url);
      await fresh.getByLabel('Machine-identity token').waitFor({ state: 'visible' });
      times.push(Date.now() - t0);
      await context.close();
    }
    return times.sort((a, b) => a - b)[1];
  } finally {
    await browser.close();
    server.close();
  }
}

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
  if (quiet) return;
  const ms = await firstUsablePageMs();
  if (ms === undefined) console.log('[console] first usable page: not measured (no Chromium; bash tools/browser.sh installs it)');
  else console.log(`[console] first usable page on loopback (fresh context, median of 3): ${ms} ms, ${ms <= FIRST_PAGE_BUDGET_MS ? 'within' : 'OVER'} the ${FIRST_PAGE_BUDGET_MS} ms budget`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
