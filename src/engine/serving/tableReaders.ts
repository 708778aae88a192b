// Streaming table readers for batch prediction: CSV (csv-parse, values typed as numbers, booleans or strings),
// Arrow IPC file or stream (apache-arrow, batch by batch), Parquet (hyparquet, row ranges within each row group).
// Each yields column slices (typed arrays where the data allows) — never one object per row for Arrow or Parquet.
import fs from 'node:fs';
import { parse, type Options as CsvParseOptions } from 'csv-parse';
import { DataType, Precision, RecordBatchReader, type Data, type RecordBatch, type Vector } from 'apache-arrow';
import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type DecodedArray, type FileMetaData } from 'hyparquet';
import { MlflowError, invalid, notFound } from '../errors';
import type { Cell, Chunk, Column, TableFormat, Values } from './tableColumns';

export interface TableReader {
  readonly format: TableFormat;
  /** Column names, in file order. */
  readonly names: string[];
  /** The row count when the file states it up front (Parquet), else undefined. */
  readonly totalRows?: number;
  /** The file's type name per column (Arrow: `Float64`, `Utf8`…; Parquet: logical, converted or physical type); undefined for CSV. */
  readonly types?: string[];
  /** The selected columns (default all), in runs of rows as the file holds them; at most `chunkRows` per run for CSV and Parquet. */
  pieces(chunkRows: number, columns?: string[]): AsyncGenerator<Chunk>;
  close(): Promise<void>;
}

const LABEL: Record<TableFormat, string> = { csv: 'CSV', arrow: 'Arrow IPC', parquet: 'Parquet' };

/** A library's error → one naming the file; our own errors pass through. */
function readError(file: string, format: TableFormat, e: unknown): Error {
  if (e instanceof MlflowError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return notFound(`${file}: no such input file`);
  if (err?.code === 'EISDIR' || err?.code === 'EACCES') return invalid(`${file}: cannot read the input file (${err.code})`);
  return invalid(`${file}: not a readable ${LABEL[format]} file: ${String(err?.message ?? e).split('\n')[0]}`);
}

async function* guarded(file: string, format: TableFormat, gen: AsyncGenerator<Chunk>): AsyncGenerator<Chunk> {
  try { yield* gen; } catch (e) { throw readError(file, format, e); }
}

export function checkNames(file: string, names: string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw invalid(`${file}: duplicate column name '${n}'`);
    seen.add(n);
  }
}

function selection(file: string, names: string[], columns?: string[]): number[] {
  return (columns ?? names).map(c => {
    const j = names.indexOf(c);
    if (j < 0) throw invalid(`${file}: no column '${c}'`);
    return j;
  });
}

/** Rows of lists (Arrow List, Parquet LIST) → flat values, `width` per row; every row must hold the same count. */
function flattenRows(file: string, name: string, rowStart: number, rows: ArrayLike<unknown>): { values: Values; width: number } {
  const first = rows[0];
  const isList = (v: unknown): v is ArrayLike<Cell> => Array.isArray(v) || ArrayBuffer.isView(v) || (!!v && typeof v === 'object' && typeof (v as { toArray?: unknown }).toArray === 'function');
  if (!isList(first)) return { values: Array.from(rows as ArrayLike<Cell>), width: 1 };
  const list = (v: unknown, i: number): ArrayLike<Cell> => {
    if (!isList(v)) throw invalid(`${file}: column '${name}' row ${rowStart + i + 1}: expected a list, got ${JSON.stringify(v)}`);
    return Array.isArray(v) || ArrayBuffer.isView(v) ? (v as ArrayLike<Cell>) : (v as unknown as { toArray(): ArrayLike<Cell> }).toArray();
  };
  const width = list(first, 0).length;
  const out: Cell[] = new Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) {
    const r = list(rows[i], i);
    if (r.length !== width) throw invalid(`${file}: column '${name}' row ${rowStart + i + 1}: a list of ${r.length} values, expected ${width} like the first row`);
    for (let j = 0; j < width; j++) out[i * width + j] = r[j];
  }
  return { values: out, width };
}

