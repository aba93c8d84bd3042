/**
 * Runs one assistant reply, whose row the chat service created and announced: pulls tokens from
 * the provider, fans them out, flushes its content periodically and writes the final state
 * exactly once — complete, interrupted (aborted) or failed (provider error). Never rejects.
 */
import type { Usage } from '../protocol/frames.js';
import { ProviderError } from '../providers/errors.js';
import type { Provider } from '../providers/types.js';
import type { ContentFlusher } from './flusher.js';
import {
  deltaPrefix,
  type AssistantOutcome,
  type ChatMetrics,
  type ChatQuota,
  type FanOut,
} from './ports.js';

/** Why a stream was aborted; every reason ends the reply as `interrupted`. */
export type AbortReason = 'stop' | 'offline' | 'shutdown';

/** A minimal logger (pino-compatible). */
export interface StreamLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface StreamJob {
  userId: string;
  conversationId: string;
  model: string;
  provider: Provider;
  turns: { role: 'system' | 'user' | 'assistant'; content: string }[];
  /** The reply's row: created `streaming` and empty, and announced with message.created. */
  messageId: string;
  signal: AbortSignal;
  /** Called once the reply is saved, before message.completed goes out, so a client that
   * sends again on message.completed never hits "busy". */
  onSaved(): void;
}

export interface StreamDeps {
  quota: ChatQuota;
  metrics: ChatMetrics;
  fanOut: FanOut;
  logger: StreamLogger;
  flusher: ContentFlusher;
}

// Without usage from the provider (stream cut or aborted) the quota still counts the tokens,
// estimated at the usual ~4 characters per token.
const estimate = (chars: number) => Math.ceil(chars / 4);

/** Streams one reply to completion; resolves once it is saved and announced. */
export async function runStream(job: StreamJob, deps: StreamDeps): Promise<void> {
  const { fanOut, metrics, logger } = deps;
  const { userId, conversationId, messageId } = job;
  const started = performance.now();
  const prefix = deltaPrefix(conversationId, messageId);
  const draft = deps.flusher.draft(messageId);
  let content = '';
  let usage: Usage | null = null;
  let outcome: AssistantOutcome['status'] = 'interrupted';
  let failure: ProviderError | undefined;

  metrics.streamStarted();
  try {
    for await (const event of job.provider.stream(
      { model: job.model, messages: job.turns },
      job.signal,
    )) {
      if (event.type === 'done') {
        usage = event.usage;
        outcome = 'complete';
        break;
      }
      if (content === '' && event.text !== '') {
        metrics.firstToken(job.model, (performance.now() - started) / 1000);
      }
      content += event.text;
      // What the periodic save stores is what has been sent: a prefix of the final content.
      draft.unsaved = content;
      // Each token goes out at once; the ws layer merges deltas only for a socket (or broker)
      // that is behind (ws/outbox.ts).
      const { text } = event;
      fanOut(
        userId,
        { type: 'delta', conversationId, messageId, text },
        prefix + JSON.stringify(text) + '}',
      );
    }
    // Ending without `done` means the signal aborted the provider.
  } catch (err) {
    outcome = job.signal.aborted ? 'interrupted' : 'failed';
    if (outcome === 'failed') {
      failure = err instanceof ProviderError ? err : undefined;
      if (!failure) logger.error({ err, conversationId }, 'reply stream failed');
    }
  }
  const error =
    outcome === 'failed'
      ? {
          code: failure?.code ?? 'internal_error',
          message: failure?.message ?? 'The reply failed; try again.',
        }
      : null;
  if (failure) metrics.providerError(failure.code);
  try {
    // One write, batched with the other replies ending in this turn (after every periodic save).
    await deps.flusher.finish({ id: messageId, content, status: outcome, usage, error });
  } catch (err) {
    logger.error({ err, conversationId }, 'saving the reply failed');
  }
  job.onSaved();
  if (error) {
    fanOut(userId, {
      type: 'error',
      code: error.code as ProviderError['code'],
      message: error.message,
      conversationId,
      messageId,
      ...(failure?.retryAfter !== undefined ? { retryAfter: failure.retryAfter } : {}),
    });
  }
  fanOut(userId, {
    type: 'message.completed',
    conversationId,
    messageId,
    status: outcome,
    usage,
  });
  metrics.streamEnded();
  await account(job, deps, usage, content);
}

async function account(job: StreamJob, deps: StreamDeps, usage: Usage | null, content: string) {
  const counted = usage ?? {
    promptTokens: estimate(job.turns.reduce((n, t) => n + t.content.length, 0)),
    completionTokens: estimate(content.length),
  };
  if (usage) deps.metrics.tokens(job.model, usage);
  try {
    await deps.quota.consume(job.userId, counted.promptTokens + counted.completionTokens);
  } catch (err) {
    deps.logger.warn({ err, userId: job.userId }, 'recording token usage failed');
  }
}
