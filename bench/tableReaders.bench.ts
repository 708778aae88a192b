// Table reader benchmark: 1,000,000 rows × 20 float64 columns read through openTableReader (every column, in
// pieces of 65,536 rows, as batch prediction and drift ask for them), beside the libraries' own floors:
// apache-arrow's tableFromIPC + toArray() per column, hyparquet's parquetRead with onChunk (nothing assembled).
// Arrow with and without 1 % nulls (record batches of 100,000 rows); Parquet with 1 MB pages in one row group of
// 1M rows (8 pages per column chunk, offset index), required and, as pandas writes it, optional with 1 % nulls.
// Each figure is the best of 3 runs.
import fs from 'node:fs';
import path from 'node:path';
import { Field, Float64, RecordBatch, RecordBatchFileWriter, Schema, Struct, makeData, tableFromIPC } from 'apache-arrow';
import { asyncBufferFromFile, parquetRead } from 'hyparquet';
import { parquetWriteFile } from 'hyparquet-writer';
import { openTableReader } from '../src/engine/serving/tableReaders';
import type { TableFormat } from '../src/engine/serving/tableColumns';
import { tempWorkspace } from '../test/helpers/workspace';

const N = 1_000_000;
const COLS = 20;
const CHUNK = 65_536;
const BATCH = 100_000;
const REPEAT = 3;
const NAMES = Array.from({ length: COLS }, (_, j) => `f${j}`);

/** Seeded columns (xorshift32); with `nullEvery`, each column misses one value in that many (at staggered rows). */
function columns(nullEvery?: number): { values: Float64Array[]; valid?: Uint8Array[] } {
  let seed = 2463534242;
  const next = () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) / 2 ** 32; };
  const values = NAMES.map(() => Float64Array.from({ length: N }, next));
  const valid = nullEvery ? NAMES.map((_, j) => Uint8Array.from({ length: N }, (_, i) => ((i + j * 7) % nullEvery === 0 ? 0 : 1))) : undefined;
  return { values, valid };
}

function writeArrow(file: string, values: Float64Array[], valid?: Uint8Array[]): string {
  const fields = NAMES.map(n => new Field(n, new Float64(), !!valid));
  const w = new RecordBatchFileWriter();
  for (let b = 0; b < N; b += BATCH) {
    const n = Math.min(BATCH, N - b);
    const children = values.map((v, j) => {
      if (!valid) return makeData({ type: new Float64(), length: n, data: v.subarray(b, b + n) });
      const bitmap = new Uint8Array(Math.ceil(n / 8));
      let nulls = 0;
      for (let i = 0; i < n; i++) if (valid[j][b + i]) bitmap[i >> 3] |= 1 << (i & 7); else nulls++;
      return makeData({ type: new Float64(), length: n, nullCount: nulls, nullBitmap: bitmap, data: v.subarray(b, b + n) });
    });
    w.write(new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: n, nullCount: 0, children })));
  }
  fs.writeFileSync(file, w.finish().toUint8Array(true));
  return file;
}

function writeParquet(file: string, values: Float64Array[], valid?: Uint8Array[]): string {
  parquetWriteFile({
    filename: file, rowGroupSize: N,
    columnData: values.map((v, j) => valid
      ? { name: NAMES[j], data: Array.from(v, (x, i) => (valid[j][i] ? x : null)), type: 'DOUBLE' as const, nullable: true }
      : { name: NAMES[j], data: v, type: 'DOUBLE' as const, nullable: false }),
  });
  return file;
}

async function best(run: () => Promise<void>): Promise<number> {
  let ms = Infinity;
  for (let rep = 0; rep < REPEAT; rep++) {
    const t = performance.now();
    await run();
    ms = Math.min(ms, performance.now() - t);
  }
  return ms;
}

/** Every piece of every column through our reader; checks the row count and that numbers arrive as typed arrays. */
async function ours(file: string, format: TableFormat): Promise<{ ms: number; typed: boolean }> {
  let typed = true;
  const ms = await best(async () => {
    const r = await openTableReader(file, format);
    let rows = 0;
    for await (const c of r.pieces(CHUNK)) {
      rows += c.rows;
      typed &&= c.columns.every(col => ArrayBuffer.isView(col.values));
    }
    await r.close();
    if (rows !== N) throw new Error(`${file}: ${rows} rows`);
  });
  return { ms, typed };
}

const arrowFloor = (file: string) => best(async () => {
  const t = tableFromIPC(fs.readFileSync(file));
  for (const n of NAMES) if (t.getChild(n)!.toArray().length !== N) throw new Error(`${file}: short column ${n}`);
});

const parquetFloor = (file: string) => best(async () => {
  let values = 0;
  await parquetRead({ file: await asyncBufferFromFile(file), onChunk: c => { values += c.columnData.length; } });
  if (values < N * COLS) throw new Error(`${file}: ${values} values`);
});

const row = (a: string, b: string, c: string, d: string) => console.log(`  ${a.padEnd(44)} ${b.padEnd(16)} ${c.padEnd(36)} ${d}`);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const dir = tempWorkspace('mlops-bench-tables-');
  const plain = columns();
  const holey = columns(100);
  const files: [string, string, TableFormat, () => Promise<number>][] = [];
  const arrow = writeArrow(path.join(dir, 'plain.arrow'), plain.values);
  const arrowNulls = writeArrow(path.join(dir, 'nulls.arrow'), holey.values, holey.valid);
  const pq = writeParquet(path.join(dir, 'plain.parquet'), plain.values);
  const pqNulls = writeParquet(path.join(dir, 'nulls.parquet'), holey.values, holey.valid);
  files.push(
    ['Arrow, no nulls', arrow, 'arrow', () => arrowFloor(arrow)],
    ['Arrow, 1 % nulls', arrowNulls, 'arrow', () => arrowFloor(arrowNulls)],
    ['Parquet required, 8 pages/chunk', pq, 'parquet', () => parquetFloor(pq)],
    ['Parquet optional, 1 % nulls', pqNulls, 'parquet', () => parquetFloor(pqNulls)],
  );
  console.log(`table readers, ${N.toLocaleString('en')} rows × ${COLS} float64 columns, pieces of ${CHUNK.toLocaleString('en')} rows`);
  row('', 'openTableReader', 'floor', '');
  for (const [name, file, format, floor] of files) {
    const o = await ours(file, format);
    const f = await floor();
    const lib = format === 'arrow' ? 'tableFromIPC + toArray' : 'parquetRead + onChunk';
    row(`${name} (${(fs.statSync(file).size / 1e6).toFixed(0)} MB)`, s(o.ms), `${s(f)} (${lib})`, `×${(o.ms / f).toFixed(1)}${o.typed ? '' : ', some columns as plain arrays'}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

void main().catch(e => { console.error(e); process.exit(1); });