// ---- CSV -------------------------------------------------------------------------------------------------

/** '' → null (missing), numbers (NaN too), true/false, else the string. */
function csvCell(raw: string): Cell {
  if (raw === '') return null;
  const n = +raw;
  if (n === n) return n;
  switch (raw) {
    case 'NaN': case 'nan': return NaN;
    case 'true': case 'True': case 'TRUE': return true;
    case 'false': case 'False': case 'FALSE': return false;
    default: return raw;
  }
}

/** One CSV column of a chunk: a Float64Array until a non-number appears, then plain values. */
class CsvColumn {
  private nums: Float64Array;
  private cells?: Cell[];
  private n = 0;
  constructor(private readonly size: number) { this.nums = new Float64Array(size); }
  push(raw: string): void {
    const v = csvCell(raw);
    if (!this.cells && typeof v === 'number') { this.nums[this.n++] = v; return; }
    this.cells ??= Array.from(this.nums.subarray(0, this.n));
    this.cells.push(v);
    this.n++;
  }
  take(): Values {
    const v = this.cells ?? this.nums.subarray(0, this.n);
    this.nums = new Float64Array(this.size);
    this.cells = undefined;
    this.n = 0;
    return v;
  }
}

/** csv-parse's records, pulled with read() (no promise per record); undefined at the end. `options` override the defaults. */
export function recordSource(file: string, options: CsvParseOptions = {}) {
  const src = fs.createReadStream(file);
  const parser = parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, ...options });
  let failed: Error | undefined;
  let ended = false;
  const fail = (e: Error) => { failed ??= e; };
  src.on('error', e => { fail(e); parser.destroy(e); });
  parser.on('error', fail);
  parser.on('end', () => { ended = true; });
  src.pipe(parser);
  const wait = () => new Promise<void>(resolve => {
    const done = () => { parser.off('readable', done); parser.off('end', done); parser.off('error', done); parser.off('close', done); resolve(); };
    parser.on('readable', done).on('end', done).on('error', done).on('close', done);
  });
  return {
    /** The next record, waiting for the file only when none is buffered. */
    async next(): Promise<string[] | undefined> {
      for (;;) {
        if (failed ?? parser.errored) throw failed ?? parser.errored;
        const rec = parser.read() as string[] | null;
        if (rec !== null) return rec;
        if (ended) return undefined;
        if (parser.destroyed) throw parser.errored ?? failed ?? new Error('the CSV stream closed early');
        await wait();
      }
    },
    /** A buffered record, or null when the next one must be waited for. */
    readNow: (): string[] | null => (failed ? null : (parser.read() as string[] | null)),
    close: async () => { src.destroy(); parser.destroy(); },
  };
}

async function openCsv(file: string): Promise<TableReader> {
  const records = recordSource(file);
  // The header first, so the names are known before the first chunk.
  const names = await records.next().catch(async e => { await records.close(); throw e; });
  if (!names?.length) { await records.close(); throw invalid(`${file}: empty CSV file (no header row)`); }
  checkNames(file, names);
  return {
    format: 'csv', names, close: records.close,
    pieces(chunkRows, columns) {
      const pick = selection(file, names, columns);
      return guarded(file, 'csv', (async function* () {
        const cols = pick.map(() => new CsvColumn(chunkRows));
        let rows = 0;
        let rowStart = 0;
        const flush = (): Chunk => {
          const c = { rowStart, rows, columns: pick.map((j, k): Column => ({ name: names[j], values: cols[k].take(), width: 1 })) };
          rowStart += rows;
          rows = 0;
          return c;
        };
        for (let rec = await records.next(); rec; rec = records.readNow() ?? (await records.next())) {
          if (rec.length !== names.length) throw invalid(`${file}: row ${rowStart + rows + 1} has ${rec.length} values, the header names ${names.length} columns`);
          for (let k = 0; k < pick.length; k++) cols[k].push(rec[pick[k]]);
          if (++rows === chunkRows) yield flush();
        }
        if (rows) yield flush();
      })());
    },
  };
}

