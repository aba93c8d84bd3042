/**
 * Errors are data: each carries an HTTP status, a stable snake_case code and whether its message
 * may be shown to the client (koa's `expose`). The error middleware turns them into JSON.
 */

/** Extra detail attached to validation errors: which field, what is wrong. */
export interface ErrorDetail {
  path: string;
  message: string;
}

/** Base class of every error the API answers deliberately. */
export class AppError extends Error {
  override readonly name: string = 'AppError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: {
      expose?: boolean;
      details?: ErrorDetail[];
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
  }

  /** Whether the message is meant for the client (all 4xx by default). */
  get expose(): boolean {
    return this.options.expose ?? this.status < 500;
  }
}

/** 400: the request does not match the schema. */
export class ValidationError extends AppError {
  override readonly name = 'ValidationError';
  constructor(details: ErrorDetail[], message = 'The request is invalid.') {
    super(400, 'validation_failed', message, { details });
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
    super(401, code, message);
  }
}

/** 404: absent, or owned by someone else (the two are indistinguishable on purpose). */
export class NotFoundError extends AppError {
  override readonly name = 'NotFoundError';
  constructor(message = 'Not found.') {
    super(404, 'not_found', message);
  }
}

/** 409: the request conflicts with existing data. */
export class ConflictError extends AppError {
  override readonly name = 'ConflictError';
  constructor(code = 'conflict', message = 'The request conflicts with existing data.') {
    super(409, code, message);
  }
}

/** 429: a rate limit or the daily token quota; `retryAfterSeconds` becomes Retry-After. */
export class TooManyRequestsError extends AppError {
  override readonly name = 'TooManyRequestsError';
  constructor(
    readonly retryAfterSeconds: number,
    code: 'rate_limited' | 'quota_exceeded' = 'rate_limited',
    message = code === 'quota_exceeded'
      ? 'Daily token quota used up; it resets at midnight UTC.'
      : 'Too many requests; slow down.',
  ) {
    super(429, code, message, { headers: { 'Retry-After': String(retryAfterSeconds) } });
  }
}
