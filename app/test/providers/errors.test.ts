import assert from 'node:assert/strict';
import { classifyFailure, parseRetryAfter, ProviderError } from '../../src/providers/errors.js';

describe('providers: error mapping', () => {
  const code = (f: Parameters<typeof classifyFailure>[0]) => classifyFailure(f).code;

  it('maps HTTP statuses to stable codes', () => {
    assert.equal(code({ status: 401 }), 'provider_auth');
    assert.equal(code({ status: 403 }), 'provider_auth');
    assert.equal(code({ status: 429 }), 'provider_rate_limited');
    assert.equal(code({ status: 500 }), 'provider_unavailable');
    assert.equal(code({ status: 503 }), 'provider_unavailable');
    assert.equal(code({ status: 400 }), 'provider_unavailable');
  });

  it('maps timeouts and cut streams', () => {
    assert.equal(code({ timedOut: true }), 'provider_timeout');
    assert.equal(code({ timedOut: true, midStream: true }), 'provider_timeout');
    assert.equal(code({ midStream: true }), 'provider_stream_cut');
    assert.equal(code({}), 'provider_unavailable');
  });

  it('keeps the retry hint of 429 and 5xx and never the upstream message', () => {
    const e = classifyFailure({ status: 429, retryAfter: '2.5' }, new Error('sk-secret leaked'));
    assert.ok(e instanceof ProviderError);
    assert.equal(e.retryAfter, 3);
    assert.doesNotMatch(e.message, /sk-secret/);
    assert.equal(classifyFailure({ status: 503, retryAfter: '7' }).retryAfter, 7);
    assert.equal(classifyFailure({ status: 401, retryAfter: '7' }).retryAfter, undefined);
  });

  it('parses Retry-After seconds only', () => {
    assert.equal(parseRetryAfter('10'), 10);
    assert.equal(parseRetryAfter(' 1.2 '), 2);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT'), undefined);
    assert.equal(parseRetryAfter('-1'), undefined);
    assert.equal(parseRetryAfter(null), undefined);
  });
});
