import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where `nx run console:build` writes the console (override with ROTOR_CONSOLE_DIR). */
export function consoleDir(): string {
  return process.env.ROTOR_CONSOLE_DIR ?? resolve(__dirname, '../../../../dist/apps/console');
}

/**
 * Same-origin policy for the console: scripts, styles and API calls only from this origin,
 * no inline script, no framing. The token lives in sessionStorage, so XSS is what to shut out.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the built console at /console, outside the API's bearer guard (plain files; every
 * /api call the console makes still carries its token). Unknown paths under /console answer
 * index.html, so deep links and reloads land on the right page.
 */
export function serveConsole(app: INestApplication, dir = consoleDir()): void {
  const index = join(dir, 'index.html');
  app.use('/console', (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (req.originalUrl === '/console') return res.redirect(301, '/console/');
    next();
  });
  app.use('/console/assets', express.static(join(dir, 'assets'), { index: false, immutable: true, maxAge: '365d', fallthrough: false }));
  app.use('/console', express.static(dir, { index: false }));
  app.use('/console', (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('Cache-Control', 'no-store');
    if (!existsSync(index)) {
      res.status(404).type('text/plain').send('The console is not built: run `npx nx run console:build` (npm start does it).');
      return;
    }
    res.sendFile(index);
  });
}
