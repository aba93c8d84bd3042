/**
 * The configuration schema: one zod schema over an explicit map of environment variables.
 * Pure (no process.env access), so every rule is unit-tested; `loadConfig` applies it.
 */
import { z } from 'zod';

/** Pino levels accepted by LOG_LEVEL. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Where the default SQLite database lives (relative to the working directory). */
export const DEFAULT_SQLITE_FILE = './data/aichat.sqlite';

// Kubernetes and compose files often set a variable to "" to mean "unset".
const blankToUndefined = (v: unknown): unknown =>
  typeof v === 'string' && v.trim() === '' ? undefined : v;

const optionalString = z.preprocess(blankToUndefined, z.string().trim().optional());

const intWithDefault = (fallback: number, min: number, max: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`)
      .default(fallback),
  );

const booleanWithDefault = (fallback: boolean) =>
  z.preprocess(
    blankToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  );

const commaList = (v: string | undefined): string[] =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const httpUrl = (what: string) =>
  z.string().refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, `must be an http(s) URL (${what})`);

/** A database location: PostgreSQL URL or SQLite file. */
export type DatabaseTarget =
  { client: 'pg'; connectionString: string } | { client: 'better-sqlite3'; filename: string };

/**
 * Reads DATABASE_URL: `postgres://` / `postgresql://` → PostgreSQL; `sqlite:<path>`, `file:<path>`
 * or a bare path → SQLite (`sqlite::memory:` is an in-memory database).
 */
export function parseDatabaseUrl(value: string | undefined): DatabaseTarget | undefined {
  const v = value ?? DEFAULT_SQLITE_FILE;
  if (/^postgres(ql)?:\/\//i.test(v)) {
    try {
      if (!new URL(v).hostname) return undefined;
    } catch {
      return undefined;
    }
    return { client: 'pg', connectionString: v };
  }
  const m = /^(?:sqlite3?|file):(?:\/\/)?(.*)$/i.exec(v);
  const filename = m ? m[1] : v;
  if (!filename || /^[a-z][a-z0-9+.-]*:\/\//i.test(filename)) return undefined;
  return { client: 'better-sqlite3', filename };
}

/** The environment variables the app reads, each with its rule and default. */
export const envSchema = z.object({
  PORT: intWithDefault(8080, 0, 65535),
  HOST: z.preprocess(blankToUndefined, z.string().trim().default('0.0.0.0')),
  DATABASE_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        const target = parseDatabaseUrl(v);
        if (!target) {
          ctx.addIssue({
            code: 'custom',
            message: 'must be a postgres:// URL or a SQLite file (sqlite:<path>)',
          });
          return z.NEVER;
        }
        return target;
      }),
  ),
  REDIS_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((v) => /^rediss?:\/\/[^/]/.test(v), 'must be a redis:// or rediss:// URL')
      .optional(),
  ),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: z.preprocess(blankToUndefined, httpUrl('OpenAI-compatible API').optional()),
  OPENAI_TIMEOUT_MS: intWithDefault(60_000, 1, 600_000),
  MODELS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .default('gpt-4o-mini')
      .transform(commaList)
      .pipe(
        z
          .array(z.string().regex(/^[\w.:/-]{1,100}$/, 'model ids are letters, digits, . _ : / -'))
          .min(1, 'must name at least one model'),
      ),
  ),
  DEFAULT_MODEL: optionalString,
  CORS_ORIGINS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform(commaList)
      .pipe(
        z.array(
          httpUrl('an origin such as https://chat.example.com').refine(
            (v) => new URL(v).origin === v.replace(/\/$/, ''),
            'origins have no path, e.g. https://chat.example.com',
          ),
        ),
      )
      .transform((list) => list.map((v) => new URL(v).origin)),
  ),
  RATE_LIMIT_PER_MINUTE: intWithDefault(60, 1, 1_000_000),
  RATE_LIMIT_IP_PER_MINUTE: intWithDefault(300, 1, 1_000_000),
  DAILY_TOKEN_QUOTA: intWithDefault(200_000, 0, 1_000_000_000),
  LOG_LEVEL: z.preprocess(
    (v) => (typeof blankToUndefined(v) === 'string' ? String(v).toLowerCase() : undefined),
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  ),
  SHUTDOWN_GRACE_MS: intWithDefault(10_000, 0, 600_000),
  SESSION_TTL_HOURS: intWithDefault(168, 1, 24 * 366),
  COOKIE_SECURE: booleanWithDefault(false),
  TRUST_PROXY: booleanWithDefault(false),
  WEB_DIST_DIR: optionalString,
  ECHO_TOKEN_DELAY_MS: intWithDefault(0, 0, 60_000),
  WS_HEARTBEAT_MS: intWithDefault(30_000, 10, 600_000),
  WS_SEND_BUFFER_BYTES: intWithDefault(1024 * 1024, 1024, 64 * 1024 * 1024),
});
