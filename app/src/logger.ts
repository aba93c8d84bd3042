/**
 * The pino logger. Secrets never reach the log: credentials in headers, bodies and errors are
 * redacted by path, and request URLs are logged with their `token` query parameter masked.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

const SECRET_KEYS = ['password', 'token', 'apiKey', 'authorization', 'cookie', 'set-cookie'];

/** Redaction paths: the secret keys at the top level and up to two levels down. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((k) => {
    const key = /^[A-Za-z_]\w*$/.test(k) ? k : `["${k}"]`;
    const dot = key.startsWith('[') ? '' : '.';
    return [key, `*${dot}${key}`, `*.*${dot}${key}`];
  }),
];

/**
 * Creates the application logger. `destination` lets tests capture the JSON lines.
 * @example createLogger({ level: 'info' }).info({ userId }, 'registered')
 */
export function createLogger(options: { level: string }, destination?: DestinationStream): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'aichat' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** A URL safe to log: the `token` query parameter (WebSocket auth) is masked. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');
}
