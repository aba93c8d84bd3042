import assert from 'node:assert/strict';
import {
  classifyFailure,
  MAX_PROVIDER_DETAIL,
  parseRetryAfter,
  ProviderError,
  safeProviderDetail,
} from '../../src/providers/errors.js';

describe('providers: error mapping', () => {
  const code = (f: Parameters<typeof classifyFailure>[0]) => classifyFailure(f).code;

  it('maps HTTP statuses to stable codes', () => {
    assert.equal(code({ status: 401 }), 'provider_auth');
    assert.equal(code({ status: 403 }), 'provider_auth');
    assert.equal(code({ status: 429 }), 'provider_rate_limited');
    assert.equal(code({ status: 500 }), 'provider_unavailable');
    assert.equal(code({ status: 503 }), 'provider_unavailable');
    assert.equal(code({ status: 408 }), 'provider_timeout');
  });

  it('maps any other 4xx to provider_rejected, without a retry hint, with the provider text', () => {
    for (const status of [400, 404, 409, 413, 422]) {
      const e = classifyFailure({ status, retryAfter: '5', message: 'context too long' });
      assert.equal(e.code, 'provider_rejected', String(status));
      assert.equal(e.retryAfter, undefined, 'no retry can fix it');
      assert.equal(e.message, 'The model provider refused the request: context too long');
    }
    const bare = classifyFailure({ status: 400 });
    assert.equal(bare.code, 'provider_rejected');
    assert.match(bare.message, /refused the request; sending it again will not help/);
  });

  it('shows the upstream text of a rejection only, never of an auth failure', () => {
    const auth = classifyFailure({ status: 401, message: 'Incorrect API key provided: sk-abc' });
    assert.doesNotMatch(auth.message, /sk-abc|Incorrect/);
    const limited = classifyFailure({ status: 429, message: 'slow down, org org-123' });
    assert.doesNotMatch(limited.message, /org-123/);
    const rejected = classifyFailure({
      status: 400,
      message: 'bad key sk-live-0123456789 for key-holder',
      secrets: ['key-holder'],
    });
    assert.equal(
      rejected.message,
      'The model provider refused the request: bad key [redacted] for [redacted]',
    );
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

  it('makes provider text safe to show: no credentials, addresses or control characters', () => {
    const cases: Array<[string, string]> = [
      [
        "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
        "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
      ],
      ['The model `gpt-4x` does not exist', 'The model `gpt-4x` does not exist'],
      ['key sk-proj-AbC123_xyz-789 rejected', 'key [redacted] rejected'],
      ['google AIzaSyD-1234567890abcdefghijkl bad', 'google [redacted] bad'],
      ['see https://user:pw@internal.svc:8080/v1?key=s3cret now', 'see [redacted] now'],
      ['header Authorization: Bearer abc.def.ghi', 'header Authorization: Bearer [redacted]'],
      ['api_key="hunter2", password: pa55', 'api_key="[redacted]", password: [redacted]'],
      ['azure key 0123456789abcdef0123456789abcdef!', 'azure key [redacted]!'],
      [
        'a maximum_context_length_exceeded_error_name_x',
        'a maximum_context_length_exceeded_error_name_x',
      ],
      ['line one\nline\ttwo\u0000\u001b[31m red', 'line one line two [31m red'],
    ];
    for (const [raw, safe] of cases) assert.equal(safeProviderDetail(raw), safe, raw);
    assert.equal(
      safeProviderDetail('leak my-secret-value here', ['my-secret-value']),
      'leak [redacted] here',
    );
    assert.equal(safeProviderDetail(undefined), undefined);
    assert.equal(safeProviderDetail({ message: 'x' }), undefined);
    assert.equal(safeProviderDetail(' \n\t '), undefined);
    const long = safeProviderDetail('word '.repeat(1000)) ?? '';
    assert.equal(Array.from(long).length, MAX_PROVIDER_DETAIL);
    assert.ok(long.endsWith('…'));
    // Cut at a character, never inside a surrogate pair.
    const emoji = safeProviderDetail('😀'.repeat(400)) ?? '';
    assert.equal(emoji, `${'😀'.repeat(MAX_PROVIDER_DETAIL - 1)}…`);
  });
});
