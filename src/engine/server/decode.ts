// Request decoding: query string (GET) and JSON body (everything else) into typed fields, with
// MLflow-style messages that name the field. Protobuf JSON rules: int64 as number or numeric string,
// enums by name, doubles as numbers or "NaN"/"Infinity"/"-Infinity".
import { invalid } from '../errors';
import type { KeyValue } from '../../shared/dto';

export type Fields = Record<string, unknown>;

export function queryFields(params: URLSearchParams): Fields {
  const out: Fields = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length > 1 ? all : all[0];
  }
  return out;
}

/** Parses a JSON body; MLflow's client never sends bare NaN tokens, but other clients (json.dumps) do. */
export function parseJsonBody(text: string): Fields {
  if (!text.trim()) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    try {
      v = JSON.parse(text.replace(/(?<=[:,[]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g, '"$1"'));
    } catch {
      throw invalid(`Malformed JSON request body: ${(e as Error).message}`);
    }
  }
  if (typeof v === 'string') { try { v = JSON.parse(v); } catch { /* keep */ } } // double-encoded, as MLflow tolerates
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalid('Request body must be a JSON object');
  if (!depthWithin(v, 1)) throw invalid(`Request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  return v as Fields;
}

/** No MLflow request nests deeper than a few levels; thousands would overflow the stack of later code (a 500). */
export const MAX_JSON_DEPTH = 64;
/** Recursion stops at MAX_JSON_DEPTH, so it cannot overflow; no allocation (log-batch bodies pass through here). */
function depthWithin(v: object, depth: number): boolean {
  if (depth > MAX_JSON_DEPTH) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) { const x: unknown = v[i]; if (x !== null && typeof x === 'object' && !depthWithin(x, depth + 1)) return false; }
  } else {
    for (const k in v) { const x: unknown = (v as Record<string, unknown>)[k]; if (x !== null && typeof x === 'object' && !depthWithin(x, depth + 1)) return false; }
  }
  return true;
}

const missing = (name: string) => invalid(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
const wrong = (name: string, v: unknown, expected: string) =>
  invalid(`Invalid value ${JSON.stringify(v)?.slice(0, 60)} for parameter '${name}' supplied: expected ${expected}`);

export class Decoder {
  constructor(readonly fields: Fields) {}

  has(name: string): boolean {
    return this.fields[name] !== undefined && this.fields[name] !== null;
  }

  str(name: string): string | undefined {
    const v = this.fields[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    // As in MLflow, only experiment ids may arrive as numbers; other string fields must be strings.
    if (typeof v === 'number' && Number.isFinite(v) && name === 'experiment_id') return String(v);
    throw wrong(name, v, 'a string');
  }

  reqStr(name: string): string {
    const v = this.str(name);
    if (v === undefined || v === '') throw missing(name);
    return v;
  }

  /** run_id, falling back to the deprecated run_uuid. */
  runId(): string {
    const v = this.str('run_id') || this.str('run_uuid');
    if (!v) throw missing('run_id');
    if (!/^[a-zA-Z0-9][\w-]{0,255}$/.test(v)) throw invalid(`Invalid value "${v.slice(0, 60)}" for parameter 'run_id' supplied`);
    return v;
  }

  int(name: string): number | undefined {
    const v = this.fields[name];
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n)) throw wrong(name, v, 'an integer');
    return n;
  }

  bool(name: string): boolean | undefined {
    const v = this.fields[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    throw wrong(name, v, 'true or false');
  }

  enumOf<T extends string>(name: string, values: readonly T[], numbered?: readonly T[]): T | undefined {
    const v = this.fields[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
    if (numbered && Number.isInteger(n) && numbered[n] !== undefined) return numbered[n];
    throw wrong(name, v, `one of ${values.join(', ')}`);
  }

  /** A repeated string field: array in JSON, repeated key in a query string, or a single value. */
  strList(name: string): string[] {
    const v = this.fields[name];
    if (v === undefined || v === null) return [];
    const list = Array.isArray(v) ? v : [v];
    return list.map((x, i) => {
      if (typeof x === 'string') return x;
      if (typeof x === 'number' && Number.isFinite(x)) return String(x);
      throw wrong(`${name}[${i}]`, x, 'a string');
    });
  }

  objList(name: string): Fields[] {
    const v = this.fields[name];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw wrong(name, v, 'a list');
    return v.map((x, i) => {
      if (x === null || typeof x !== 'object' || Array.isArray(x)) throw wrong(`${name}[${i}]`, x, 'an object');
      return x as Fields;
    });
  }

  kvList(name: string, valueRequired = false): KeyValue[] {
    return this.objList(name).map((o, i) => {
      const d = new Decoder(o);
      const key = d.str('key');
      if (!key) throw missing(`${name}[${i}].key`);
      const value = d.str('value');
      if (value === undefined && valueRequired) throw missing(`${name}[${i}].value`);
      return { key, value: value ?? '' };
    });
  }

  obj(name: string): Decoder {
    const v = this.fields[name];
    if (v === undefined || v === null) throw missing(name);
    if (typeof v !== 'object' || Array.isArray(v)) throw wrong(name, v, 'an object');
    return new Decoder(v as Fields);
  }
}

/** A double as protobuf JSON carries it. */
export function decodeDouble(name: string, v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity' || v === 'inf') return Infinity;
  if (v === '-Infinity' || v === '-inf') return -Infinity;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  if (v === undefined || v === null) throw missing(name);
  throw invalid(`Invalid value ${JSON.stringify(v)?.slice(0, 60)} for parameter '${name}' supplied: expected a double`);
}
