/**
 * Provider failures as data: a stable code for the `error` frame, a message safe to show (never the
 * upstream text, which can echo part of an API key), and the retry hint when the upstream gave one.
 * Pure, so the mapping is unit-tested without a server.
 */
import type { ErrorCode } from '../protocol/frames.js';

export type ProviderErrorCode = Extract<
  ErrorCode,
  | 'provider_auth'
  | 'provider_rate_limited'
  | 'provider_unavailable'
  | 'provider_timeout'
  | 'provider_stream_cut'
>;

const MESSAGES: Record<ProviderErrorCode, string> = {
  provider_auth: 'The model provider rejected the server credentials.',
  provider_rate_limited: 'The model provider is rate limiting requests; try again shortly.',
  provider_unavailable: 'The model provider is unavailable; try again later.',
  provider_timeout: 'The model provider did not answer in time.',
  provider_stream_cut: 'The model provider ended the reply before it was finished.',
};

/** A classified provider failure. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly code: ProviderErrorCode,
    readonly retryAfter?: number,
    options?: { cause?: unknown },
  ) {
    super(MESSAGES[code], options);
  }
}

/** The shape of an upstream failure we classify (duck-typed so tests need no SDK objects). */
export interface UpstreamFailure {
  /** HTTP status, when the upstream answered. */
  status?: number | undefined;
  /** Retry-After header value (seconds), when present. */
  retryAfter?: string | null | undefined;
  /** The request ran past its deadline. */
  timedOut?: boolean;
  /** Tokens had started to arrive when the failure happened. */
  midStream?: boolean;
}

/**
 * Maps an upstream failure to a provider error code.
 *
 * @example classifyFailure({ status: 429, retryAfter: '3' }) // → ProviderError provider_rate_limited, retryAfter 3
 */
export function classifyFailure(f: UpstreamFailure, cause?: unknown): ProviderError {
  const retry = parseRetryAfter(f.retryAfter);
  if (f.timedOut) return new ProviderError('provider_timeout', undefined, { cause });
  if (f.status === 401 || f.status === 403)
    return new ProviderError('provider_auth', undefined, { cause });
  if (f.status === 429) return new ProviderError('provider_rate_limited', retry, { cause });
  if (f.status !== undefined && f.status >= 500) {
    return new ProviderError('provider_unavailable', retry, { cause });
  }
  if (f.midStream) return new ProviderError('provider_stream_cut', undefined, { cause });
  return new ProviderError('provider_unavailable', undefined, { cause });
}

/** Parses a Retry-After header given in seconds; HTTP dates and junk give undefined. */
export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Math.ceil(Number(value));
}
