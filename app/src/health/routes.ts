/**
 * GET /health (liveness: the process answers, no dependencies) and GET /ready (readiness: the
 * database and, when configured, Redis answer within a deadline; 503 names the failing one).
 */
import { z } from 'zod';
import type { Knex } from '../db/index.js';
import { pingDb } from '../db/index.js';
import type { ApiRouter } from '../http/api-router.js';
import { requestLog } from '../http/request-log.js';

/** The slice of a Redis client readiness needs. */
export interface Pingable {
  ping(): Promise<unknown>;
}

type CheckResult = 'ok' | 'error' | 'disabled';

export const HealthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
export const ReadySchema = z
  .object({
    status: z.enum(['ok', 'error']),
    checks: z.object({
      database: z.enum(['ok', 'error']),
      redis: z.enum(['ok', 'error', 'disabled']),
    }),
  })
  .meta({ id: 'Readiness' });

/** Resolves 'ok' when `probe` settles in time, 'error' on failure or timeout. */
async function check(probe: () => Promise<unknown>, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([probe(), timeout]);
    return 'ok';
  } catch {
    return 'error';
  } finally {
    clearTimeout(timer);
  }
}

/** Adds /health and /ready. */
export function healthRoutes(
  api: ApiRouter,
  deps: { db: Knex; redis?: Pingable | undefined; timeoutMs?: number },
): void {
  const timeoutMs = deps.timeoutMs ?? 2000;
  api.add({
    method: 'get',
    path: '/health',
    tag: 'operations',
    summary: 'Liveness: the process is up (checks no dependency)',
    responses: { 200: { description: 'Alive', schema: HealthSchema } },
    handler(ctx) {
      ctx.body = { status: 'ok' };
    },
  });
  api.add({
    method: 'get',
    path: '/ready',
    tag: 'operations',
    summary: 'Readiness: database and Redis reachable',
    responses: {
      200: { description: 'Ready', schema: ReadySchema },
      503: { description: 'A dependency failed (named in checks)', schema: ReadySchema },
    },
    async handler(ctx) {
      const redis = deps.redis;
      const [database, redisResult] = await Promise.all([
        check(() => pingDb(deps.db), timeoutMs),
        redis ? check(() => redis.ping(), timeoutMs) : Promise.resolve<CheckResult>('disabled'),
      ]);
      const ok = database === 'ok' && redisResult !== 'error';
      const body = { status: ok ? 'ok' : 'error', checks: { database, redis: redisResult } };
      if (!ok) requestLog(ctx)?.warn(body, 'not ready');
      ctx.status = ok ? 200 : 503;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = body;
    },
  });
}
