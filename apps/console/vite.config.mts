import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
// The same @rotor/* aliases as tsc and Jest; the longest first, so `…/browser` wins over its lib.
const alias = Object.entries(compilerOptions.paths)
  .sort(([a], [b]) => b.length - a.length)
  .map(([find, [target]]) => ({ find: new RegExp(`^${find}$`), replacement: join(root, target) }));

export default defineConfig({
  root: here,
  base: '/console/',
  plugins: [react()],
  resolve: { alias },
  build: { outDir: join(root, 'dist/apps/console'), emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600 },
  // Development: `npx nx run console:serve`, with the API of a running `npm start` behind /api.
  server: { port: 4200, host: '127.0.0.1', proxy: { '/api': 'http://127.0.0.1:8080' } },
});
