/**
 * MODELS checked against the provider's GET /v1/models (issue #14), through the real `openai` SDK
 * against the local fake: at start-up (the real startServer) and on /ready. Models the provider
 * lacks are logged and left out of /api/models; the server keeps running either way.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import supertest from 'supertest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { createDb, migrateLatest } from '../../src/db/index.js';
import { createDeps } from '../../src/deps.js';
import { createLogger } from '../../src/logger.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createTestDatabase, type TestDb } from '../support/db.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';

interface LogLine {
  level: number;
  msg: string;
  missing?: string[];
  offered?: string[];
  default?: string;
  models?: string[];
}

/** A pino logger whose lines land in `lines`, parsed. */
function capture() {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as LogLine);
      }
      done();
    },
  });
  return { lines, raw, logger: createLogger({ level: 'info' }, sink) };
}

describe('MODELS checked against the provider model list', () => {
  let fake: FakeOpenAI;
  let testDb: TestDb;
  before(async () => {
    fake = await startFakeOpenAI();
  });
  after(() => fake.close());
  beforeEach(async () => {
    testDb = await createTestDatabase('sqlite');
    fake.models = ['gpt-fake'];
  });
  afterEach(() => testDb.cleanup());

  const env = (extra: Record<string, string> = {}) => ({
    DATABASE_URL: testDb.url,
    PORT: '0',
    HOST: '127.0.0.1',
    OPENAI_API_KEY: fake.apiKey,
    OPENAI_BASE_URL: fake.baseURL,
    WEB_DIST_DIR: '/nonexistent-web-dist',
    ...extra,
  });

  /** Starts the real server, runs `body` against it, stops it. */
  async function withServer(
    vars: Record<string, string>,
    body: (
      s: RunningServer,
      api: ReturnType<typeof supertest>,
      auth: { Authorization: string },
    ) => Promise<void>,
  ) {
    const log = capture();
    const server = await startServer(loadConfig(env(vars)), log.logger);
    try {
      const api = supertest(`http://127.0.0.1:${server.port}`);
      const reg = await api
        .post('/api/auth/register')
        .send({ username: `u${Math.random().toString(36).slice(2, 10)}`, password: 'password123' });
      await body(server, api, { Authorization: `Bearer ${reg.body.token as string}` });
    } finally {
      await server.stop();
    }
    return log;
  }

  it('at start-up: logs a model the provider lacks, leaves it out of /api/models, keeps serving', async () => {
    const log = await withServer(
      { MODELS: 'gpt-fake,gpt-typo', DEFAULT_MODEL: 'gpt-typo' },
      async (_s, api, auth) => {
        const models = await api.get('/api/models').set(auth);
        assert.equal(models.status, 200);
        assert.deepEqual(
          models.body.models.map((m: { id: string }) => m.id),
          ['gpt-fake', 'echo'],
        );
        assert.equal(models.body.default, 'gpt-fake', 'DEFAULT_MODEL was the missing one');
        const typo = await api.post('/api/conversations').set(auth).send({ model: 'gpt-typo' });
        assert.equal(typo.status, 400);
        const created = await api.post('/api/conversations').set(auth).send({});
        assert.equal(created.body.model, 'gpt-fake');
        const ready = await api.get('/ready');
        assert.equal(ready.status, 200);
        assert.equal(ready.body.checks.models, 'missing');
      },
    );
    const warn = log.lines.findIndex((l) => l.missing !== undefined);
    const listening = log.lines.findIndex((l) => l.msg === 'aichat listening');
    assert.ok(warn >= 0 && warn < listening, 'logged before the server listens');
    assert.equal(log.lines[warn]?.level, 40);
    assert.deepEqual(log.lines[warn]?.missing, ['gpt-typo']);
    assert.deepEqual(log.lines[warn]?.offered, ['gpt-fake', 'echo']);
    assert.deepEqual(log.lines[listening]?.models, ['gpt-fake', 'echo']);
    assert.equal(fake.modelListRequests > 0, true);
  });

  it('a provider without a model list (404) leaves MODELS as configured', async () => {
    fake.models = 'absent';
    const log = await withServer({ MODELS: 'gpt-fake,gpt-other' }, async (_s, api, auth) => {
      const models = await api.get('/api/models').set(auth);
      assert.deepEqual(
        models.body.models.map((m: { id: string }) => m.id),
        ['gpt-fake', 'gpt-other', 'echo'],
      );
      assert.equal((await api.get('/ready')).body.checks.models, 'unlisted');
    });
    assert.ok(log.lines.some((l) => /serves no model list/.test(l.msg) && l.level === 30));
  });

  it('a model list that fails (500, wrong key) leaves MODELS as configured and logs no secret', async () => {
    fake.models = 'error';
    const failed = await withServer({ MODELS: 'gpt-fake,gpt-other' }, async (_s, api, auth) => {
      const models = await api.get('/api/models').set(auth);
      assert.equal(models.body.models.length, 3);
      const ready = await api.get('/ready');
      assert.equal(ready.status, 200, 'the provider does not make the pod unready');
      assert.equal(ready.body.checks.models, 'error');
    });
    assert.ok(failed.lines.some((l) => /could not read/.test(l.msg) && l.level === 40));

    fake.models = ['gpt-fake'];
    const wrongKey = await withServer(
      { MODELS: 'gpt-fake,gpt-other', OPENAI_API_KEY: 'sk-wrong-key-1234' },
      async (_s, api, auth) => {
        const models = await api.get('/api/models').set(auth);
        assert.equal(models.body.models.length, 3);
      },
    );
    assert.ok(wrongKey.lines.some((l) => /could not read/.test(l.msg)));
    assert.ok(!wrongKey.raw.some((l) => l.includes('sk-wrong-key-1234')), 'the key is not logged');
  });

  it('on /ready: re-checks, follows the provider list both ways, and logs each change once', async () => {
    const log = capture();
    const config = loadConfig(env({ MODELS: 'gpt-fake,gpt-two' }));
    const db = createDb(config.database);
    await migrateLatest(db);
    try {
      const deps = createDeps({ config, logger: log.logger, db, modelCheckMaxAgeMs: 0 });
      const api = supertest(buildApp(deps).callback());
      const token = (await deps.auth.register('ready_user', 'password123')).token;
      const offered = async () =>
        (await api.get('/api/models').set('Authorization', `Bearer ${token}`)).body.models.map(
          (m: { id: string }) => m.id,
        );
      const ready = async () => (await api.get('/ready')).body.checks.models as string;

      fake.models = ['gpt-fake', 'gpt-two'];
      assert.equal(await ready(), 'ok');
      assert.deepEqual(await offered(), ['gpt-fake', 'gpt-two', 'echo']);

      fake.models = ['gpt-fake'];
      assert.equal(await ready(), 'missing');
      assert.equal(await ready(), 'missing');
      assert.deepEqual(await offered(), ['gpt-fake', 'echo']);
      assert.equal(log.lines.filter((l) => l.missing !== undefined).length, 1, 'logged once');

      fake.models = ['gpt-two', 'gpt-fake', 'gpt-extra'];
      assert.equal(await ready(), 'ok');
      assert.deepEqual(await offered(), ['gpt-fake', 'gpt-two', 'echo']);
      assert.ok(log.lines.some((l) => /serves every model in MODELS again/.test(l.msg)));

      // A failing list keeps the last known offer instead of flapping.
      fake.models = ['gpt-fake'];
      await ready();
      fake.models = 'error';
      assert.equal(await ready(), 'error');
      assert.deepEqual(await offered(), ['gpt-fake', 'echo']);
    } finally {
      await db.destroy();
    }
  });

  it('on /ready: asks the provider at most once per interval, concurrent probes sharing it', async () => {
    const log = capture();
    const config = loadConfig(env({ MODELS: 'gpt-fake' }));
    const db = createDb(config.database);
    await migrateLatest(db);
    try {
      const deps = createDeps({ config, logger: log.logger, db });
      const api = supertest(buildApp(deps).callback());
      const before = fake.modelListRequests;
      const probes = await Promise.all([api.get('/ready'), api.get('/ready'), api.get('/ready')]);
      assert.deepEqual(
        probes.map((p) => p.body.checks.models),
        ['ok', 'ok', 'ok'],
      );
      assert.equal((await api.get('/ready')).body.checks.models, 'ok');
      assert.equal(fake.modelListRequests - before, 1);
    } finally {
      await db.destroy();
    }
  });

  it('without an API key there is nothing to check, and /ready says nothing about models', async () => {
    const config = loadConfig({ DATABASE_URL: testDb.url, WEB_DIST_DIR: '/nonexistent-web-dist' });
    const db = createDb(config.database);
    await migrateLatest(db);
    try {
      const deps = createDeps({ config, logger: createLogger({ level: 'silent' }), db });
      const before = fake.modelListRequests;
      const ready = await supertest(buildApp(deps).callback()).get('/ready');
      assert.deepEqual(ready.body.checks, { database: 'ok', redis: 'disabled' });
      assert.equal(fake.modelListRequests, before);
    } finally {
      await db.destroy();
    }
  });
});
