/**
 * Provider failures as data: a stable code for the `error` frame, a message safe to show, and the
 * retry hint when the upstream gave one. The upstream text is passed on only for a request the
 * provider refused (`provider_rejected`: the user can act on "context length exceeded"), and then
 * bounded and stripped of anything that looks like a credential or an address; never for 401/403,
 * whose text can echo part of the API key. Pure, so the mapping is unit-tested without a server.
 */
import type { ErrorCode } from '../protocol/frames.js';

export type ProviderErrorCode = Extract<
  ErrorCode,
  | 'provider_auth'
  | 'provider_rate_limited'
  | 'provider_unavailable'
  | 'provider_timeout'
  | 'provider_stream_cut'
  | 'provider_rejected'
>;

const MESSAGES: Record<ProviderErrorCode, string> = {
  provider_auth: 'The model provider rejected the server credentials.',
  provider_rate_limited: 'The model provider is rate limiting requests; try again shortly.',
  provider_unavailable: 'The model provider is unavailable; try again later.',
  provider_timeout: 'The model provider did not answer in time.',
  provider_stream_cut: 'The model provider ended the reply before it was finished.',
  provider_rejected: 'The model provider refused the request; sending it again will not help.',
};

/** Longest provider text an error message carries (characters). */
export const MAX_PROVIDER_DETAIL = 300;

/** A classified provider failure. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly code: ProviderErrorCode,
    readonly retryAfter?: number,
    options?: { cause?: unknown; detail?: string | undefined },
  ) {
    const detail = options?.detail;
    super(
      detail ? `The model provider refused the request: ${detail}` : MESSAGES[code],
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
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
  /** The provider's own error message (untrusted; shown only for provider_rejected, sanitised). */
  message?: unknown;
  /** Strings that must never be shown (the API key), removed from `message`. */
  secrets?: readonly string[];
}

/**
 * Maps an upstream failure to a provider error code. Any other 4xx (context length exceeded, a
 * model the provider does not know, a malformed request) is `provider_rejected`: the same request
 * fails the same way again, so it carries no retry hint and says what the provider objected to.
 *
 * @example classifyFailure({ status: 429, retryAfter: '3' }) // → ProviderError provider_rate_limited, retryAfter 3
 * @example classifyFailure({ status: 400, message: 'maximum context length is 8192 tokens' }) // → provider_rejected
 */
export function classifyFailure(f: UpstreamFailure, cause?: unknown): ProviderError {
  const retry = parseRetryAfter(f.retryAfter);
  // 408 is the upstream's own request timeout: a retry can succeed, unlike the other 4xx.
  if (f.timedOut || f.status === 408)
    return new ProviderError('provider_timeout', undefined, { cause });
  if (f.status === 401 || f.status === 403)
    return new ProviderError('provider_auth', undefined, { cause });
  if (f.status === 429) return new ProviderError('provider_rate_limited', retry, { cause });
  if (f.status !== undefined && f.status >= 400 && f.status < 500) {
    const detail = safeProviderDetail(f.message, f.secrets);
    return new ProviderError('provider_rejected', undefined, { cause, detail });
  }
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

/**
 * The provider's error text made safe to show: control characters and runs of whitespace
 * collapsed, URLs, key-like tokens and the given secrets replaced by `[redacted]`, and at most
 * MAX_PROVIDER_DETAIL characters. Undefined when nothing readable is left.
 *
 * @example safeProviderDetail("The model `gpt-4x` does not exist") // → same text
 */
export function safeProviderDetail(
  raw: unknown,
  secrets: readonly string[] = [],
): string | undefined {
  if (typeof raw !== 'string') return undefined;
  // Only the head of a huge body is worth scanning.
  let text = raw.slice(0, 4 * MAX_PROVIDER_DETAIL);
  for (const secret of secrets) {
    if (secret.length >= 4) text = text.split(secret).join('[redacted]');
  }
  text = text
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    // Addresses can name internal hosts or carry credentials and keys in their query.
    .replace(/\b[a-z][a-z\d+.-]*:\/\/\S+/gi, '[redacted]')
    .replace(/\b(bearer|basic)\s+\S+/gi, '$1 [redacted]')
    .replace(
      /\b(api[_-]?key|access[_-]?token|token|secret|password)(["']?\s*[:=]\s*["']?)[^\s"',;]+/gi,
      '$1$2[redacted]',
    )
    // Provider key formats: OpenAI/Anthropic (sk-…), Google (AIza…).
    .replace(/\b(?:sk|pk|rk)-[\w-]{6,}|\bAIza[\w-]{20,}/g, '[redacted]')
    // Long opaque tokens mixing letters and digits (hex or base64 keys, JWT parts).
    .replace(/[\w+/=-]{32,}/g, (m) => (/\d/.test(m) && /[a-z]/i.test(m) ? '[redacted]' : m))
    .replace(/\s+/g, ' ')
    .trim();
  if (!text) return undefined;
  const chars = Array.from(text);
  return chars.length > MAX_PROVIDER_DETAIL
    ? `${chars.slice(0, MAX_PROVIDER_DETAIL - 1).join('')}…`
    : text;
}
