// Page tokens: opaque base64 of {offset}; a token that does not decode is the client's mistake.
import { invalid } from '../errors';

export function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}
export function decodeToken(token: string | undefined): number {
  if (!token) return 0;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown };
    if (typeof v.offset === 'number' && Number.isSafeInteger(v.offset) && v.offset >= 0) return v.offset;
  } catch { /* fall through */ }
  throw invalid(`Invalid page token '${token.slice(0, 40)}'`);
}
export function checkMaxResults(n: number | undefined, dflt: number, max: number, what = 'max_results'): number {
  if (n === undefined) return dflt;
  if (!Number.isInteger(n) || n < 1 || n > max) throw invalid(`Invalid value ${n} for parameter '${what}' supplied. It must be a positive integer not greater than ${max}`);
  return n;
}

/** Callers fetch limit + 1 rows: the first `limit` are the page; an extra row means there is a next page. */
export function page<T>(rows: T[], limit: number, offset: number): [T[], { next_page_token?: string }] {
  return [rows.slice(0, limit), rows.length > limit ? { next_page_token: encodeToken(offset + limit) } : {}];
}