// ---- Arrow IPC -------------------------------------------------------------------------------------------

/** Float (32/64-bit) and Int (up to 32-bit) columns, whose values fit a Float32Array or Float64Array exactly. */
function plainNumeric(type: DataType): boolean {
  return (DataType.isFloat(type) && type.precision !== Precision.HALF) || (DataType.isInt(type) && type.bitWidth <= 32);
}

/**
 * A nullable numeric column straight from its buffers: values (Float32 stays Float32Array, the rest Float64Array)
 * with NaN for nulls, and the null mask. The validity bitmap is read at each Data's offset; values are not (arrow
 * slices them already).
 */
function nullableNumbers(v: Vector): Pick<Column, 'values' | 'nulls'> {
  const type = v.type as DataType;
  const n = v.length;
  const values = DataType.isFloat(type) && type.precision === Precision.SINGLE ? new Float32Array(n) : new Float64Array(n);
  const nulls = new Uint8Array(n);
  let at = 0;
  for (const d of v.data as Data[]) {
    values.set((d.values as Float64Array).subarray(0, d.length), at);
    const bits = d.nullBitmap;
    if (d.nullCount > 0 && bits?.length) {
      for (let i = 0, p = d.offset; i < d.length; i++, p++) {
        const byte = bits[p >> 3];
        if (byte === 0xff && (p & 7) === 0 && i + 8 <= d.length) { i += 7; p += 7; continue; } // eight valid values
        if ((byte & (1 << (p & 7))) === 0) { values[at + i] = NaN; nulls[at + i] = 1; }
      }
    }
    at += d.length;
  }
  return { values, nulls };
}

function arrowColumn(file: string, name: string, v: Vector, rowStart: number): Column {
  const type = v.type as DataType;
  const plain = v.nullCount === 0;
  if ((DataType.isFloat(type) && type.precision !== Precision.HALF) || DataType.isInt(type)) {
    if (plain) return { name, values: v.toArray() as Values, width: 1 };
    if (plainNumeric(type)) return { name, ...nullableNumbers(v), width: 1 };
  }
  if (plain && DataType.isFixedSizeList(type)) {
    const width = type.listSize;
    const children = v.data.map((d: Data) => d.children[0]);
    const inner = children[0]?.type as DataType | undefined;
    if (inner && children.every(c => c.nullCount === 0) && ((DataType.isFloat(inner) && inner.precision !== Precision.HALF) || DataType.isInt(inner))) {
      // A child's values are already sliced to its offset.
      const parts = v.data.map((d: Data, i: number) => (children[i].values as Float32Array).subarray(0, d.length * width));
      if (parts.length === 1) return { name, values: parts[0], width };
      const out = new (parts[0].constructor as Float32ArrayConstructor)(v.length * width);
      parts.reduce((at, p) => { out.set(p, at); return at + p.length; }, 0);
      return { name, values: out, width };
    }
  }
  const rows = DataType.isList(type) || DataType.isFixedSizeList(type) ? Array.from(v) : (Array.from(v) as Cell[]);
  return { name, ...flattenRows(file, name, rowStart, rows) };
}

