// Streaming table writers for batch prediction, one chunk at a time: CSV (a write stream with back-pressure),
// Arrow IPC file format (apache-arrow, one record batch per chunk), Parquet (hyparquet-writer, one row group
// per chunk, flushed to disk every ~1 MB). The caller writes to a temp file and renames it on success.
import fs from 'node:fs';
import { once } from 'node:events';
import {
  Bool, Field, Float32, Float64, Int16, Int32, Int64, Int8, RecordBatch, RecordBatchFileWriter, Schema, Struct, Uint16, Uint32, Uint64, Uint8, Utf8,
  makeData, vectorFromArray, type Data, type DataType,
} from 'apache-arrow';
import { ParquetWriter, fileWriter, schemaFromColumnData, type ColumnSource } from 'hyparquet-writer';
import type { OutColumn, OutType, TableFormat } from './tableColumns';

export interface TableWriter {
  /** Appends `rows` rows; the columns (names and types) must be the same on every call. */
  write(columns: OutColumn[], rows: number): Promise<void>;
  /** Finishes the file (footer, flush) and closes it. */
  close(): Promise<void>;
  /** Stops writing; the caller removes the file. */
  abort(): Promise<void>;
}

/** A write stream on a file opened now (not on the next tick), so that a removal after abort() is final. */
const createFile = (file: string) => fs.createWriteStream(file, { fd: fs.openSync(file, 'w') });

// ---- CSV -------------------------------------------------------------------------------------------------

