import assert from 'node:assert/strict';
import { ValidationError } from '../../src/errors/index.js';
import { decodeCursor, encodeCursor, takePage } from '../../src/pagination/cursor.js';

describe('pagination cursor', () => {
  it('round-trips a position through an opaque url-safe string', () => {
    const position = { t: 1764139200123, id: '7d444840-9dc0-11d1-b245-5ffdce74fad2' };
    const cursor = encodeCursor(position);
    assert.match(cursor, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeCursor(cursor), position);
  });

  for (const bad of [
    '',
    'not base64!',
    Buffer.from('{"t":1}').toString('base64url'),
    Buffer.from('[1.5,"x"]').toString('base64url'),
    Buffer.from('[-1,"x"]').toString('base64url'),
    Buffer.from('[8640000000000001,"x"]').toString('base64url'),
    Buffer.from('[1,""]').toString('base64url'),
    Buffer.from('[1,2]').toString('base64url'),
    Buffer.from('[1,"x",3]').toString('base64url'),
    Buffer.from('nope').toString('base64url'),
    'a'.repeat(300),
  ]) {
    it(`rejects ${JSON.stringify(bad.slice(0, 20))} as a 400 naming the field`, () => {
      assert.throws(
        () => decodeCursor(bad, 'before'),
        (err: unknown) =>
          err instanceof ValidationError &&
          err.status === 400 &&
          err.details?.[0]?.path === 'before',
      );
    });
  }

  it('takePage splits the extra row off as "more"', () => {
    assert.deepEqual(takePage([1, 2, 3], 2), { page: [1, 2], more: true });
    assert.deepEqual(takePage([1, 2], 2), { page: [1, 2], more: false });
    assert.deepEqual(takePage([], 2), { page: [], more: false });
  });
});
