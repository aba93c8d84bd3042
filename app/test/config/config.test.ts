import assert from 'node:assert/strict';
import { ConfigError, loadConfig, parseDatabaseUrl } from '../../src/config/index.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems.map((p) => p.variable);
  }
  assert.fail('expected a ConfigError');
}

describe('config', () => {
  it('applies the documented defaults to an empty environment', () => {
    const c = loadConfig({});
    assert.equal(c.port, 8080);
    assert.equal(c.host, '0.0.0.0');
    assert.deepEqual(c.database, { client: 'better-sqlite3', filename: './data/aichat.sqlite' });
    assert.equal(c.redisUrl, undefined);
    assert.deepEqual(c.models, ['gpt-4o-mini']);
    assert.equal(c.defaultModel, undefined);
    assert.deepEqual(c.corsOrigins, []);
    assert.deepEqual(c.rateLimit, { perUserPerMinute: 60, perIpPerMinute: 300 });
    assert.equal(c.dailyTokenQuota, 200000);
    assert.equal(c.logLevel, 'info');
    assert.equal(c.shutdownGraceMs, 10000);
    assert.equal(c.sessionTtlHours, 168);
    assert.equal(c.cookieSecure, false);
    assert.equal(c.trustProxy, false);
    assert.equal(c.openai.timeoutMs, 60000);
    assert.match(c.webDistDir, /web\/dist$/);
  });

  it('reads every variable of the contract', () => {
    const c = loadConfig({
      PORT: '3000',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://u:p@db:5432/aichat',
      REDIS_URL: 'redis://cache:6379',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: 'http://127.0.0.1:9999/v1',
      OPENAI_TIMEOUT_MS: '5000',
      MODELS: 'gpt-4o-mini, gpt-4o',
      DEFAULT_MODEL: 'gpt-4o',
      CORS_ORIGINS: 'https://chat.example.com, http://localhost:5173/',
      RATE_LIMIT_PER_MINUTE: '5',
      RATE_LIMIT_IP_PER_MINUTE: '50',
      DAILY_TOKEN_QUOTA: '0',
      LOG_LEVEL: 'DEBUG',
      SHUTDOWN_GRACE_MS: '250',
      SESSION_TTL_HOURS: '1',
      COOKIE_SECURE: 'true',
      TRUST_PROXY: '1',
      WEB_DIST_DIR: '/srv/web',
    });
    assert.equal(c.port, 3000);
    assert.equal(c.host, '127.0.0.1');
    assert.deepEqual(c.database, {
      client: 'pg',
      connectionString: 'postgres://u:p@db:5432/aichat',
    });
    assert.equal(c.redisUrl, 'redis://cache:6379');
    assert.deepEqual(c.openai, {
      apiKey: 'sk-test',
      baseUrl: 'http://127.0.0.1:9999/v1',
      timeoutMs: 5000,
    });
    assert.deepEqual(c.models, ['gpt-4o-mini', 'gpt-4o']);
    assert.equal(c.defaultModel, 'gpt-4o');
    assert.deepEqual(c.corsOrigins, ['https://chat.example.com', 'http://localhost:5173']);
    assert.deepEqual(c.rateLimit, { perUserPerMinute: 5, perIpPerMinute: 50 });
    assert.equal(c.dailyTokenQuota, 0);
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.shutdownGraceMs, 250);
    assert.equal(c.sessionTtlHours, 1);
    assert.equal(c.cookieSecure, true);
    assert.equal(c.trustProxy, true);
    assert.equal(c.webDistDir, '/srv/web');
  });

  it('treats blank variables as unset', () => {
    const c = loadConfig({ PORT: '', REDIS_URL: ' ', OPENAI_API_KEY: '', MODELS: '' });
    assert.equal(c.port, 8080);
    assert.equal(c.redisUrl, undefined);
    assert.equal(c.openai.apiKey, undefined);
    assert.deepEqual(c.models, ['gpt-4o-mini']);
  });

  it('ignores variables outside the schema', () => {
    const c = loadConfig({ PORT: '1234', SOMETHING_ELSE: 'x' });
    assert.equal(c.port, 1234);
    assert.equal(Object.hasOwn(c, 'SOMETHING_ELSE'), false);
  });

  for (const [variable, value] of [
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'mysql://db/aichat'],
    ['DATABASE_URL', 'postgres://'],
    ['REDIS_URL', 'http://cache'],
    ['OPENAI_BASE_URL', 'not a url'],
    ['OPENAI_TIMEOUT_MS', '0'],
    ['MODELS', ' , '],
    ['MODELS', 'gpt 4'],
    ['CORS_ORIGINS', 'https://a.example/path'],
    ['CORS_ORIGINS', 'ftp://a.example'],
    ['RATE_LIMIT_PER_MINUTE', '0'],
    ['RATE_LIMIT_IP_PER_MINUTE', '-1'],
    ['DAILY_TOKEN_QUOTA', 'lots'],
    ['LOG_LEVEL', 'loud'],
    ['SHUTDOWN_GRACE_MS', '-5'],
    ['SESSION_TTL_HOURS', '0'],
    ['COOKIE_SECURE', 'maybe'],
    ['TRUST_PROXY', 'perhaps'],
  ] as const) {
    it(`rejects ${variable}=${JSON.stringify(value)} naming the variable`, () => {
      assert.deepEqual(problems({ [variable]: value }), [variable]);
    });
  }

  it('reports every bad variable at once in the message', () => {
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'y' });
      assert.fail('expected a ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /PORT must be a whole number/);
      assert.match(err.message, /LOG_LEVEL must be one of/);
    }
  });

  describe('parseDatabaseUrl', () => {
    it('recognises PostgreSQL and SQLite forms', () => {
      assert.deepEqual(parseDatabaseUrl('postgresql://h/db'), {
        client: 'pg',
        connectionString: 'postgresql://h/db',
      });
      assert.deepEqual(parseDatabaseUrl('sqlite:./x.db'), {
        client: 'better-sqlite3',
        filename: './x.db',
      });
      assert.deepEqual(parseDatabaseUrl('sqlite::memory:'), {
        client: 'better-sqlite3',
        filename: ':memory:',
      });
      assert.deepEqual(parseDatabaseUrl('file:///var/lib/aichat.db'), {
        client: 'better-sqlite3',
        filename: '/var/lib/aichat.db',
      });
      assert.deepEqual(parseDatabaseUrl('/tmp/a.sqlite'), {
        client: 'better-sqlite3',
        filename: '/tmp/a.sqlite',
      });
      assert.equal(parseDatabaseUrl('sqlite:'), undefined);
      assert.equal(parseDatabaseUrl('redis://x'), undefined);
    });
  });
});