const quote = (s: string) => (/[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
/** Drops the zeros that end a mantissa ("0.500000000" → "0.5", "1.50000000e-8" → "1.5e-8"). */
function trimZeros(s: string): string {
  const e = s.indexOf('e');
  let end = e < 0 ? s.length : e;
  if (s.lastIndexOf('.', end) < 0) return s;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return e < 0 ? s.slice(0, end) : s.slice(0, end) + s.slice(e);
}
/** float32 values with 9 significant digits, enough to read back the same float32 (3× faster than String(+v.toPrecision(9))). */
const f32 = (v: number) => (Number.isFinite(v) ? trimZeros(v.toPrecision(9)) : String(v));

function csvFormatter(c: OutColumn): (i: number) => string {
  const v = c.values;
  switch (c.type) {
    case 'float32': return i => f32((v as Float32Array)[i]);
    case 'int64': case 'uint64': return i => String(Number((v as BigInt64Array)[i]));
    case 'bool': return i => ((v as Uint8Array)[i] ? 'true' : 'false');
    case 'string': return i => quote((v as string[])[i]);
    default: return i => String((v as Float64Array)[i]);
  }
}

class CsvWriter implements TableWriter {
  private readonly out: fs.WriteStream;
  private failed?: Error;
  private started = false;
  constructor(file: string) {
    this.out = createFile(file);
    this.out.on('error', e => { this.failed = e; });
  }

  async write(columns: OutColumn[], rows: number): Promise<void> {
    if (this.failed) throw this.failed;
    const fmt = columns.map(csvFormatter);
    const lines: string[] = this.started ? [] : [columns.map(c => quote(c.name)).join(',')];
    this.started = true;
    for (let i = 0; i < rows; i++) {
      let line = fmt[0](i);
      for (let k = 1; k < fmt.length; k++) line += `,${fmt[k](i)}`;
      lines.push(line);
    }
    if (!this.out.write(`${lines.join('\n')}\n`)) await once(this.out, 'drain');
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.out.end((e?: Error | null) => (e || this.failed ? reject(e ?? this.failed) : resolve())));
  }

  async abort(): Promise<void> {
    this.out.destroy();
  }
}

// ---- Arrow IPC -------------------------------------------------------------------------------------------

const ARROW: Record<OutType, () => DataType> = {
  float32: () => new Float32(), float64: () => new Float64(), int8: () => new Int8(), int16: () => new Int16(), int32: () => new Int32(),
  int64: () => new Int64(), uint8: () => new Uint8(), uint16: () => new Uint16(), uint32: () => new Uint32(), uint64: () => new Uint64(),
  bool: () => new Bool(), string: () => new Utf8(),
};

function arrowData(c: OutColumn, type: DataType, rows: number): Data {
  if (c.type === 'bool') return vectorFromArray(Array.from(c.values as Uint8Array, x => x !== 0), type as Bool).data[0];
  if (c.type === 'string') return vectorFromArray(c.values as string[], type as Utf8).data[0];
  return makeData({ type: type as Float32, length: rows, nullCount: 0, data: c.values as Float32Array });
}

class ArrowWriter implements TableWriter {
  private readonly writer = new RecordBatchFileWriter();
  private readonly stop = new AbortController();
  private readonly out: fs.WriteStream;
  private readonly done: Promise<void>;
  private failed?: Error;
  private schema?: Schema;

  constructor(file: string) {
    const out = (this.out = createFile(file));
    const { signal } = this.stop;
    // Drain the writer's byte queue ourselves: apache-arrow's node-stream adapters do not survive bundling
    // (its package is marked side-effect free, so esbuild drops the module that installs them).
    this.done = (async () => {
      for await (const bytes of this.writer as AsyncIterable<Uint8Array>) {
        signal.throwIfAborted();
        if (!out.write(bytes)) await once(out, 'drain', { signal });
      }
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    })();
    this.done.catch(e => { this.failed = e as Error; });
    out.on('error', e => { this.failed = e; });
  }

  async write(columns: OutColumn[], rows: number): Promise<void> {
    if (this.failed) throw this.failed;
    this.schema ??= new Schema(columns.map(c => new Field(c.name, ARROW[c.type](), false)));
    const fields = this.schema.fields;
    const children = columns.map((c, k) => arrowData(c, fields[k].type, rows));
    this.writer.write(new RecordBatch(this.schema, makeData({ type: new Struct(fields), length: rows, nullCount: 0, children })));
    if (this.out.writableNeedDrain) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    this.writer.close();
    await this.done;
  }

  async abort(): Promise<void> {
    this.stop.abort();
    this.writer.abort();
    this.out.destroy();
    await this.done.catch(() => undefined);
  }
}

// ---- Parquet ---------------------------------------------------------------------------------------------

/** An output column as hyparquet-writer takes it: required (no nulls), with an explicit physical type. */
function parquetColumn(c: OutColumn): ColumnSource {
  const v = c.values;
  switch (c.type) {
    case 'float32': return { name: c.name, data: v as Float32Array, type: 'FLOAT', nullable: false };
    case 'float64': return { name: c.name, data: v as Float64Array, type: 'DOUBLE', nullable: false };
    case 'int32': return { name: c.name, data: v as Int32Array, type: 'INT32', nullable: false };
    case 'int8': case 'int16': case 'uint8': case 'uint16': return { name: c.name, data: Int32Array.from(v as Int8Array), type: 'INT32', nullable: false };
    case 'int64': return { name: c.name, data: v as BigInt64Array, type: 'INT64', nullable: false };
    case 'uint32': return { name: c.name, data: BigInt64Array.from(v as Uint32Array, x => BigInt(x)), type: 'INT64', nullable: false };
    case 'uint64': return { name: c.name, data: BigInt64Array.from(v as BigUint64Array, x => BigInt.asIntN(64, x)), type: 'INT64', nullable: false };
    case 'bool': return { name: c.name, data: Array.from(v as Uint8Array, x => x !== 0), type: 'BOOLEAN', nullable: false };
    case 'string': return { name: c.name, data: v as string[], type: 'STRING', nullable: false };
  }
}

class ParquetFileWriter implements TableWriter {
  private writer?: ParquetWriter;
  constructor(private readonly file: string) {}

  async write(columns: OutColumn[], rows: number): Promise<void> {
    const columnData = columns.map(parquetColumn);
    this.writer ??= new ParquetWriter({ writer: fileWriter(this.file), schema: schemaFromColumnData({ columnData }), createdBy: 'mlops-workbench batch predict' });
    await this.writer.write({ columnData, rowGroupSize: rows });
  }

  async close(): Promise<void> {
    if (!this.writer) throw new Error('no rows written');
    await this.writer.finish();
  }

  async abort(): Promise<void> { /* nothing open between writes: the caller removes the file */ }
}

export function openTableWriter(file: string, format: TableFormat): TableWriter {
  switch (format) {
    case 'csv': return new CsvWriter(file);
    case 'arrow': return new ArrowWriter(file);
    case 'parquet': return new ParquetFileWriter(file);
  }
}
