// Streaming table readers for batch prediction: CSV (csv-parse, values typed as numbers, booleans or strings),
// Arrow IPC file or stream (apache-arrow, batch by batch), Parquet (hyparquet, row ranges within each row group).
// Each yields column slices (typed arrays where the data allows) — never one object per row for Arrow or Parquet.
import fs from 'node:fs';
import { parse } from 'csv-parse';
import { DataType, RecordBatchReader, type Data, type RecordBatch, type Vector } from 'apache-arrow';
import { asyncBufferFromFile, parquetScan, parquetSchema, type ParquetScan } from 'hyparquet';
import { MlflowError, invalid, notFound } from '../errors';
import type { Cell, Chunk, Column, TableFormat, Values } from './tableColumns';

export interface TableReader {
  readonly format: TableFormat;
  /** Column names, in file order. */
  readonly names: string[];
  /** The row count when the file states it up front (Parquet), else undefined. */
  readonly totalRows?: number;
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

function checkNames(file: string, names: string[]): void {
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

/** csv-parse's records, pulled with read() (no promise per record); undefined at the end. */
function recordSource(file: string) {
  const src = fs.createReadStream(file);
  const parser = parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true });
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

function arrowColumn(file: string, name: string, v: Vector, rowStart: number): Column {
  const type = v.type as DataType;
  const plain = v.nullCount === 0;
  if (plain && ((DataType.isFloat(type) && type.precision !== 0) || DataType.isInt(type))) return { name, values: v.toArray() as Values, width: 1 };
  if (plain && DataType.isFixedSizeList(type)) {
    const width = type.listSize;
    const children = v.data.map((d: Data) => d.children[0]);
    const inner = children[0]?.type as DataType | undefined;
    if (inner && children.every(c => c.nullCount === 0) && ((DataType.isFloat(inner) && inner.precision !== 0) || DataType.isInt(inner))) {
      const parts = v.data.map((d: Data, i: number) => (children[i].values as Float32Array).subarray(children[i].offset, children[i].offset + d.length * width));
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
      format: 'arrow', names,
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

async function openParquet(file: string): Promise<TableReader> {
  const scan: ParquetScan = await parquetScan({ file: await asyncBufferFromFile(file) });
  const names = parquetSchema(scan.metadata).children.map(c => c.element.name);
  checkNames(file, names);
  const groupStarts: number[] = [];
  scan.metadata.row_groups.reduce((at, g) => { groupStarts.push(at); return at + Number(g.num_rows); }, 0);
  const groupAt = (row: number) => scan.metadata.row_groups[groupStarts.findLastIndex(g => g <= row)];
  return {
    format: 'parquet', names, totalRows: Number(scan.metadata.num_rows),
    pieces(chunkRows, columns) {
      const pick = selection(file, names, columns);
      return guarded(file, 'parquet', (async function* () {
        for (const range of scan.ranges) {
          // Row ranges of chunkRows when the row group has offset indexes (only the pages holding them are read);
          // without, hyparquet would read the whole column chunk for every range, so read the group once.
          const group = groupAt(range.rowStart);
          const indexed = group?.columns.every(c => c.offset_index_offset !== undefined && c.offset_index_length);
          const step = indexed ? chunkRows : range.rowEnd - range.rowStart;
          for (let start = range.rowStart; start < range.rowEnd; start += step) {
            const end = Math.min(range.rowEnd, start + step);
            const data = await Promise.all(pick.map(j => scan.readColumn({ column: names[j], rowStart: start, rowEnd: end })));
            yield {
              rowStart: start, rows: end - start,
              columns: data.map((d, k): Column => {
                if (d.length !== end - start) throw invalid(`${file}: column '${names[pick[k]]}' holds ${d.length} values for rows ${start + 1}–${end}`);
                return ArrayBuffer.isView(d) ? { name: names[pick[k]], values: d as Values, width: 1 } : { name: names[pick[k]], ...flattenRows(file, names[pick[k]], start, d) };
              }),
            };
          }
        }
      })());
    },
    async close() { /* reads are one-shot slices: nothing held open */ },
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
