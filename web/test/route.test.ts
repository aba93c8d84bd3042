import assert from 'node:assert/strict';
import { conversationIdFromPath } from '../src/lib/route.js';

describe('web: the conversation in the URL', () => {
  it('reads the id of /c/<id>, decoded, with or without a trailing slash', () => {
    assert.equal(conversationIdFromPath('/c/abc'), 'abc');
    assert.equal(conversationIdFromPath('/c/abc/'), 'abc');
    assert.equal(conversationIdFromPath('/c/a%20b%2Fc'), 'a b/c');
  });

  it('is null for any other path', () => {
    for (const path of ['/', '/c', '/c/', '/c/a/b', '/x/abc', '/api/c/abc']) {
      assert.equal(conversationIdFromPath(path), null, path);
    }
  });
});
