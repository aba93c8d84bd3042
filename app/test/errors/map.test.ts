import assert from 'node:assert/strict';
import { z } from 'zod';
import {
  AppError,
  ConflictError,
  NotFoundError,
  TooManyRequestsError,
  UnauthenticatedError,
  ValidationError,
  toErrorFrame,
  toErrorResponse,
} from '../../src/errors/index.js';

describe('error mapping', () => {
  it('keeps status, code and message of typed errors', () => {
    assert.deepEqual(toErrorResponse(new NotFoundError()), {
      status: 404,
      body: { error: { code: 'not_found', message: 'Not found.' } },
      headers: {},
      unexpected: false,
    });
    assert.equal(
      toErrorResponse(new ConflictError('username_taken')).body.error.code,
      'username_taken',
    );
    const expired = toErrorResponse(new UnauthenticatedError('session_expired'));
    assert.equal(expired.status, 401);
    assert.equal(expired.body.error.code, 'session_expired');
  });

  it('adds Retry-After to 429', () => {
    const res = toErrorResponse(new TooManyRequestsError(17, 'quota_exceeded'));
    assert.equal(res.status, 429);
    assert.equal(res.body.error.code, 'quota_exceeded');
    assert.deepEqual(res.headers, { 'Retry-After': '17' });
  });

  it('hides the message of non-exposed errors', () => {
    const res = toErrorResponse(
      new AppError('internal_error', 'password=hunter2 leaked', { status: 503 }),
    );
    assert.equal(res.status, 503);
    assert.equal(res.body.error.message, 'Internal server error.');
    assert.equal(res.unexpected, true);
  });

  it('maps zod errors to 400 with field details', () => {
    const parsed = z.object({ title: z.string().max(3) }).safeParse({ title: 'long' });
    assert.equal(parsed.success, false);
    const res = toErrorResponse(parsed.error);
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'validation_failed');
    assert.equal(res.body.error.details?.[0]?.path, 'title');
    const v = toErrorResponse(new ValidationError([{ path: 'body.x', message: 'bad' }]));
    assert.deepEqual(v.body.error.details, [{ path: 'body.x', message: 'bad' }]);
  });

  it('maps unique violations of PostgreSQL and SQLite to 409', () => {
    assert.equal(toErrorResponse({ code: '23505', detail: 'Key (username)' }).status, 409);
    assert.equal(toErrorResponse({ code: 'SQLITE_CONSTRAINT_UNIQUE' }).status, 409);
  });

  it('maps body-parser errors', () => {
    const tooLarge = toErrorResponse({ status: 413, type: 'entity.too.large', expose: true });
    assert.equal(tooLarge.status, 413);
    assert.equal(tooLarge.body.error.code, 'payload_too_large');
    const badJson = toErrorResponse({ status: 400, type: 'entity.parse.failed', expose: true });
    assert.equal(badJson.body.error.code, 'invalid_json');
    const coBody = Object.assign(new SyntaxError('Unexpected end of JSON input'), { status: 400 });
    assert.equal(toErrorResponse(coBody).body.error.code, 'invalid_json');
    const unsupported = toErrorResponse({ status: 415, expose: true, message: 'Unsupported' });
    assert.equal(unsupported.body.error.code, 'unsupported_media_type');
  });

  it('turns anything else into a 500 without leaking the message', () => {
    for (const thrown of [new Error('secret detail'), 'string', null, { status: 503 }]) {
      const res = toErrorResponse(thrown);
      assert.equal(res.status, 500);
      assert.deepEqual(res.body, {
        error: { code: 'internal_error', message: 'Internal server error.' },
      });
      assert.equal(res.unexpected, true);
    }
  });

  it('maps the same errors to WebSocket error frames', () => {
    const ids = { conversationId: 'c1', clientMessageId: 'm1' };
    assert.deepEqual(toErrorFrame(new TooManyRequestsError(7, 'quota_exceeded', 'spent'), ids), {
      frame: { type: 'error', code: 'quota_exceeded', message: 'spent', ...ids, retryAfter: 7 },
      unexpected: false,
    });
    assert.equal(toErrorFrame(new NotFoundError('gone')).frame.code, 'not_found');
    // REST-only codes become the protocol's nearest code.
    assert.equal(
      toErrorFrame(new UnauthenticatedError('session_expired')).frame.code,
      'unauthenticated',
    );
    assert.equal(toErrorFrame(new ValidationError([])).frame.code, 'bad_frame');
    const draining = toErrorFrame(new AppError('shutting_down', 'reconnect', { expose: true }));
    assert.deepEqual(draining.frame, {
      type: 'error',
      code: 'shutting_down',
      message: 'reconnect',
    });
    const hidden = toErrorFrame(new AppError('internal_error', 'password=hunter2'));
    assert.equal(hidden.frame.message, 'the request failed; try again');
    const crash = toErrorFrame(new Error('secret detail'), ids);
    assert.deepEqual(crash, {
      frame: {
        type: 'error',
        code: 'internal_error',
        message: 'the request failed; try again',
        ...ids,
      },
      unexpected: true,
    });
  });
});
