import { Controller, Get, INestApplication, Module, Post, UseGuards, Body } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Client } from 'pg';
import request from 'supertest';
import { RotorError } from '@rotor/util';
import { INTERNAL_TOKEN_HEADER, InternalTokenGuard } from './internal-token';
import { JsonLogger } from './json-logger';
import { ReadinessRegistry } from './readiness';
import { ServiceRuntimeModule } from './service-runtime.module';

@Controller('probe')
class ProbeController {
  @Get('missing')
  missing(): never {
    throw RotorError.notFound('ROTATION.NOT_FOUND', 'rotation r1 not found');
  }

  @Get('invalid')
  invalid(): never {
    throw RotorError.validation('ROTATION.INVALID', [{ field: 'rotationInterval', message: 'must be a whole number 1-365' }]);
  }

  @Get('crash')
  crash(): never {
    throw new Error('driver said: password=hunter2');
  }

  @Get('database-down')
  async databaseDown(): Promise<never> {
    // What a query raises while Postgres restarts: the driver cannot connect at all.
    const client = new Client({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 1000 });
    await client.connect();
    throw new Error('unreachable: the connect above fails');
  }

  @Post('echo')
  @UseGuards(InternalTokenGuard)
  echo(@Body() body: unknown): unknown {
    return body;
  }
}

@Module({ imports: [ServiceRuntimeModule.forRoot({ name: 'probe' })], controllers: [ProbeController] })
class ProbeModule {}

describe('service runtime', () => {
  let app: INestApplication;
  const token = 'test-internal-token-0123456789';

  beforeAll(async () => {
    process.env['ROTOR_INTERNAL_TOKEN'] = token;
    const moduleRef = await Test.createTestingModule({ imports: [ProbeModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers a RotorError with its status, stable code and the fields named', async () => {
    const res = await request(app.getHttpServer()).get('/probe/invalid').expect(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'ROTATION.INVALID',
      message: 'rotationInterval: must be a whole number 1-365',
      details: [{ field: 'rotationInterval', message: 'must be a whole number 1-365' }],
    });
    await request(app.getHttpServer()).get('/probe/missing').expect(404);
  });

  it('hides the text of an unexpected error', async () => {
    const res = await request(app.getHttpServer()).get('/probe/crash').expect(500);
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    expect(res.body.error).toBe('INTERNAL');
  });

  it('answers 503, not 500, while the database is unavailable', async () => {
    const res = await request(app.getHttpServer()).get('/probe/database-down').expect(503);
    expect(res.body).toEqual({
      statusCode: 503,
      error: 'SERVICE.DATABASE_UNAVAILABLE',
      message: 'the database is unavailable; try again shortly',
      details: [],
    });
  });

  it('answers malformed JSON with a 400 naming the body', async () => {
    const res = await request(app.getHttpServer())
      .post('/probe/echo')
      .set(INTERNAL_TOKEN_HEADER, token)
      .set('content-type', 'application/json')
      .send('{"a":')
      .expect(400);
    expect(res.body.error).toBe('REQUEST.MALFORMED_JSON');
  });

  it.each([
    ['a charset the JSON parser cannot decode', 'application/json; charset=latin1', '{"a":1}', 415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE'],
    ['an unknown charset', 'application/json; charset=x-no-such', '{"a":1}', 415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE'],
    ['a body over the limit', 'application/json', JSON.stringify({ a: 'x'.repeat(200_000) }), 413, 'REQUEST.TOO_LARGE'],
  ])('answers %s with a 4xx in the error shape, naming the body', async (_what, contentType, body, status, code) => {
    const res = await request(app.getHttpServer())
      .post('/probe/echo')
      .set(INTERNAL_TOKEN_HEADER, token)
      .set('content-type', contentType)
      .send(body)
      .expect(status);
    expect(res.body).toEqual({ statusCode: status, error: code, message: expect.any(String), details: [{ field: 'body', message: expect.any(String) }] });
  });

  it.each(['gzip', 'deflate', 'br'])('answers a body that claims %s but is not with 400, not 500', async (encoding) => {
    const res = await request(app.getHttpServer())
      .post('/probe/echo')
      .set(INTERNAL_TOKEN_HEADER, token)
      .set('content-type', 'application/json')
      .set('content-encoding', encoding)
      .send('{"a":1}')
      .expect(400);
    expect(res.body).toEqual({ statusCode: 400, error: 'REQUEST.MALFORMED_BODY', message: expect.any(String), details: [{ field: 'body', message: expect.any(String) }] });
  });

  it('answers a compression it does not know with 415', async () => {
    const res = await request(app.getHttpServer())
      .post('/probe/echo')
      .set(INTERNAL_TOKEN_HEADER, token)
      .set('content-type', 'application/json')
      .set('content-encoding', 'x-unknown')
      .send('{"a":1}')
      .expect(415);
    expect(res.body.error).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses internal calls without the internal token', async () => {
    await request(app.getHttpServer()).post('/probe/echo').send({ a: 1 }).expect(401);
    await request(app.getHttpServer()).post('/probe/echo').set(INTERNAL_TOKEN_HEADER, 'wrong').send({ a: 1 }).expect(401);
    await request(app.getHttpServer()).post('/probe/echo').set(INTERNAL_TOKEN_HEADER, token).send({ a: 1 }).expect(201, { a: 1 });
  });

  it('is live at once and ready only when every registered dependency answers', async () => {
    await request(app.getHttpServer()).get('/health/live').expect(200, { status: 'ok' });
    const readiness = app.get(ReadinessRegistry);
    readiness.register('postgres', async () => undefined);
    await request(app.getHttpServer()).get('/health/ready').expect(200);
    readiness.register('kafka', async () => {
      throw new Error('connection refused');
    });
    const res = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(res.body.checks).toEqual({ postgres: 'up', kafka: 'down: connection refused' });
  });

  it('serves Prometheus metrics', async () => {
    const res = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });
});

describe('JsonLogger', () => {
  function capture(run: (logger: JsonLogger) => void): Record<string, unknown> {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      run(new JsonLogger('probe'));
    } finally {
      spy.mockRestore();
    }
    return JSON.parse(lines[0]);
  }

  it('writes one JSON line with the service, the context and extra fields, masked', () => {
    const line = capture((l) => l.error('Connection: Response Produce', { error: 'broker down', password: 's3cr3t' }, 'Kafka'));
    expect(line).toMatchObject({ level: 'error', service: 'probe', context: 'Kafka', msg: 'Connection: Response Produce' });
    expect(line['fields']).toEqual({ error: 'broker down', password: '[REDACTED]' });
  });

  it('keeps a stack trace apart from the context', () => {
    const line = capture((l) => l.error('failed', 'Error: boom\n    at x', 'Ctx'));
    expect(line).toMatchObject({ context: 'Ctx', trace: 'Error: boom\n    at x' });
  });
});
