/**
 * Maps any thrown value to what the client receives, once per transport. HTTP: AppErrors as they
 * are, zod errors → 400, unique-constraint violations (PostgreSQL 23505, SQLite
 * SQLITE_CONSTRAINT_UNIQUE) → 409, body-parser errors (bad JSON → 400, too large → 413),
 * anything else → 500 without details. WebSocket: AppErrors → an `error` frame with their code,
 * anything else → `internal_error`. Pure, so the mappings are unit-tested.
 */
import { ZodError } from 'zod';
import { ERROR_CODES, type ErrorCode, type ErrorFrame } from '../protocol/frames.js';
import { AppError, type ErrorDetail } from './types.js';

/** What the client receives, plus whether the error deserves an error-level log line. */
export interface ErrorResponse {
  status: number;
  body: { error: { code: string; message: string; details?: ErrorDetail[] } };
  headers: Record<string, string>;
  /** True for unexpected errors (5xx): log with the stack. */
  unexpected: boolean;
}

/** zod issues as `{path, message}` pairs, path dotted ("body.title"). */
export function zodDetails(error: ZodError, prefix?: string): ErrorDetail[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}

const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  411: 'length_required',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
};

function answer(
  status: number,
  code: string,
  message: string,
  extra: Partial<Pick<ErrorResponse, 'headers'>> & { details?: ErrorDetail[] } = {},
): ErrorResponse {
  const error = extra.details ? { code, message, details: extra.details } : { code, message };
  return { status, body: { error }, headers: extra.headers ?? {}, unexpected: status >= 500 };
}

function isUniqueViolation(err: Record<string, unknown>): boolean {
  return err.code === '23505' || err.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * The HTTP answer for a thrown value.
 * @example toErrorResponse(new NotFoundError()) // → 404 {error:{code:'not_found',...}}
 */
export function toErrorResponse(err: unknown): ErrorResponse {
  if (err instanceof AppError) {
    const message = err.expose ? err.message : 'Internal server error.';
    return answer(err.status, err.code, message, {
      headers: err.retryAfter === undefined ? {} : { 'Retry-After': String(err.retryAfter) },
      ...(err.details ? { details: err.details } : {}),
    });
  }
  if (err instanceof ZodError) {
    return answer(400, 'validation_failed', 'The request is invalid.', {
      details: zodDetails(err),
    });
  }
  if (err && typeof err === 'object') {
    const e = err as Record<string, unknown>;
    if (isUniqueViolation(e)) {
      return answer(409, 'conflict', 'The request conflicts with existing data.');
    }
    // http-errors style (koa's ctx.throw, co-body): trust only 4xx with expose.
    const status = typeof e.status === 'number' ? e.status : Number(e.statusCode);
    if (Number.isInteger(status) && status >= 400 && status < 500) {
      // co-body throws a SyntaxError with status 400 for malformed JSON.
      if (e.type === 'entity.parse.failed' || (status === 400 && err instanceof SyntaxError)) {
        return answer(400, 'invalid_json', 'The request body is not valid JSON.');
      }
      if (status === 413) {
        return answer(413, 'payload_too_large', 'The request body is too large.');
      }
      const message =
        e.expose === true && typeof e.message === 'string' ? e.message : 'Bad request.';
      return answer(status, STATUS_CODES[status] ?? 'bad_request', message);
    }
  }
  return answer(500, 'internal_error', 'Internal server error.');
}

/** The ids of the request an `error` frame answers, echoed so the client can correlate. */
export type FrameIds = Pick<ErrorFrame, 'conversationId' | 'clientMessageId'>;

const isFrameCode = (code: string): code is ErrorCode =>
  (ERROR_CODES as readonly string[]).includes(code);

/** The protocol code for an AppError whose code only the REST API knows (e.g. session_expired). */
function frameCode(err: AppError): ErrorCode {
  if (isFrameCode(err.code)) return err.code;
  if (err.status === 401) return 'unauthenticated';
  return err.status < 500 ? 'bad_frame' : 'internal_error';
}

/**
 * The `error` frame for a thrown value, plus whether it was unexpected (log it with its stack).
 * @example toErrorFrame(new NotFoundError('conversation not found'), { conversationId })
 */
export function toErrorFrame(
  err: unknown,
  ids: FrameIds = {},
): { frame: ErrorFrame; unexpected: boolean } {
  if (!(err instanceof AppError)) {
    const frame: ErrorFrame = {
      type: 'error',
      code: 'internal_error',
      message: 'the request failed; try again',
      ...ids,
    };
    return { frame, unexpected: true };
  }
  const frame: ErrorFrame = {
    type: 'error',
    code: frameCode(err),
    message: err.expose ? err.message : 'the request failed; try again',
    ...ids,
    ...(err.retryAfter === undefined ? {} : { retryAfter: err.retryAfter }),
  };
  return { frame, unexpected: false };
}
