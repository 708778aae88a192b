// MLflow's scoring protocol → named ONNX tensors, validated against the model's signature.
// dataframe_split, dataframe_records, instances, inputs (array or dict of named tensors), and text/csv.
// Every client mistake is an MlflowError (400) naming the input and what was expected.
import type { Tensor } from 'onnxruntime-node';
import { parse as parseCsvText } from 'csv-parse/sync';
import { invalid } from '../errors';
import type { TensorSignature } from '../../shared/dto';
import type { Ort } from './modelSession';

export type Feeds = Record<string, Tensor>;
type Columns = { names: string[]; rows: unknown[][] };

const FLOAT = new Set(['float32', 'float64', 'float16']);
const INT = new Set(['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64']);
const INT_RANGE: Record<string, [number, number]> = {
  int8: [-128, 127], int16: [-32768, 32767], int32: [-2147483648, 2147483647], uint8: [0, 255], uint16: [0, 65535], uint32: [0, 4294967295],
};

function flatten(v: unknown, shape: number[], depth = 0): unknown[] {
  if (!Array.isArray(v)) { if (depth === 0) shape.push(1); return [v]; }
  if (shape.length <= depth) shape.push(v.length);
  else if (shape[depth] !== v.length) throw new Error(`ragged array: expected ${shape[depth]} elements, got ${v.length} at depth ${depth}`);
  return v.flatMap(x => flatten(x, shape, depth + 1));
}

/**
 * The common case, a nested list of plain numbers, straight into one Float64Array: no intermediate arrays and no
 * per-element callback. Anything else (ragged, null, numeric strings, a scalar) returns undefined and goes the
 * general way, which also words the errors.
 */
function numericFlatten(value: unknown): { shape: number[]; values: Float64Array } | undefined {
  if (!Array.isArray(value)) return undefined;
  const shape: number[] = [];
  for (let x: unknown = value; Array.isArray(x); x = x[0]) { shape.push(x.length); if (!x.length) return undefined; }
  const values = new Float64Array(shape.reduce((a, b) => a * b, 1));
  let o = 0;
  const fill = (v: unknown[], depth: number): boolean => {
    if (v.length !== shape[depth]) return false;
    if (depth === shape.length - 1) {
      for (let i = 0; i < v.length; i++) { const x = v[i]; if (typeof x !== 'number') return false; values[o++] = x; }
      return true;
    }
    for (let i = 0; i < v.length; i++) { const x = v[i]; if (!Array.isArray(x) || !fill(x, depth + 1)) return false; }
    return true;
  };
  return fill(value, 0) ? { shape, values } : undefined;
}

