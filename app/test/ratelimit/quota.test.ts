import assert from 'node:assert/strict';
import { evaluateQuota, secondsUntilUtcMidnight, utcDay } from '../../src/ratelimit/quota.js';

describe('daily token quota maths', () => {
  const now = new Date('2026-03-01T23:59:30.250Z');

  it('keys usage by UTC day', () => {
    assert.equal(utcDay(now), '2026-03-01');
    assert.equal(utcDay(new Date('2026-03-02T00:00:00.000Z')), '2026-03-02');
  });

  it('counts seconds to the next UTC midnight, rounding up, at least 1', () => {
    assert.equal(secondsUntilUtcMidnight(now), 30);
    assert.equal(secondsUntilUtcMidnight(new Date('2026-03-01T00:00:00.000Z')), 86400);
    assert.equal(secondsUntilUtcMidnight(new Date('2026-03-01T23:59:59.999Z')), 1);
    assert.equal(secondsUntilUtcMidnight(new Date('2028-02-28T12:00:00.000Z')), 43200);
  });

  it('allows while tokens remain', () => {
    assert.deepEqual(evaluateQuota({ used: 150, quota: 200, now }), {
      allowed: true,
      remaining: 50,
      retryAfterSeconds: 0,
    });
    assert.equal(evaluateQuota({ used: 0, quota: 200, now }).remaining, 200);
  });

  it('refuses once the quota is used up, until midnight UTC', () => {
    assert.deepEqual(evaluateQuota({ used: 200, quota: 200, now }), {
      allowed: false,
      remaining: 0,
      retryAfterSeconds: 30,
    });
    assert.equal(evaluateQuota({ used: 250, quota: 200, now }).remaining, 0);
  });

  it('a quota of 0 disables the check', () => {
    const status = evaluateQuota({ used: 10 ** 9, quota: 0, now });
    assert.equal(status.allowed, true);
    assert.equal(status.remaining, Number.POSITIVE_INFINITY);
  });
});
