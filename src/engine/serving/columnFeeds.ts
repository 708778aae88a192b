// Columns → named ONNX tensors for one chunk, and output tensors → columns. Which column feeds which input follows
// decode.ts (planColumns): by input name when every input is a column, else all columns into the single input.
// Values go straight from typed column arrays into the tensor's typed array; a bad value names file, column and row.
import type { Tensor } from 'onnxruntime-node';
import { invalid } from '../errors';
import type { TensorSignature } from '../../shared/dto';
import type { Ort } from './modelSession';
import { planColumns, type Feeds } from './decode';
import type { Cell, Chunk, Column, OutColumn, OutType } from './tableColumns';

type Target = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | BigInt64Array | BigUint64Array | string[];

const TARGETS: Record<string, (n: number) => Target> = {
  float32: n => new Float32Array(n), float64: n => new Float64Array(n), int8: n => new Int8Array(n), int16: n => new Int16Array(n),
  int32: n => new Int32Array(n), uint8: n => new Uint8Array(n), uint16: n => new Uint16Array(n), uint32: n => new Uint32Array(n),
  int64: n => new BigInt64Array(n), uint64: n => new BigUint64Array(n), bool: n => new Uint8Array(n), string: n => new Array<string>(n),
};

/** Copies one column into its place in the [rows, k] target (columns `off … off + width - 1`). */
function fill(target: Target, sig: TensorSignature, col: Column, off: number, k: number, chunk: Chunk, file: string): void {
  const { values: v, width: w } = col;
  const rows = chunk.rows;
  const bad = (idx: number, what: string) => {
    const x = v[idx];
    const shown = typeof x === 'bigint' ? String(x) : x === undefined ? 'null' : JSON.stringify(x);
    return invalid(`${file}: column '${col.name}' row ${chunk.rowStart + Math.floor(idx / w) + 1}: input '${sig.name}' expects ${what} (${sig.type}), got ${shown}`);
  };
  const isFloat = sig.type === 'float32' || sig.type === 'float64';
  const at = (idx: number) => Math.floor(idx / w) * k + off + (idx % w);
  // Fast paths: typed numeric columns (with nulls, into float inputs only: there a null is NaN).
  if (ArrayBuffer.isView(v) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array) && sig.type !== 'string' && sig.type !== 'bool' && (!col.nulls || isFloat)) {
    const num = v as Float64Array;
    if (isFloat && w === k) { (target as Float64Array).set(num); return; }
    const isIntSource = !(v instanceof Float32Array || v instanceof Float64Array);
    if (target instanceof BigInt64Array || target instanceof BigUint64Array) {
      for (let i = 0; i < rows * w; i++) { if (!isIntSource && !Number.isInteger(num[i])) throw bad(i, 'integers'); target[at(i)] = BigInt(num[i]); }
      return;
    }
    const t = target as Float64Array;
    if (isFloat && w === 1) { for (let i = 0, o = off; i < rows; i++, o += k) t[o] = num[i]; return; }
    for (let i = 0; i < rows * w; i++) { if (!isFloat && !isIntSource && !Number.isInteger(num[i])) throw bad(i, 'integers'); t[at(i)] = num[i]; }
    return;
  }
  // Everything else, value by value, with decode.ts's coercions (null → NaN for floats, numeric strings → numbers).
  const n = v.length;
  const cells = v as ArrayLike<Cell>;
  for (let i = 0; i < n; i++) {
    const x = col.nulls?.[i] ? null : cells[i];
    let out: number | bigint | string;
    if (sig.type === 'string') {
      if (typeof x === 'string') out = x;
      else if (typeof x === 'number' || typeof x === 'boolean') out = String(x);
      else throw bad(i, 'strings');
    } else if (sig.type === 'bool') {
      if (typeof x === 'boolean') out = x ? 1 : 0;
      else if (x === 0 || x === 1) out = x;
      else throw bad(i, 'booleans');
    } else {
      let num: number | bigint;
      if (typeof x === 'number' || typeof x === 'bigint') num = x;
      else if ((x === null || x === undefined || x === 'NaN') && isFloat) num = NaN;
      else if (typeof x === 'string' && x.trim() !== '' && !Number.isNaN(Number(x))) num = Number(x);
      else throw bad(i, 'numbers');
      if (!isFloat && typeof num === 'number' && !Number.isInteger(num)) throw bad(i, 'integers');
      out = target instanceof BigInt64Array || target instanceof BigUint64Array ? BigInt(num) : Number(num);
    }
    (target as unknown as (number | bigint | string)[])[at(i)] = out;
  }
}

