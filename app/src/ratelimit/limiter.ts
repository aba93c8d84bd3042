/**
 * Per-user and per-IP request limits (rate-limiter-flexible). With Redis the counters are shared
 * by every replica; without it, or while Redis is unreachable, an in-memory limiter stands in
 * (insurance) so requests neither fail nor wait on a dead Redis.
 */
import type { Middleware } from 'koa';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { RedisClientType } from 'redis';
import { TooManyRequestsError } from '../errors/index.js';

/** Limits per minute. */
export interface RateLimitOptions {
  perUserPerMinute: number;
  perIpPerMinute: number;
  /** Distinguishes deployments (and parallel tests) sharing one Redis. */
  keyPrefix?: string;
}

/** Whole seconds a limited client should wait (Retry-After), at least 1. */
export function retryAfterSeconds(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}

function limiter(
  points: number,
  keyPrefix: string,
  redis: RedisClientType | undefined,
): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ points, duration: 60, keyPrefix });
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis,
    useRedisPackage: true,
    rejectIfRedisNotReady: true,
    points,
    duration: 60,
    keyPrefix,
    insuranceLimiter: memory,
  });
}

/** The two limiters and how to consume them. */
export class RateLimits {
  private readonly user: RateLimiterAbstract;
  private readonly ip: RateLimiterAbstract;

  constructor(options: RateLimitOptions, redis?: RedisClientType) {
    const prefix = options.keyPrefix ?? 'aichat:rl';
    this.user = limiter(options.perUserPerMinute, `${prefix}:user`, redis);
    this.ip = limiter(options.perIpPerMinute, `${prefix}:ip`, redis);
  }

  /**
   * Counts one action of the user (REST write, chat send); throws 429 `rate_limited` when over
   * the limit, with `message` when the caller's protocol words it its own way.
   */
  async consumeUser(userId: string, message?: string): Promise<void> {
    await consume(this.user, userId, message);
  }

  /** Counts one request from the IP; throws 429 when over the limit. */
  async consumeIp(ip: string): Promise<void> {
    await consume(this.ip, ip);
  }
}

async function consume(l: RateLimiterAbstract, key: string, message?: string): Promise<void> {
  try {
    await l.consume(key);
  } catch (err) {
    if (err instanceof RateLimiterRes)
      throw new TooManyRequestsError(retryAfterSeconds(err.msBeforeNext), 'rate_limited', message);
    throw err;
  }
}

/** Middleware: per-IP limit (ctx.ip honours X-Forwarded-For only when TRUST_PROXY is set). */
export function ipRateLimit(limits: RateLimits): Middleware {
  return async (ctx, next) => {
    await limits.consumeIp(ctx.ip || 'unknown');
    await next();
  };
}

/** Middleware: per-user limit; runs after requireUser. */
export function userRateLimit(limits: RateLimits): Middleware {
  return async (ctx, next) => {
    const user = ctx.state.user as { id: string } | undefined;
    if (user) await limits.consumeUser(user.id);
    await next();
  };
}
