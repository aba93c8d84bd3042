import assert from 'node:assert/strict';
import { clearedSessionCookie, sessionCookie } from '../../src/auth/cookie.js';
import {
  SESSION_COOKIE,
  generateToken,
  hashToken,
  readCookie,
  tokenFromHeaders,
} from '../../src/auth/tokens.js';

describe('auth tokens and cookies', () => {
  it('generates distinct 256-bit url-safe tokens and stores only their sha256', () => {
    const a = generateToken();
    const b = generateToken();
    assert.notEqual(a, b);
    assert.match(a, /^[A-Za-z0-9_-]{43}$/);
    assert.match(hashToken(a), /^[0-9a-f]{64}$/);
    assert.equal(hashToken(a), hashToken(a));
    assert.notEqual(hashToken(a), hashToken(b));
  });

  it('reads the token from Bearer first, then the session cookie', () => {
    assert.equal(SESSION_COOKIE, 'aichat_session');
    assert.equal(tokenFromHeaders({ authorization: 'Bearer abc' }), 'abc');
    assert.equal(tokenFromHeaders({ authorization: 'bearer  abc ' }), 'abc');
    assert.equal(tokenFromHeaders({ cookie: 'x=1; aichat_session=tok; y=2' }), 'tok');
    assert.equal(
      tokenFromHeaders({ authorization: 'Bearer head', cookie: 'aichat_session=cook' }),
      'head',
    );
    assert.equal(tokenFromHeaders({ authorization: 'Basic abc', cookie: 'aichat_session=c' }), 'c');
    assert.equal(tokenFromHeaders({ cookie: 'aichat_session=' }), undefined);
    assert.equal(tokenFromHeaders({}), undefined);
    assert.equal(readCookie('a=%zz', 'a'), '%zz');
    assert.equal(readCookie('aichat_sessionX=1', 'aichat_session'), undefined);
  });

  it('builds the session cookie: httpOnly, Lax, Secure only when asked', () => {
    const expires = new Date(Date.now() + 3600_000);
    const plain = sessionCookie('t0k', { expires, secure: false });
    assert.match(
      plain,
      /^aichat_session=t0k; Path=\/; Expires=.+; Max-Age=(3599|3600); HttpOnly; SameSite=Lax$/,
    );
    assert.match(sessionCookie('t0k', { expires, secure: true }), /; Secure$/);
    assert.match(clearedSessionCookie({ secure: false }), /^aichat_session=; .*Max-Age=0/);
  });
});