function tensorOf(ort: Ort, sig: TensorSignature, cols: Column[], chunk: Chunk, file: string): Tensor {
  const k = cols.reduce((s, c) => s + c.width, 0);
  const dims = sig.shape;
  const what = `input '${sig.name}' (${sig.type} [${dims.join(', ')}])`;
  if (typeof dims[0] === 'number' && dims[0] > 0 && dims[0] !== chunk.rows) throw invalid(`${what} has a fixed batch size of ${dims[0]}: batch prediction needs a dynamic first dimension`);
  if (dims.length !== 1 && dims.length !== 2) throw invalid(`${what}: batch prediction feeds rank 1 or 2 inputs from table columns`);
  if (dims.length === 1 && k !== 1) throw invalid(`${file}: ${what} takes one value per row, got ${k} from column(s) ${cols.map(c => `'${c.name}'`).join(', ')}`);
  if (dims.length === 2 && typeof dims[1] === 'number' && dims[1] > 0 && dims[1] !== k) {
    throw invalid(`${file}: ${what} takes ${dims[1]} values per row, got ${k} from column(s) ${cols.map(c => `'${c.name}'`).join(', ')}`);
  }
  const make = TARGETS[sig.type];
  if (!make) throw invalid(`${what} has an element type batch prediction cannot feed`);
  const target = make(chunk.rows * k);
  let off = 0;
  for (const c of cols) { fill(target, sig, c, off, k, chunk, file); off += c.width; }
  return new ort.Tensor(sig.type as 'float32', target as Float32Array, dims.length === 1 ? [chunk.rows] : [chunk.rows, k]);
}

/** One chunk's columns → the model's feeds. */
export function chunkFeeds(ort: Ort, inputs: TensorSignature[], chunk: Chunk, file: string): Feeds {
  let plan: ReturnType<typeof planColumns>;
  try {
    plan = planColumns(inputs, chunk.columns.map(c => c.name));
  } catch (e) {
    throw invalid(`${file}: ${(e as Error).message}`);
  }
  if (plan.byName) {
    const { columns } = plan;
    return Object.fromEntries(inputs.map((s, i) => [s.name, tensorOf(ort, s, [chunk.columns[columns[i]]], chunk, file)]));
  }
  return { [plan.input.name]: tensorOf(ort, plan.input, chunk.columns, chunk, file) };
}

/** The input columns a file must provide, by decode.ts's rules (all of them for a single-input model fed by position). */
export function neededColumns(inputs: TensorSignature[], names: string[]): string[] {
  const plan = planColumns(inputs, names);
  return plan.byName ? plan.columns.map(j => names[j]) : names;
}

const OUT_TYPES = new Set<string>(['float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool', 'string']);

/** Output tensors → columns: [N] or [N, 1] → `<output>`; [N, k] (or more dims, flattened) → `<output>_0 … <output>_{k-1}`. */
export function outputColumns(outputs: Record<string, Tensor>, order: string[], rows: number): OutColumn[] {
  const cols: OutColumn[] = [];
  for (const name of order) {
    const t = outputs[name];
    if (!t) continue;
    if (typeof t !== 'object' || !Array.isArray(t.dims)) throw invalid(`model output '${name}' is not a tensor: batch prediction writes tensor outputs only`);
    const dims = t.dims.map(Number);
    if (!dims.length || dims[0] !== rows) throw invalid(`model output '${name}' has shape [${dims.join(', ')}] for ${rows} input rows: batch prediction needs one output row per input row`);
    if (!OUT_TYPES.has(t.type)) throw invalid(`model output '${name}' has element type ${t.type}, which batch prediction cannot write`);
    const type = t.type as OutType;
    const data = t.data as OutColumn['values'];
    const k = dims.slice(1).reduce((a, b) => a * b, 1);
    if (k === 1) { cols.push({ name, type, values: data }); continue; }
    for (let j = 0; j < k; j++) {
      const values = (Array.isArray(data) ? new Array<string>(rows) : new (data.constructor as Float32ArrayConstructor)(rows)) as OutColumn['values'];
      for (let i = 0; i < rows; i++) (values as Float32Array)[i] = (data as Float32Array)[i * k + j];
      cols.push({ name: `${name}_${j}`, type, values });
    }
  }
  return cols;
}
