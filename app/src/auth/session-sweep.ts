/**
 * Periodic removal of expired sessions. Expired tokens are already refused (and deleted) when
 * used; the sweep removes the ones never presented again so the table does not grow forever.
 */
import type { Logger } from '../logger.js';
import type { SessionStore } from './session-store.js';

/**
 * Deletes expired sessions every `intervalMs` (the timer does not keep the process alive).
 * Returns the function that stops the sweep.
 */
export function startSessionSweep(
  sessions: SessionStore,
  intervalMs: number,
  logger: Logger,
): () => void {
  const timer = setInterval(() => {
    sessions.deleteExpired().then(
      (removed) => {
        if (removed) logger.debug({ removed }, 'expired sessions removed');
      },
      (err: unknown) => logger.warn({ err }, 'session sweep failed'),
    );
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
