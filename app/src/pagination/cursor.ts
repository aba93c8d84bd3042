/**
 * Opaque keyset-pagination cursors: the (timestamp, id) of the last row a page returned, as
 * base64url JSON. Keyset pagination stays correct while rows are added, unlike OFFSET.
 * Pure, so encoding and validation are unit-tested.
 */
import { ValidationError } from '../errors/index.js';

const MAX_DATE_MS = 8.64e15;

/** Position of a row in a (time, id) ordering. */
export interface CursorPosition {
  /** Epoch milliseconds of the ordering timestamp. */
  t: number;
  id: string;
}

/** Encodes a position as an opaque cursor string. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.t, position.id]), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor from a query string; throws a 400 ValidationError naming `field` when it was
 * not produced by `encodeCursor`.
 */
export function decodeCursor(cursor: string, field = 'cursor'): CursorPosition {
  const invalid = () => new ValidationError([{ path: field, message: 'invalid cursor' }]);
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !Number.isSafeInteger(value[0]) ||
    value[0] < 0 ||
    // Beyond the JS Date range the timestamp would bind as an invalid date.
    value[0] > MAX_DATE_MS ||
    typeof value[1] !== 'string' ||
    value[1].length === 0 ||
    value[1].length > 64
  ) {
    throw invalid();
  }
  return { t: value[0] as number, id: value[1] as string };
}

/**
 * Splits a query result fetched with `limit + 1` rows into the page and whether more exist.
 * @example const { page, more } = takePage(rows, 20)
 */
export function takePage<T>(rows: T[], limit: number): { page: T[]; more: boolean } {
  return rows.length > limit
    ? { page: rows.slice(0, limit), more: true }
    : { page: rows, more: false };
}
