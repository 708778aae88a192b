// Data files → drift datasets, column-wise and streamed: CSV/TSV (csv-parse, type inference per column),
// Arrow IPC file or stream / Feather v2 (apache-arrow, batch by batch) and Parquet (hyparquet, by row ranges).
// The streaming readers are the batch-prediction ones (serving/tableReaders.ts); here their column slices go
// into ColumnBuilders. The format comes from the magic bytes, else the extension; every failure names the file.
import fs from 'node:fs';
import path from 'node:path';
import { MlflowError, invalid, notFound } from '../errors';
import { checkNames, openTableReader, recordSource } from '../serving/tableReaders';
import { sliceChunk, type Column } from '../serving/tableColumns';
import { ColumnBuilder, type CellValue, type ColumnMode } from './columnBuilder';
import type { Dataset } from './types';

export type { SourceSpec } from './types';

export interface ReadOptions {
  /** Only these columns (by the file's names), in this order; an unknown name is an error. */
  columns?: string[];
  /** Stop after this many rows. */
  maxRows?: number;
  signal?: AbortSignal;
}

export type DataFormat = 'csv' | 'tsv' | 'arrow' | 'parquet';

const EXTENSIONS: Record<string, DataFormat> = { '.csv': 'csv', '.tsv': 'tsv', '.tab': 'tsv', '.arrow': 'arrow', '.feather': 'arrow', '.ipc': 'arrow', '.arrows': 'arrow', '.parquet': 'parquet', '.pq': 'parquet' };
const LABEL: Record<DataFormat, string> = { csv: 'CSV', tsv: 'TSV', arrow: 'Arrow IPC', parquet: 'Parquet' };
const ARROW = Buffer.from('ARROW1');
const PARQUET = Buffer.from('PAR1');
const CHUNK_ROWS = 65536;

function fileError(file: string, e: unknown): Error {
  if (e instanceof MlflowError || (e as Error)?.name === 'AbortError') return e as Error;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return notFound(`${file}: no such file`);
  if (code === 'EISDIR') return invalid(`${file}: is a directory, not a data file`);
  return invalid(`${file}: cannot read the file: ${(e as Error)?.message ?? String(e)}`);
}

/** The file's format from its first and last bytes, else its extension; a truncated Arrow or Parquet file is an error here. */
export async function detectFormat(file: string): Promise<DataFormat> {
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(file, 'r');
    const { size } = await fh.stat().then(st => {
      if (st.isDirectory()) throw invalid(`${file}: is a directory, not a data file`);
      return st;
    });
    const head = Buffer.alloc(Math.min(size, 512));
    const tail = Buffer.alloc(Math.min(size, 6));
    await fh.read(head, 0, head.length, 0);
    await fh.read(tail, 0, tail.length, size - tail.length);
    const ext = path.extname(file).toLowerCase();
    const byExt = EXTENSIONS[ext];
    if (head.subarray(0, 6).equals(ARROW)) {
      if (!tail.equals(ARROW)) throw invalid(`${file}: truncated Arrow IPC file (the footer is missing)`);
      return 'arrow';
    }
    if (head.subarray(0, 4).equals(PARQUET)) {
      if (!tail.subarray(2).equals(PARQUET) || size < 12) throw invalid(`${file}: truncated Parquet file (the PAR1 footer is missing)`);
      return 'parquet';
    }
    if (size >= 8 && head.readUInt32LE(0) === 0xffffffff) return 'arrow'; // Arrow IPC stream: a continuation marker first
    if (head.subarray(0, 4).toString('latin1') === 'FEA1') throw invalid(`${file}: a Feather v1 file, which is not supported: save it again as Feather v2 (Arrow IPC)`);
    if (!byExt) throw invalid(`${file}: unknown data format '${ext || '(no extension)'}' (use .csv, .tsv, .arrow, .feather, .ipc or .parquet)`);
    if (byExt === 'arrow' || byExt === 'parquet') {
      throw invalid(`${file}: not ${byExt === 'arrow' ? 'an Arrow IPC' : 'a Parquet'} file (wrong magic bytes${size ? '' : ': the file is empty'})`);
    }
    if (head.includes(0)) throw invalid(`${file}: binary data, not a ${LABEL[byExt]} file`);
    return byExt;
  } catch (e) {
    throw fileError(file, e);
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** Reads a data file into columns: numbers as Float64Array (NaN = missing), text and booleans as dictionary codes (-1 = missing). */
export async function readDataset(file: string, opts: ReadOptions = {}): Promise<Dataset> {
  if (opts.maxRows !== undefined && !(opts.maxRows >= 0)) throw invalid(`maxRows must be a number ≥ 0, got ${opts.maxRows}`);
  opts.signal?.throwIfAborted();
  const format = await detectFormat(file);
  return format === 'csv' || format === 'tsv' ? readCsv(file, format, opts) : readTable(file, format, opts);
}

// ---- Arrow and Parquet: typed column slices from the batch-prediction readers --------------------------------

const NUMERIC = /^(Float|Int|Uint|Decimal|Date|Timestamp|Time|Duration|DOUBLE|FLOAT|INT|UINT|DECIMAL|DATE|TIME|TIMESTAMP|FLOAT16|INTEGER)/;
const CATEGORICAL = /^(Utf8|LargeUtf8|Bool|Dictionary|Binary|LargeBinary|STRING|UTF8|ENUM|JSON|BOOLEAN|BYTE_ARRAY|UUID|BSON)/;

/** The builder mode for a file's type name: declared numbers and text keep their kind; lists and the rest are inferred. */
function modeOf(type: string | undefined): ColumnMode {
  if (!type) return 'auto';
  if (CATEGORICAL.test(type)) return 'categorical';
  return NUMERIC.test(type) && !type.includes('List') ? 'numeric' : 'auto';
}

/**
 * A plain list of numbers and nulls as one Float64Array (null → NaN), else undefined. The readers hand over such
 * lists for nullable numeric columns and for Parquet column chunks of several pages.
 */
function numbersOrNulls(values: ArrayLike<unknown>): Float64Array | undefined {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number') out[i] = v;
    else if (v === null || v === undefined) out[i] = NaN;
    else return undefined;
  }
  return out;
}