async function openArrow(file: string): Promise<TableReader> {
  const fh = await fs.promises.open(file);
  try {
    const reader = await RecordBatchReader.from(fh);
    await reader.open();
    const names = reader.schema.fields.map(f => f.name);
    checkNames(file, names);
    return {
      format: 'arrow', names, types: reader.schema.fields.map(f => String(f.type)),
      pieces(_chunkRows, columns) {
        const pick = selection(file, names, columns);
        return guarded(file, 'arrow', (async function* () {
          let rowStart = 0;
          for await (const batch of reader as AsyncIterable<RecordBatch>) {
            const cols = pick.map(j => arrowColumn(file, names[j], batch.getChildAt(j)!, rowStart));
            yield { rowStart, rows: batch.numRows, columns: cols };
            rowStart += batch.numRows;
          }
        })());
      },
      async close() { await reader.cancel().catch(() => undefined); await fh.close().catch(() => undefined); },
    };
  } catch (e) {
    await fh.close().catch(() => undefined);
    throw e;
  }
}

// ---- Parquet ---------------------------------------------------------------------------------------------

interface RowGroupSpan { start: number; end: number; columns: Map<string, boolean> }

/**
 * A plain array of numbers and nulls (hyparquet's pages of an optional column) → Float64Array with NaN for nulls and
 * the null mask (absent without nulls); undefined when it holds anything else, or no number at all.
 */
function numbersOrNulls(values: ArrayLike<unknown>): Pick<Column, 'values' | 'nulls'> | undefined {
  const n = values.length;
  const out = new Float64Array(n);
  let nulls: Uint8Array | undefined;
  let numbers = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v === 'number') { out[i] = v; numbers++; continue; }
    if (v !== null && v !== undefined) return undefined;
    out[i] = NaN;
    (nulls ??= new Uint8Array(n))[i] = 1;
  }
  if (!numbers) return undefined;
  return nulls ? { values: out, nulls } : { values: out };
}

/** Runs of decoded values (pages, or a whole column chunk) → the rows [start, end), one array; typed when they all are of one type. */
function joinRuns(runs: { start: number; data: DecodedArray }[], start: number, end: number): DecodedArray {
  const parts = runs.filter(r => r.start < end && r.start + r.data.length > start).map(r => {
    const from = Math.max(0, start - r.start);
    const to = Math.min(r.data.length, end - r.start);
    return Array.isArray(r.data) ? r.data.slice(from, to) : r.data.subarray(from, to);
  });
  if (parts.length === 1) return parts[0];
  const first = parts[0];
  if (first && !Array.isArray(first) && parts.every(p => p.constructor === first.constructor)) {
    const out = new (first.constructor as new (n: number) => Float64Array)(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => { out.set(p as Float64Array, at); return at + p.length; }, 0);
    return out;
  }
  const out: unknown[] = [];
  for (const p of parts) for (let i = 0; i < p.length; i++) out.push(p[i]);
  return out;
}

/**
 * One column of one row group, decoded by hyparquet's parquetRead a row range at a time: with an offset index,
 * only the pages the asked rows need (a page that runs past them is kept for the next range, not decoded again);
 * without, the whole column chunk at the first ask (hyparquet would read it all for any range anyway).
 */
class ColumnRuns {
  private runs: { start: number; data: DecodedArray }[] = [];
  /** Rows before this one have been decoded. */
  private decoded: number;
  constructor(private readonly file: AsyncBuffer, private readonly metadata: FileMetaData, private readonly name: string, private readonly group: RowGroupSpan) {
    this.decoded = group.start;
  }

  async take(start: number, end: number): Promise<DecodedArray> {
    while (this.decoded < end) {
      const from = this.decoded;
      await parquetRead({
        file: this.file, metadata: this.metadata, columns: [this.name], useOffsetIndex: true,
        rowStart: from, rowEnd: this.group.columns.get(this.name) ? end : this.group.end,
        onChunk: ({ columnData, rowStart, rowEnd }) => {
          if (rowEnd <= this.decoded) return;
          const skip = Math.max(0, this.decoded - rowStart);
          this.runs.push({ start: rowStart + skip, data: skip ? (Array.isArray(columnData) ? columnData.slice(skip) : columnData.subarray(skip)) : columnData });
          this.decoded = rowEnd;
        },
      });
      if (this.decoded === from) break; // nothing more: the caller reports the missing rows
    }
    const data = joinRuns(this.runs, start, end);
    this.runs = this.runs.filter(r => r.start + r.data.length > end);
    return data;
  }
}

