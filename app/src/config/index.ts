/**
 * Configuration in one place: `loadConfig` is the only reader of process.env. Everything else
 * receives the typed `Config` through its constructor.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { envSchema, LOG_LEVELS, type DatabaseTarget } from './schema.js';

export { parseDatabaseUrl, DEFAULT_SQLITE_FILE, type DatabaseTarget } from './schema.js';

/** Validated, typed configuration. */
export interface Config {
  port: number;
  host: string;
  database: DatabaseTarget;
  /** Unset → in-process pub/sub and in-memory rate limits. */
  redisUrl: string | undefined;
  openai: { apiKey: string | undefined; baseUrl: string | undefined; timeoutMs: number };
  /** OpenAI model ids on offer (only when an API key is set). */
  models: string[];
  /** DEFAULT_MODEL as given; the provider registry picks the fallback. */
  defaultModel: string | undefined;
  /** Allowed cross-origin callers; empty = same origin only. */
  corsOrigins: string[];
  rateLimit: { perUserPerMinute: number; perIpPerMinute: number };
  /** Tokens (prompt + completion) a user may spend per UTC day; 0 disables the quota. */
  dailyTokenQuota: number;
  logLevel: (typeof LOG_LEVELS)[number];
  shutdownGraceMs: number;
  sessionTtlHours: number;
  cookieSecure: boolean;
  trustProxy: boolean;
  /** Built web UI served at / when the directory exists. */
  webDistDir: string;
  /** Pause between the offline echo model's tokens (demos, slow-stream tests). */
  echoTokenDelayMs: number;
  /** WebSocket heartbeat interval, and how many bytes may wait for a slow client before it is closed. */
  ws: { heartbeatMs: number; sendBufferBytes: number };
}

/** Invalid configuration: `problems` names each bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`);
  }
}

// web/dist next to the app package; the same depth from app/src/config and app/dist/config.
const DEFAULT_WEB_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

/** Maps the parsed environment to the Config shape. */
function toConfig(env: z.output<typeof envSchema>): Config {
  return {
    port: env.PORT,
    host: env.HOST,
    database: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    openai: {
      apiKey: env.OPENAI_API_KEY,
      baseUrl: env.OPENAI_BASE_URL,
      timeoutMs: env.OPENAI_TIMEOUT_MS,
    },
    models: env.MODELS,
    defaultModel: env.DEFAULT_MODEL,
    corsOrigins: env.CORS_ORIGINS,
    rateLimit: {
      perUserPerMinute: env.RATE_LIMIT_PER_MINUTE,
      perIpPerMinute: env.RATE_LIMIT_IP_PER_MINUTE,
    },
    dailyTokenQuota: env.DAILY_TOKEN_QUOTA,
    logLevel: env.LOG_LEVEL,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    sessionTtlHours: env.SESSION_TTL_HOURS,
    cookieSecure: env.COOKIE_SECURE,
    trustProxy: env.TRUST_PROXY,
    webDistDir: env.WEB_DIST_DIR ? resolve(env.WEB_DIST_DIR) : DEFAULT_WEB_DIST,
    echoTokenDelayMs: env.ECHO_TOKEN_DELAY_MS,
    ws: { heartbeatMs: env.WS_HEARTBEAT_MS, sendBufferBytes: env.WS_SEND_BUFFER_BYTES },
  };
}

/**
 * Validates the environment and returns the typed configuration; throws `ConfigError` naming
 * every bad variable.
 * @example loadConfig({ PORT: '3000', DATABASE_URL: 'postgres://db/aichat' })
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Only the variables in the schema are read: an explicit mapping, nothing else leaks in.
  const input: Record<string, string | undefined> = {};
  for (const name of Object.keys(envSchema.shape)) input[name] = env[name];
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? 'environment'),
        message: issue.message,
      })),
    );
  }
  return toConfig(parsed.data);
}