function toTensor(ort: Ort, sig: TensorSignature, value: unknown): Tensor {
  const fast = isNumericType(sig.type) ? numericFlatten(value) : undefined;
  const shape: number[] = fast?.shape ?? [];
  let flat: ArrayLike<unknown>;
  if (fast) flat = fast.values;
  else {
    try {
      flat = Array.isArray(value) ? flatten(value, shape) : flatten([value], shape);
    } catch (e) {
      throw invalid(`input '${sig.name}': ${(e as Error).message}`);
    }
    // Lists mixed with single values at one depth ([[1, 2], 3]) pass flatten's length checks but not this one.
    if (flat.length !== shape.reduce((a, b) => a * b, 1)) throw invalid(`input '${sig.name}': ragged array: rows mix lists and single values (shape [${shape.join(', ')}] needs ${shape.reduce((a, b) => a * b, 1)} values, got ${flat.length})`);
  }
  // A 1-D list for a [N, 1] input is a column: reshape.
  if (shape.length === sig.shape.length - 1 && sig.shape[sig.shape.length - 1] === 1) shape.push(1);
  if (sig.shape.length && shape.length !== sig.shape.length) {
    throw invalid(`input '${sig.name}' expects rank ${sig.shape.length} [${sig.shape.join(', ')}], got shape [${shape.join(', ')}]`);
  }
  sig.shape.forEach((d, i) => {
    if (typeof d === 'number' && d > 0 && shape[i] !== d) throw invalid(`input '${sig.name}' expects dimension ${i} to be ${d} ([${sig.shape.join(', ')}]), got ${shape[i]}`);
  });
  const bad = (x: unknown, what: string) => invalid(`input '${sig.name}' expects ${what} (${sig.type}), got ${JSON.stringify(x)?.slice(0, 40)}`);
  const num = (x: unknown) => {
    if (typeof x === 'number') return x;
    if (x === null || x === 'NaN' || (x === '' && FLOAT.has(sig.type))) return NaN;
    if (typeof x === 'string' && x.trim() !== '' && !Number.isNaN(Number(x))) return Number(x);
    throw bad(x, 'numbers');
  };
  const range = INT_RANGE[sig.type];
  const intOf = (x: unknown): number | bigint => {
    // int64 beyond 2^53 arrives exactly only as a string of digits.
    if (sig.type === 'int64' && typeof x === 'string' && /^\s*-?\d+\s*$/.test(x)) {
      const b = BigInt(x.trim());
      if (b < -(2n ** 63n) || b >= 2n ** 63n) throw invalid(`input '${sig.name}': ${x.trim()} is out of range for int64`);
      return b;
    }
    const n = num(x);
    if (!Number.isInteger(n)) throw bad(x, 'integers');
    if (range && (n < range[0] || n > range[1])) throw invalid(`input '${sig.name}': ${n} is out of range for ${sig.type} [${range[0]}, ${range[1]}]`);
    if (sig.type === 'int64' && !Number.isSafeInteger(n)) throw invalid(`input '${sig.name}': ${n} is beyond 2^53 and would lose precision; send int64 values that large as strings of digits`);
    return n;
  };
  // ±Infinity after conversion: sent as such, or beyond float32's range (the message shows the value as sent).
  const finite = (v: Float32Array | Float64Array): Float32Array | Float64Array => {
    for (let i = 0; i < v.length; i++) {
      if (Math.abs(v[i]) === Infinity) throw invalid(`input '${sig.name}': value ${fast ? fast.values[i] : v[i]} at flat index ${i} is out of range for ${sig.type} (JSON has no Infinity; send null for a missing value)`);
    }
    return v;
  };
  let data: ArrayLike<number | bigint | string> | string[];
  switch (sig.type) {
    case 'float32': data = finite(fast ? new Float32Array(fast.values) : Float32Array.from(flat, num)); break;
    case 'float64': data = finite(fast ? fast.values : Float64Array.from(flat, num)); break;
    case 'int32': case 'int64': case 'int8': case 'int16': case 'uint8': case 'uint16': case 'uint32': {
      const ints = Array.from(flat, intOf) as number[];
      data = sig.type === 'int64' ? BigInt64Array.from(ints as unknown as (number | bigint)[], n => BigInt(n)) : sig.type === 'int32' ? Int32Array.from(ints)
        : sig.type === 'int8' ? Int8Array.from(ints) : sig.type === 'int16' ? Int16Array.from(ints) : sig.type === 'uint8' ? Uint8Array.from(ints)
        : sig.type === 'uint16' ? Uint16Array.from(ints) : Uint32Array.from(ints);
      break;
    }
    case 'bool': data = Uint8Array.from(flat as unknown[], x => {
      if (typeof x === 'boolean') return x ? 1 : 0;
      if (x === 0 || x === 1) return x;
      const s = typeof x === 'string' ? x.trim().toLowerCase() : undefined; // CSV cells
      if (s === 'true' || s === '1') return 1;
      if (s === 'false' || s === '0') return 0;
      throw bad(x, 'booleans');
    }); break;
    case 'string': data = Array.from(flat, x => { if (typeof x !== 'string') throw bad(x, 'strings'); return x; }); break;
    default: throw invalid(`input '${sig.name}' has unsupported element type ${sig.type}`);
  }
  return new ort.Tensor(sig.type as 'float32', data as unknown as Float32Array, shape);
}