/** hyparquet's AsyncBuffer over one open file: each slice read straight into its own buffer (no stream, no copy). */
function fileSlices(fh: fs.promises.FileHandle, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start, end = size) {
      const buf = new Uint8Array(Math.max(0, end - start));
      let at = 0;
      while (at < buf.length) {
        const { bytesRead } = await fh.read(buf, at, buf.length - at, start + at);
        if (!bytesRead) return buf.buffer.slice(0, at); // the file shrank: hyparquet reports the short read
        at += bytesRead;
      }
      return buf.buffer;
    },
  };
}

async function openParquet(file: string): Promise<TableReader> {
  const fh = await fs.promises.open(file);
  try {
    return await parquetTable(file, fh);
  } catch (e) {
    await fh.close().catch(() => undefined);
    throw e;
  }
}

async function parquetTable(file: string, fh: fs.promises.FileHandle): Promise<TableReader> {
  const buffer = fileSlices(fh, (await fh.stat()).size);
  const metadata = await parquetMetadataAsync(buffer);
  const schema = parquetSchema(metadata).children;
  const names = schema.map(c => c.element.name);
  checkNames(file, names);
  // Each row group's span, and per column whether its chunk has an offset index (so row ranges read only their pages).
  const groups: RowGroupSpan[] = [];
  metadata.row_groups.reduce((at, g) => {
    const rows = Number(g.num_rows);
    const indexed = new Map<string, boolean>();
    for (const c of g.columns) {
      const name = c.meta_data?.path_in_schema[0] ?? '';
      indexed.set(name, (indexed.get(name) ?? true) && !!(c.offset_index_offset && c.offset_index_length));
    }
    if (rows > 0) groups.push({ start: at, end: at + rows, columns: indexed });
    return at + rows;
  }, 0);
  return {
    format: 'parquet', names, totalRows: Number(metadata.num_rows),
    types: schema.map(({ element: e }) => e.logical_type?.type ?? e.converted_type ?? e.type ?? 'GROUP'),
    pieces(chunkRows, columns) {
      const pick = selection(file, names, columns);
      return guarded(file, 'parquet', (async function* () {
        for (const group of groups) {
          const runs = new Map(pick.map(j => [names[j], new ColumnRuns(buffer, metadata, names[j], group)]));
          for (let start = group.start; start < group.end; start += chunkRows) {
            const end = Math.min(group.end, start + chunkRows);
            const data = await Promise.all([...runs.values()].map(r => r.take(start, end)));
            const byName = new Map([...runs.keys()].map((n, k) => [n, data[k]]));
            yield {
              rowStart: start, rows: end - start,
              columns: pick.map((j): Column => {
                const name = names[j];
                const d = byName.get(name)!;
                if (d.length !== end - start) throw invalid(`${file}: column '${name}' holds ${d.length} values for rows ${start + 1}–${end}`);
                if (ArrayBuffer.isView(d)) return { name, values: d as Values, width: 1 };
                const numbers = numbersOrNulls(d);
                return numbers ? { name, ...numbers, width: 1 } : { name, ...flattenRows(file, name, start, d) };
              }),
            };
          }
        }
      })());
    },
    async close() { await fh.close().catch(() => undefined); },
  };
}

/** Opens a table for streaming; a missing, unreadable or corrupt file is an error naming it. */
export async function openTableReader(file: string, format: TableFormat): Promise<TableReader> {
  try {
    switch (format) {
      case 'csv': return await openCsv(file);
      case 'arrow': return await openArrow(file);
      case 'parquet': return await openParquet(file);
    }
  } catch (e) {
    throw readError(file, format, e);
  }
}
