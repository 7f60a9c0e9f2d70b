import { Module } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types';
import { CONSOLE_CSP, serveConsole } from '../src/console/serve-console';

@Module({})
class EmptyModule {}

describe('the console under /console', () => {
  let app: INestApplication;
  let dir: string;
  const INDEX = '<!doctype html><div id="root"></div><script type="module" src="/console/assets/app.js"></script>';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rotor-console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
    app = (await Test.createTestingModule({ imports: [EmptyModule] }).compile()).createNestApplication({ logger: false });
    serveConsole(app, dir);
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const http = () => app.getHttpServer() as App;

  it('answers index.html for the app and every deep link, with the CSP and no caching', async () => {
    for (const path of ['/console/', '/console/projects/p1/rotations/r1', '/console/sign-in?x=1']) {
      const res = await request(http()).get(path).expect(200);
      expect(res.text).toBe(INDEX);
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
  });

  it('serves hashed assets to cache, and a missing asset is a 404 (not the page)', async () => {
    const res = await request(http()).get('/console/assets/app.js').expect(200);
    expect(res.headers['cache-control']).toContain('immutable');
    await request(http()).get('/console/assets/missing.js').expect(404);
  });

  it('redirects /console to /console/', async () => {
    await request(http()).get('/console').expect(301).expect('location', '/console/');
  });
});