/** Inputs that share a symbolic leading dimension (e.g. N) must agree on it: ONNX Runtime does not check. */
function checkBatchDims(inputs: TensorSignature[], feeds: Feeds): void {
  const first = new Map<string, TensorSignature>();
  for (const s of inputs) {
    const d = s.shape[0];
    if (typeof d !== 'string') continue;
    const ref = first.get(d);
    if (!ref) { first.set(d, s); continue; }
    const [a, b] = [Number(feeds[s.name].dims[0]), Number(feeds[ref.name].dims[0])];
    if (a !== b) throw invalid(`input '${s.name}' has ${a} rows but '${ref.name}' has ${b}: inputs sharing dimension ${d} must have the same number of rows`);
  }
}

/** Table columns → feeds: by input name when columns name the inputs, else all columns into the one input. */
function fromColumns(ort: Ort, inputs: TensorSignature[], cols: Columns): Feeds {
  if (!cols.rows.length) throw invalid('empty input: no rows');
  for (const [i, r] of cols.rows.entries()) {
    if (!Array.isArray(r) || r.length !== cols.names.length) throw invalid(`row ${i} has ${Array.isArray(r) ? r.length : 'no'} values, expected ${cols.names.length} (columns ${cols.names.join(', ')})`);
  }
  const plan = planColumns(inputs, cols.names);
  if (plan.byName) return Object.fromEntries(inputs.map((s, i) => [s.name, toTensor(ort, s, cols.rows.map(r => r[plan.columns[i]]))]));
  return { [plan.input.name]: toTensor(ort, plan.input, cols.rows) };
}

/** How named columns feed the model (shared by requests and batch prediction). */
export type ColumnPlan = { byName: true; columns: number[] } | { byName: false; input: TensorSignature };

/**
 * When every input name is a column: one tensor per input from its column (`columns[i]` feeds `inputs[i]`).
 * Otherwise, for a single-input model: all columns in order form its [N, k] input. Otherwise: a missing-column error.
 */
export function planColumns(inputs: TensorSignature[], names: string[]): ColumnPlan {
  if (inputs.every(s => names.includes(s.name))) return { byName: true, columns: inputs.map(s => names.indexOf(s.name)) };
  if (inputs.length === 1) return { byName: false, input: inputs[0] };
  const missing = inputs.filter(s => !names.includes(s.name)).map(s => s.name);
  throw invalid(`missing column(s) ${missing.map(m => `'${m}'`).join(', ')}: the model's inputs are ${inputs.map(s => `${s.name} (${s.type} [${s.shape.join(', ')}])`).join(', ')}`);
}

/**
 * A CSV body (header row first) with csv-parse: quoted fields, embedded commas and quotes, CRLF. `typed` turns
 * cells into numbers and booleans where they read as such; the endpoint keeps the text and lets each input's
 * element type decide (a string input keeps "123" as a string).
 */
export function parseCsv(text: string, { typed = true } = {}): Columns {
  let records: string[][];
  try {
    records = parseCsvText(text, { skip_empty_lines: true, trim: true, bom: true, relax_column_count: true }) as string[][];
  } catch (e) {
    throw invalid(`malformed CSV body: ${(e as Error).message}`);
  }
  if (!records.length) throw invalid('empty CSV body');
  const cell = (c: string) => (c !== '' && !Number.isNaN(Number(c)) ? Number(c) : c === 'true' ? true : c === 'false' ? false : c);
  return { names: records[0], rows: records.slice(1).map(r => (typed ? r.map(cell) : r)) };
}

/** A list of records → columns; a record that lacks a key the others have is named (no silent undefined). */
function recordsToColumns(records: Record<string, unknown>[], what: string): Columns {
  const names = [...new Set(records.flatMap(r => Object.keys(r)))];
  records.forEach((r, i) => {
    const missing = names.filter(n => !(n in r));
    if (missing.length) throw invalid(`${what} record ${i} lacks ${missing.map(m => `'${m}'`).join(', ')} (the other records have ${names.join(', ')})`);
  });
  return { names, rows: records.map(r => names.map(n => r[n])) };
}

