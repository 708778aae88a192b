// MLflow's limits and naming rules, one place.
import { invalid } from '../errors';

export const LIMITS = {
  keyLength: 250,
  paramValueBytes: 6000,
  tagValueBytes: 8000,
  batchMetrics: 1000,
  batchParams: 100,
  batchTags: 100,
  batchTotal: 1000,
  bodyBytes: 1024 * 1024,
  maxResults: 50000,
  experimentNameLength: 500,
  runNameLength: 250,
};

const KEY_RE = /^[\w\-. /:]+$/u;

export function validateKey(kind: string, key: unknown): string {
  if (typeof key !== 'string' || key === '') throw invalid(`Missing value for required parameter '${kind}' key`);
  if (key.length > LIMITS.keyLength) throw invalid(`${kind} name '${key.slice(0, 40)}…' exceeds the maximum length of ${LIMITS.keyLength}`);
  if (!KEY_RE.test(key)) {
    throw invalid(`Invalid ${kind} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).`);
  }
  if (key.split('/').some(p => p === '..' || p === '.') || key.startsWith('/')) {
    throw invalid(`Invalid ${kind} name: '${key}'. Names may not be absolute paths or contain '..' or '.' path segments.`);
  }
  return key;
}

export function validateValue(kind: string, key: string, value: unknown, maxBytes: number): string {
  if (value === undefined || value === null) throw invalid(`Missing value for required parameter '${kind} value' of '${key}'`);
  const s = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  if (s === undefined) throw invalid(`Invalid value for ${kind} '${key}': expected a string, got ${typeof value}`);
  if (Buffer.byteLength(s) > maxBytes) throw invalid(`${kind} value '${s.slice(0, 40)}…' of '${key}' had length ${Buffer.byteLength(s)}, which exceeded length limit of ${maxBytes}`);
  return s;
}
