/**
 * GET /health (liveness: the process answers, no dependencies) and GET /ready (readiness: the
 * database and, when configured, Redis answer within a deadline; 503 names the failing one). /ready
 * also re-checks MODELS against the provider's model list and reports it, without ever failing on
 * it: every replica shares the provider, so pulling them out of rotation would only add an outage.
 */
import { z } from 'zod';
import type { Knex } from '../db/index.js';
import { pingDb } from '../db/index.js';
import type { ApiRouter } from '../http/api-router.js';
import { requestLog } from '../http/request-log.js';
import {
  MODEL_CHECK_STATES,
  type ModelCheck,
  type ModelCheckState,
} from '../providers/model-check.js';

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
      /** The model list check, when there is one (informational: never makes /ready fail). */
      models: z.enum(MODEL_CHECK_STATES).exclude(['disabled']).optional(),
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

/** The model check's outcome, refreshed when stale; its last outcome if the refresh runs late. */
async function modelState(
  models: Pick<ModelCheck, 'refresh' | 'state'>,
  timeoutMs: number,
): Promise<ModelCheckState> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ModelCheckState>((resolve) => {
    timer = setTimeout(() => resolve(models.state), timeoutMs);
  });
  try {
    // The refresh goes on in the background when late; its own deadline bounds it.
    return await Promise.race([models.refresh(), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Adds /health and /ready. */
export function healthRoutes(
  api: ApiRouter,
  deps: {
    db: Knex;
    redis?: Pingable | undefined;
    models?: Pick<ModelCheck, 'refresh' | 'state'>;
    timeoutMs?: number;
  },
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
    summary: 'Readiness: database and Redis reachable (and the model list check, informational)',
    responses: {
      200: { description: 'Ready', schema: ReadySchema },
      503: { description: 'A dependency failed (named in checks)', schema: ReadySchema },
    },
    async handler(ctx) {
      const { redis, models } = deps;
      const [database, redisResult, modelsResult] = await Promise.all([
        check(() => pingDb(deps.db), timeoutMs),
        redis ? check(() => redis.ping(), timeoutMs) : Promise.resolve<CheckResult>('disabled'),
        models ? modelState(models, timeoutMs) : Promise.resolve<ModelCheckState>('disabled'),
      ]);
      const ok = database === 'ok' && redisResult !== 'error';
      const body = {
        status: ok ? 'ok' : 'error',
        // Absent without an OpenAI key or MODELS, as before the check existed.
        checks: {
          database,
          redis: redisResult,
          ...(modelsResult === 'disabled' ? {} : { models: modelsResult }),
        },
      };
      if (!ok) requestLog(ctx)?.warn(body, 'not ready');
      ctx.status = ok ? 200 : 503;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = body;
    },
  });
}
