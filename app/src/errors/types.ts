/**
 * Errors are data: one class, AppError, carries a stable snake_case code, an HTTP status, whether
 * its message may be shown to the client (koa's `expose`) and, for limits, the seconds to wait
 * (`retryAfter`). Services throw it; it is mapped once to JSON (errors/map.ts, the error
 * middleware) and once to an `error` frame (ws/connection.ts). The subclasses below only name
 * common cases.
 */
import type { ErrorCode } from '../protocol/frames.js';

/** Extra detail attached to validation errors: which field, what is wrong. */
export interface ErrorDetail {
  path: string;
  message: string;
}

/** Status of each code: the WebSocket protocol's codes (ErrorCode) and the REST-only ones. */
const STATUS = {
  bad_frame: 400,
  unauthenticated: 401,
  not_found: 404,
  rate_limited: 429,
  quota_exceeded: 429,
  busy: 409,
  payload_too_large: 413,
  model_unavailable: 422,
  shutting_down: 503,
  internal_error: 500,
  provider_auth: 502,
  provider_rate_limited: 502,
  provider_unavailable: 502,
  provider_timeout: 504,
  provider_stream_cut: 502,
  provider_rejected: 502,
  validation_failed: 400,
  invalid_credentials: 401,
  session_expired: 401,
  origin_not_allowed: 403,
  method_not_allowed: 405,
  conflict: 409,
  username_taken: 409,
  unsupported_media_type: 415,
} as const satisfies Record<ErrorCode, number> & Record<string, number>;

/** Every code an AppError may carry: the protocol's ErrorCode union plus the REST-only codes. */
export type AppErrorCode = keyof typeof STATUS;

export interface AppErrorOptions {
  /** HTTP status; defaults to the code's usual one. */
  status?: number;
  /** Whether the message is meant for the client (default: status < 500). */
  expose?: boolean;
  /** Seconds the client should wait (Retry-After header, `retryAfter` frame field). */
  retryAfter?: number;
  details?: ErrorDetail[];
  cause?: unknown;
}

/** The one error the API and the WebSocket protocol answer deliberately. */
export class AppError extends Error {
  override readonly name: string = 'AppError';
  readonly status: number;
  readonly expose: boolean;
  readonly retryAfter: number | undefined;
  readonly details: ErrorDetail[] | undefined;

  constructor(
    readonly code: AppErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.status = options.status ?? STATUS[code];
    this.expose = options.expose ?? this.status < 500;
    this.retryAfter = options.retryAfter;
    this.details = options.details;
  }
}

/** 400: the request does not match the schema. */
export class ValidationError extends AppError {
  override readonly name = 'ValidationError';
  constructor(details: ErrorDetail[], message = 'The request is invalid.') {
    super('validation_failed', message, { details });
  }
}

/** 401: no valid session (`session_expired` when the session existed but ran out). */
export class UnauthenticatedError extends AppError {
  override readonly name = 'UnauthenticatedError';
  constructor(
    code: 'unauthenticated' | 'session_expired' | 'invalid_credentials' = 'unauthenticated',
    message = code === 'session_expired'
      ? 'Your session has expired; sign in again.'
      : code === 'invalid_credentials'
        ? 'Wrong username or password.'
        : 'Sign in first.',
  ) {
    super(code, message);
  }
}

/** 404: absent, or owned by someone else (the two are indistinguishable on purpose). */
export class NotFoundError extends AppError {
  override readonly name = 'NotFoundError';
  constructor(message = 'Not found.') {
    super('not_found', message);
  }
}

/** 409: the request conflicts with existing data. */
export class ConflictError extends AppError {
  override readonly name = 'ConflictError';
  constructor(
    code: 'conflict' | 'username_taken' = 'conflict',
    message = 'The request conflicts with existing data.',
  ) {
    super(code, message);
  }
}

/** 429: a rate limit or the daily token quota; `retryAfter` seconds become Retry-After. */
export class TooManyRequestsError extends AppError {
  override readonly name = 'TooManyRequestsError';
  constructor(
    retryAfter: number,
    code: 'rate_limited' | 'quota_exceeded' = 'rate_limited',
    message = code === 'quota_exceeded'
      ? 'Daily token quota used up; it resets at midnight UTC.'
      : 'Too many requests; slow down.',
  ) {
    super(code, message, { retryAfter });
  }
}