function addColumn(file: string, builders: ColumnBuilder[], col: Column, rowStart: number): void {
  const { values, width } = col;
  if (width !== builders.length) throw invalid(`${file}: column '${col.name}' holds lists of ${width} values from row ${rowStart + 1}, ${builders.length} before`);
  const typed = ArrayBuffer.isView(values);
  if (width === 1) {
    const numbers = typed ? (values as ArrayLike<number>) : builders[0].mode !== 'categorical' ? numbersOrNulls(values) : undefined;
    if (numbers) builders[0].pushNumbers(numbers);
    else for (let i = 0; i < values.length; i++) builders[0].push(values[i] as CellValue);
    return;
  }
  const rows = values.length / width;
  for (let j = 0; j < width; j++) {
    if (typed) {
      const out = new Float64Array(rows);
      for (let i = 0; i < rows; i++) out[i] = Number(values[i * width + j]);
      builders[j].pushNumbers(out);
    } else {
      for (let i = 0; i < rows; i++) builders[j].push(values[i * width + j] as CellValue);
    }
  }
}

async function readTable(file: string, format: 'arrow' | 'parquet', opts: ReadOptions): Promise<Dataset> {
  const reader = await openTableReader(file, format);
  try {
    const picked = opts.columns ?? reader.names;
    const typeOf = (name: string) => reader.types?.[reader.names.indexOf(name)];
    let builders: ColumnBuilder[][] | undefined;
    const max = opts.maxRows ?? Infinity;
    let rows = 0;
    if (max > 0) {
      for await (let chunk of reader.pieces(CHUNK_ROWS, opts.columns)) {
        opts.signal?.throwIfAborted();
        if (rows + chunk.rows > max) chunk = sliceChunk(chunk, 0, max - rows);
        // One builder per column, or per list element (`emb[0]`, `emb[1]`…) for fixed-size list columns.
        builders ??= chunk.columns.map(c => Array.from({ length: c.width }, (_, j) =>
          new ColumnBuilder(c.width === 1 ? c.name : `${c.name}[${j}]`, c.width === 1 ? modeOf(typeOf(c.name)) : 'auto', c.width === 1 ? typeOf(c.name) : undefined)));
        chunk.columns.forEach((c, k) => addColumn(file, builders![k], c, chunk.rowStart));
        rows += chunk.rows;
        if (rows >= max) break;
      }
    } else {
      void reader.pieces(CHUNK_ROWS, opts.columns); // only checks the requested names
    }
    builders ??= picked.map(n => [new ColumnBuilder(n, modeOf(typeOf(n)), typeOf(n))]);
    return { source: file, rows, columns: builders.flat().map(b => b.finish()) };
  } catch (e) {
    throw fileError(file, e);
  } finally {
    await reader.close();
  }
}

// ---- CSV and TSV: fields pulled from csv-parse, numbers or text decided per column --------------------------

function csvError(file: string, e: unknown, columns: number): Error {
  const err = e as Error & { code?: string; lines?: number; record?: unknown[] };
  if (err?.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
    return invalid(`${file}: line ${err.lines} has ${err.record?.length ?? 'a different number of'} values, the header names ${columns} columns`);
  }
  if (typeof err?.code === 'string' && err.code.startsWith('CSV_')) return invalid(`${file}: malformed CSV: ${err.message}`);
  return fileError(file, e);
}

async function readCsv(file: string, format: 'csv' | 'tsv', opts: ReadOptions): Promise<Dataset> {
  // The parser may fail on a later record before the header is handed over: its header record gives the count.
  let headerLength = 0;
  const onRecord = (rec: string[]) => { headerLength ||= rec.length; return rec; };
  const records = recordSource(file, { relax_column_count: false, relax_quotes: true, delimiter: format === 'tsv' ? '\t' : ',', on_record: onRecord });
  let names: string[] = [];
  try {
    const header = await records.next();
    if (!header?.length) throw invalid(`${file}: empty ${LABEL[format]} file (no header row)`);
    // pandas writes its index with an empty header name and reads it back as "Unnamed: 0".
    names = header.map((n, j) => (n === '' ? `Unnamed: ${j}` : n));
    checkNames(file, names);
    const pick = (opts.columns ?? names).map(c => {
      const j = names.indexOf(c);
      if (j < 0) throw invalid(`${file}: no column '${c}' (the columns are ${names.join(', ')})`);
      return j;
    });
    const builders = pick.map(j => new ColumnBuilder(names[j]));
    const max = opts.maxRows ?? Infinity;
    let rows = 0;
    if (max > 0) {
      for (let rec = await records.next(); rec; rec = records.readNow() ?? (await records.next())) {
        for (let k = 0; k < pick.length; k++) builders[k].pushField(rec[pick[k]]);
        if (++rows >= max) break;
        if ((rows & 0x3fff) === 0) opts.signal?.throwIfAborted();
      }
    }
    opts.signal?.throwIfAborted();
    return { source: file, rows, columns: builders.map(b => b.finish()) };
  } catch (e) {
    throw csvError(file, e, names.length || headerLength);
  } finally {
    await records.close();
  }
}