/** Decodes one request body into feeds. */
export function decodeRequest(ort: Ort, inputs: TensorSignature[], contentType: string, body: string): Feeds {
  if (!body.trim()) throw invalid('empty request body: send JSON (dataframe_split, dataframe_records, instances or inputs) or text/csv');
  if (contentType.includes('text/csv')) return fromColumns(ort, inputs, parseCsv(body, { typed: false }));
  let json: unknown;
  try { json = JSON.parse(body); } catch (e) { throw invalid(`malformed JSON body: ${(e as Error).message}`); }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw invalid('the JSON body must be an object with one of dataframe_split, dataframe_records, instances, inputs');
  const o = json as Record<string, unknown>;
  const keys = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'].filter(k => k in o);
  if (keys.length !== 1) throw invalid(`the JSON body must have exactly one of dataframe_split, dataframe_records, instances, inputs (got ${keys.join(', ') || Object.keys(o).join(', ') || 'none'})`);
  const v = o[keys[0]];
  switch (keys[0]) {
    case 'dataframe_split': {
      const s = v as { columns?: unknown; data?: unknown };
      if (!s || typeof s !== 'object' || !Array.isArray(s.data)) throw invalid("dataframe_split needs 'data' (a list of rows) and 'columns'");
      const notRow = s.data.findIndex(r => !Array.isArray(r));
      if (notRow >= 0) throw invalid(`dataframe_split 'data' must be a list of rows (lists); row ${notRow} is ${JSON.stringify(s.data[notRow])?.slice(0, 40)}`);
      const names = Array.isArray(s.columns) ? s.columns.map(String) : inputs.length === 1 ? (s.data[0] as unknown[] ?? []).map((_, i) => String(i)) : [];
      return fromColumns(ort, inputs, { names, rows: s.data as unknown[][] });
    }
    case 'dataframe_records': {
      if (!Array.isArray(v) || !v.every(r => r && typeof r === 'object' && !Array.isArray(r))) throw invalid('dataframe_records must be a list of objects');
      return fromColumns(ort, inputs, recordsToColumns(v as Record<string, unknown>[], 'dataframe_records'));
    }
    default: {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const named = v as Record<string, unknown>;
        const missing = inputs.filter(s => !(s.name in named)).map(s => s.name);
        if (missing.length) throw invalid(`missing input(s) ${missing.map(m => `'${m}'`).join(', ')} in '${keys[0]}'`);
        const feeds: Feeds = Object.fromEntries(inputs.map(s => [s.name, toTensor(ort, s, named[s.name])]));
        checkBatchDims(inputs, feeds);
        return feeds;
      }
      if (!Array.isArray(v) || !v.length) throw invalid(`'${keys[0]}' must be a non-empty list (or a dict of named tensors)`);
      if (v.every(r => r && typeof r === 'object' && !Array.isArray(r))) return fromColumns(ort, inputs, recordsToColumns(v as Record<string, unknown>[], keys[0]));
      if (inputs.length !== 1) throw invalid(`the model has ${inputs.length} inputs (${inputs.map(s => s.name).join(', ')}): send a dict of named tensors`);
      return { [inputs[0].name]: toTensor(ort, inputs[0], v) };
    }
  }
}

/** Output tensors → JSON: one output → its (nested) list; several → a dict by name. */
export function encodeOutputs(outputs: Record<string, Tensor>, order: string[]): unknown {
  const toList = (t: Tensor): unknown => {
    const data = Array.from(t.data as ArrayLike<number | bigint | string | boolean>, x => (typeof x === 'bigint' ? Number(x) : t.type === 'bool' ? !!x : x));
    const dims = t.dims.map(Number);
    const build = (offset: number, d: number): unknown => {
      if (d === dims.length) return data[offset];
      const stride = dims.slice(d + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: dims[d] }, (_, i) => build(offset + i * stride, d + 1));
    };
    return dims.length ? build(0, 0) : data[0];
  };
  const names = order.filter(n => n in outputs);
  return names.length === 1 ? toList(outputs[names[0]]) : Object.fromEntries(names.map(n => [n, toList(outputs[n])]));
}

export const isNumericType = (t: string) => FLOAT.has(t) || INT.has(t);
