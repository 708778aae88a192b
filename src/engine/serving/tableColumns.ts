// Columnar chunks for batch prediction: the table formats by extension, the column types readers produce and
// writers take, and re-chunking a stream of column slices into chunks of exactly `chunkRows` rows.
import path from 'node:path';
import { invalid } from '../errors';

export type TableFormat = 'csv' | 'arrow' | 'parquet';

const FORMATS: Record<string, TableFormat> = { '.csv': 'csv', '.arrow': 'arrow', '.feather': 'arrow', '.ipc': 'arrow', '.parquet': 'parquet' };

/** The table format of a file, from its extension. */
export function tableFormat(file: string): TableFormat {
  const ext = path.extname(file).toLowerCase();
  const f = FORMATS[ext];
  if (!f) throw invalid(`${file}: unknown table format '${ext || '(no extension)'}' (use .csv, .arrow, .feather, .ipc or .parquet)`);
  return f;
}

export type Cell = number | bigint | boolean | string | null | undefined;
export type NumericArray = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
export type Values = NumericArray | BigInt64Array | BigUint64Array | Cell[];

/** One input column of a chunk: `width` values per row, flat (width > 1 for fixed-size list columns). */
export interface Column {
  name: string;
  values: Values;
  width: number;
  /**
   * 1 where the file holds null, on typed numeric columns of width 1 (`values` holds NaN there). Readers leave it out
   * when no value of a piece is missing (a slice or a join may keep zeros only). Plain arrays spell missing as null.
   */
  nulls?: Uint8Array;
}

/** A run of rows: one entry per column, all of the same row count. `rowStart` is the first row's index in the file. */
export interface Chunk {
  rowStart: number;
  rows: number;
  columns: Column[];
}

export type OutType = 'float32' | 'float64' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'bool' | 'string';

/** One output column: typed values (bools as 0/1 in a Uint8Array), one per row. */
export interface OutColumn {
  name: string;
  type: OutType;
  values: NumericArray | BigInt64Array | BigUint64Array | string[];
}

const isTyped = (v: Values): v is Exclude<Values, Cell[]> => ArrayBuffer.isView(v);
const isBig = (v: Values): v is BigInt64Array | BigUint64Array => v instanceof BigInt64Array || v instanceof BigUint64Array;

function sliceValues(v: Values, start: number, end: number): Values {
  return isTyped(v) ? v.subarray(start, end) : v.slice(start, end);
}

/**
 * Joins the value runs of one column: one typed array when every part has the same type, a Float64Array when they
 * are numeric typed arrays of different types (every value exact), else a plain array with null where a part's
 * `nulls` says so. The null mask comes along with typed results.
 */
function concatValues(parts: Column[]): Pick<Column, 'values' | 'nulls'> {
  const total = parts.reduce((n, p) => n + p.values.length, 0);
  const first = parts[0].values;
  const same = parts.every(p => p.values.constructor === first.constructor);
  if (parts.every(p => isTyped(p.values)) && (same || !parts.some(p => isBig(p.values)))) {
    const out = same ? new (first.constructor as new (n: number) => Float64Array)(total) : new Float64Array(total);
    const nulls = parts.some(p => p.nulls) ? new Uint8Array(total) : undefined;
    let at = 0;
    for (const p of parts) {
      out.set(p.values as Float64Array, at);
      if (p.nulls) nulls!.set(p.nulls, at);
      at += p.values.length;
    }
    return nulls ? { values: out, nulls } : { values: out };
  }
  const out: Cell[] = new Array(total);
  let at = 0;
  for (const { values, nulls } of parts) {
    const cells = values as ArrayLike<Cell>;
    for (let i = 0; i < cells.length; i++) out[at++] = nulls?.[i] ? null : cells[i];
  }
  return { values: out };
}

export function sliceChunk(c: Chunk, start: number, end: number): Chunk {
  return {
    rowStart: c.rowStart + start, rows: end - start,
    columns: c.columns.map(col => {
      const out = { ...col, values: sliceValues(col.values, start * col.width, end * col.width) };
      if (col.nulls) out.nulls = col.nulls.subarray(start * col.width, end * col.width);
      return out;
    }),
  };
}

function concatChunks(parts: Chunk[]): Chunk {
  if (parts.length === 1) return parts[0];
  const [first] = parts;
  return {
    rowStart: first.rowStart, rows: parts.reduce((n, p) => n + p.rows, 0),
    columns: first.columns.map((col, j) => {
      const other = parts.find(p => p.columns[j].width !== col.width);
      if (other) throw invalid(`column '${col.name}' holds lists of ${col.width} values (row ${first.rowStart + 1}) and of ${other.columns[j].width} (row ${other.rowStart + 1})`);
      return { name: col.name, width: col.width, ...concatValues(parts.map(p => p.columns[j])) };
    }),
  };
}

/** Re-cuts pieces of any size into chunks of exactly `chunkRows` rows (the last one may be shorter). */
export async function* rechunk(pieces: AsyncIterable<Chunk>, chunkRows: number): AsyncGenerator<Chunk> {
  let held: Chunk[] = [];
  let heldRows = 0;
  for await (const piece of pieces) {
    let at = 0;
    while (at < piece.rows) {
      const take = Math.min(chunkRows - heldRows, piece.rows - at);
      held.push(at === 0 && take === piece.rows ? piece : sliceChunk(piece, at, at + take));
      heldRows += take;
      at += take;
      if (heldRows === chunkRows) {
        yield concatChunks(held);
        held = [];
        heldRows = 0;
      }
    }
  }
  if (heldRows) yield concatChunks(held);
}
