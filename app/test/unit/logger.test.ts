import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, redactUrl } from '../../src/logger.js';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('logger', () => {
  it('redacts credentials wherever they appear in a log object', () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: 'info' }, stream);
    log.info(
      {
        password: 'pw-top',
        token: 'tok-top',
        apiKey: 'sk-top',
        body: { password: 'pw-nested', user: { token: 'tok-deep' } },
        req: {
          headers: { authorization: 'Bearer tok-header', cookie: 'aichat_session=tok-cookie' },
        },
        res: { headers: { 'set-cookie': 'aichat_session=tok-set' } },
        openai: { apiKey: 'sk-nested' },
        keep: 'visible',
      },
      'event',
    );
    const text = lines.join('');
    for (const secret of [
      'pw-top',
      'tok-top',
      'sk-top',
      'pw-nested',
      'tok-deep',
      'tok-header',
      'tok-cookie',
      'tok-set',
      'sk-nested',
    ]) {
      assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    }
    assert.ok(text.includes('visible'));
    assert.ok(text.includes('[redacted]'));
  });

  it('masks the token query parameter of URLs', () => {
    assert.equal(redactUrl('/ws?token=abc&x=1'), '/ws?token=[redacted]&x=1');
    assert.equal(redactUrl('/ws?a=1&TOKEN=abc'), '/ws?a=1&TOKEN=[redacted]');
    assert.equal(redactUrl('/api/conversations?q=token'), '/api/conversations?q=token');
  });
});
