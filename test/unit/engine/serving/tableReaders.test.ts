// The streaming table readers on nullable and paged data: Arrow numeric columns with nulls (several batches, lengths
// off the byte boundary, a sliced table), Parquet column chunks of many pages (with and without an offset index,
// required and optional, across row groups), and re-chunking those pieces. Files are written here with apache-arrow
// and hyparquet-writer; every value and every null is checked against the library's own reading of the file.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  Field, Float32, Float64, Int32, Int64, RecordBatch, Schema, Struct, Table, Uint8, Utf8, makeData, tableFromIPC, tableToIPC, vectorFromArray, type DataType,
} from 'apache-arrow';
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetReadObjects, readOffsetIndex } from 'hyparquet';
import { parquetWriteFile } from 'hyparquet-writer';
import { openTableReader } from '../../../../src/engine/serving/tableReaders';
import { rechunk, type Cell, type Chunk, type Column } from '../../../../src/engine/serving/tableColumns';
import { tempWorkspace } from '../../../helpers/workspace';

/** xorshift32 in [0, 1): the same "random" data on every run. */
function seeded(seed = 2463534242): () => number {
  return () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) / 2 ** 32; };
}

async function collect(gen: AsyncIterable<Chunk>): Promise<Chunk[]> {
  const out: Chunk[] = [];
  for await (const c of gen) out.push(c);
  return out;
}

/** What a column says row i holds: null when missing (by `nulls`, or a null cell), else the value. */
function cell(col: Column, i: number): Cell {
  if (col.nulls?.[i]) {
    assert.ok(Number.isNaN(col.values[i] as number), `column '${col.name}' row ${i}: a null is NaN in the values`);
    return null;
  }
  const v = col.values[i];
  return v === undefined ? null : (v as Cell);
}

/** Asserts the pieces follow each other, and returns every column's cells in file order. A reader's own pieces carry a mask only with a null in it. */
function cellsOf(chunks: Chunk[], names: string[], pieces = true): Map<string, Cell[]> {
  const out = new Map(names.map(n => [n, [] as Cell[]]));
  let at = 0;
  for (const c of chunks) {
    assert.equal(c.rowStart, at, 'pieces follow each other');
    assert.deepEqual(c.columns.map(col => col.name), names);
    for (const col of c.columns) {
      assert.equal(col.values.length, c.rows, `column '${col.name}' at row ${c.rowStart}: one value per row`);
      if (col.nulls) {
        assert.ok(ArrayBuffer.isView(col.values), 'a null mask comes only with typed values');
        assert.equal(col.nulls.length, c.rows);
        if (pieces) assert.ok(col.nulls.includes(1), 'a null mask is left out when no value is missing');
      }
      const list = out.get(col.name)!;
      for (let i = 0; i < c.rows; i++) list.push(cell(col, i));
    }
    at += c.rows;
  }
  return out;
}

/** Same value, NaN included; bigints equal as bigints. */
function assertCells(actual: Cell[], expected: unknown[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: row count`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] === undefined ? null : expected[i];
    if (!Object.is(actual[i], e) && actual[i] !== e) assert.fail(`${what} row ${i}: got ${String(actual[i])}, expected ${String(e)}`);
  }
}

// ---- Arrow -------------------------------------------------------------------------------------------------

const ARROW_TYPES: [string, () => DataType][] = [['f64', () => new Float64()], ['f32', () => new Float32()], ['i32', () => new Int32()], ['u8', () => new Uint8()], ['i64', () => new Int64()], ['s', () => new Utf8()]];

/** Batches of the given lengths; in each, a value is null with probability `nullShare[b]` (0: a batch without nulls, 1: all null). */
function arrowTable(lengths: number[], nullShare: number[]): Table {
  const rnd = seeded();
  const fields = ARROW_TYPES.map(([n, t]) => new Field(n, t(), true));
  const batches = lengths.map((n, b) => {
    const children = ARROW_TYPES.map(([name, t]) => {
      const values = Array.from({ length: n }, () => {
        if (rnd() < nullShare[b]) return null;
        const x = rnd();
        switch (name) {
          case 'f64': return (x - 0.5) * 1e6;
          case 'f32': return Math.fround(x * 100);
          case 'i32': return Math.floor((x - 0.5) * 2 ** 31);
          case 'u8': return Math.floor(x * 256);
          case 'i64': return BigInt(Math.floor((x - 0.5) * 2 ** 52)) * 1024n;
          default: return `s${Math.floor(x * 10)}`;
        }
      });
      return vectorFromArray(values as never[], t()).data[0];
    });
    return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: n, nullCount: 0, children }));
  });
  return new Table(batches);
}

describe('Arrow: nullable numeric columns come as typed arrays, NaN and a null mask where the file holds null', () => {
  test('several batches (lengths off the byte boundary; one without nulls, one all null), file and stream; same cells as apache-arrow', async () => {
    const dir = tempWorkspace();
    const lengths = [13, 1000, 20, 9, 257];
    const table = arrowTable(lengths, [0.3, 0.05, 0, 1, 0.5]);
    for (const kind of ['file', 'stream'] as const) {
      const file = path.join(dir, `t.${kind}.arrow`);
      fs.writeFileSync(file, tableToIPC(table, kind));
      const reference = tableFromIPC(fs.readFileSync(file));
      const names = ARROW_TYPES.map(([n]) => n);
      const reader = await openTableReader(file, 'arrow');
      const chunks = await collect(reader.pieces(64));
      await reader.close();
      assert.deepEqual(chunks.map(c => c.rows), lengths, 'one piece per record batch');
      chunks.forEach((c, b) => {
        const col = (n: string) => c.columns.find(x => x.name === n)!;
        const hasNulls = (n: string) => reference.batches[b].getChild(n)!.nullCount > 0;
        assert.ok(col('f64').values instanceof Float64Array, `f64 batch ${b}`);
        assert.ok(col('f32').values instanceof Float32Array, `f32 batch ${b}: Float32 stays Float32Array (NaN for nulls)`);
        assert.ok(col('i32').values instanceof (hasNulls('i32') ? Float64Array : Int32Array), `i32 batch ${b}`);
        assert.ok(col('u8').values instanceof (hasNulls('u8') ? Float64Array : Uint8Array), `u8 batch ${b}`);
        // Int64 with nulls keeps its bigints (no exact Float64 for them); strings stay strings.
        assert.ok(hasNulls('i64') ? Array.isArray(col('i64').values) : col('i64').values instanceof BigInt64Array, `i64 batch ${b}`);
        assert.ok(Array.isArray(col('s').values));
        for (const n of ['f64', 'f32', 'i32', 'u8']) assert.equal(!!col(n).nulls, hasNulls(n), `${n} batch ${b}: a null mask exactly when the batch has nulls`);
      });
      const cells = cellsOf(chunks, names);
      for (const n of names) assertCells(cells.get(n)!, Array.from(reference.getChild(n)!), `${kind} ${n}`);
      assert.equal(cells.get('f64')!.filter(v => v === null).length, reference.getChild('f64')!.nullCount);
    }
  });

  test('a sliced table (validity bits starting mid-byte) reads the same cells', async () => {
    const dir = tempWorkspace();
    const table = arrowTable([40, 30], [0.4, 0.2]).slice(5, 61);
    const file = path.join(dir, 'sliced.arrow');
    fs.writeFileSync(file, tableToIPC(table, 'file'));
    const reader = await openTableReader(file, 'arrow');
    const cells = cellsOf(await collect(reader.pieces(100, ['f64', 'i32'])), ['f64', 'i32']);
    await reader.close();
    assertCells(cells.get('f64')!, Array.from(table.getChild('f64')!), 'f64');
    assertCells(cells.get('i32')!, Array.from(table.getChild('i32')!), 'i32');
  });

  test('re-chunked across batches: masks and values join (Int32Array + Float64Array → Float64Array; bigints with nulls stay cells)', async () => {
    const dir = tempWorkspace();
    const table = arrowTable([13, 20, 9, 257], [0.3, 0, 1, 0.5]);
    const file = path.join(dir, 'r.arrow');
    fs.writeFileSync(file, tableToIPC(table, 'file'));
    const names = ['i32', 'f64', 'i64', 'f32'];
    const reader = await openTableReader(file, 'arrow');
    const chunks = await collect(rechunk(reader.pieces(16, names), 16));
    await reader.close();
    assert.ok(chunks.slice(0, -1).every(c => c.rows === 16));
    const first = chunks[0].columns;
    assert.ok(first[0].values instanceof Float64Array && first[0].nulls, 'rows 0–15: 13 with nulls + 3 without, one Float64Array and a mask');
    assert.ok(Array.isArray(first[2].values), 'Int64 with nulls + BigInt64Array: cells');
    const cells = cellsOf(chunks, names, false);
    for (const n of names) assertCells(cells.get(n)!, Array.from(table.getChild(n)!), n);
  });
});

// ---- Parquet -----------------------------------------------------------------------------------------------

const N = 5000;
/** Values per 256-byte page: 32 doubles, so every column chunk holds dozens of pages. */
const PAGE_BYTES = 256;

/** Two row groups (1,700 and 3,300 rows) of columns paged small; `NoIndex` columns have no offset index (as pyarrow writes by default). */
function writePaged(file: string): void {
  const rnd = seeded(7);
  const num = () => (rnd() - 0.5) * 1e9;
  parquetWriteFile({
    filename: file, rowGroupSize: [1700, 3300], pageSize: PAGE_BYTES,
    columnData: [
      { name: 'req', data: Float64Array.from({ length: N }, num), type: 'DOUBLE', nullable: false },
      { name: 'reqNoIndex', data: Float64Array.from({ length: N }, num), type: 'DOUBLE', nullable: false, offsetIndex: false },
      { name: 'opt', data: Array.from({ length: N }, (_, i) => (i % 7 === 3 ? null : num())), type: 'DOUBLE' },
      { name: 'optNoIndex', data: Array.from({ length: N }, (_, i) => (i % 11 === 0 ? null : Math.floor(num()))), type: 'INT32', offsetIndex: false },
      // Nothing but nulls for the first 800 rows, then numbers: pieces of nulls alone stay cells.
      { name: 'late', data: Array.from({ length: N }, (_, i) => (i < 800 || i % 5 === 0 ? null : i / 4)), type: 'DOUBLE' },
      { name: 'f32', data: Float32Array.from({ length: N }, () => Math.fround(num())), type: 'FLOAT', nullable: false },
      { name: 'big', data: BigInt64Array.from({ length: N }, (_, i) => BigInt(i) * 1_000_000_007n - 3n), type: 'INT64', nullable: false },
      { name: 's', data: Array.from({ length: N }, (_, i) => (i % 3 === 0 ? null : `v${i % 13}`)), type: 'STRING' },
    ],
  });
}
const PAGED = ['req', 'reqNoIndex', 'opt', 'optNoIndex', 'late', 'f32', 'big', 's'];

describe('Parquet: column chunks of many pages come as typed arrays, exact, with nulls', () => {
  test('the file really has many pages per column chunk, with and without an offset index', async () => {
    const file = path.join(tempWorkspace(), 'paged.parquet');
    writePaged(file);
    const buffer = await asyncBufferFromFile(file);
    const meta = await parquetMetadataAsync(buffer);
    assert.deepEqual(meta.row_groups.map(g => Number(g.num_rows)), [1700, 3300]);
    const chunk = (name: string) => meta.row_groups[0].columns.find(c => c.meta_data?.path_in_schema[0] === name)!;
    assert.ok(chunk('req').offset_index_length && chunk('opt').offset_index_length);
    assert.ok(!chunk('reqNoIndex').offset_index_length && !chunk('optNoIndex').offset_index_length);
    // Pages by the offset index where there is one; by hyparquet's onPage for a required column without (optional
    // columns' pages run on in one array, so onPage cannot count them; optNoIndex is paged by the same pageSize).
    for (const n of ['req', 'opt']) {
      const c = chunk(n);
      const index = readOffsetIndex({ view: new DataView(await buffer.slice(Number(c.offset_index_offset), Number(c.offset_index_offset) + c.offset_index_length!)), offset: 0 });
      assert.ok(index.page_locations.length >= 40, `${n}: ${index.page_locations.length} pages in row group 0`);
    }
    let pages = 0;
    await parquetRead({ file: buffer, metadata: meta, columns: ['reqNoIndex'], onPage: () => pages++ });
    assert.ok(pages >= 100, `reqNoIndex: ${pages} pages`);
  });

  test('pieces of at most chunkRows rows within each row group; every value and null as hyparquet reads them', async () => {
    const file = path.join(tempWorkspace(), 'paged.parquet');
    writePaged(file);
    const reference = await parquetReadObjects({ file: await asyncBufferFromFile(file) });
    for (const chunkRows of [300, 1, 2048, 100_000]) {
      const reader = await openTableReader(file, 'parquet');
      assert.equal(reader.totalRows, N);
      const chunks = await collect(reader.pieces(chunkRows));
      await reader.close();
      assert.ok(chunks.every(c => c.rows <= chunkRows), `chunkRows ${chunkRows}: no piece is longer`);
      assert.ok(chunks.every(c => c.rowStart >= 1700 || c.rowStart + c.rows <= 1700), 'no piece crosses a row group');
      if (chunkRows === 100_000) assert.deepEqual(chunks.map(c => c.rows), [1700, 3300]);
      for (const c of chunks) {
        const col = (n: string) => c.columns.find(x => x.name === n)!;
        assert.ok(col('req').values instanceof Float64Array && col('reqNoIndex').values instanceof Float64Array, `rows ${c.rowStart}+: required doubles typed`);
        // Optional numbers: typed, unless the piece holds nothing but nulls (then cells, as before).
        for (const n of ['opt', 'optNoIndex', 'late']) {
          const onlyNulls = reference.slice(c.rowStart, c.rowStart + c.rows).every(r => r[n] === null);
          assert.ok(onlyNulls ? Array.isArray(col(n).values) : col(n).values instanceof Float64Array, `${n} rows ${c.rowStart}+`);
        }
        assert.ok(col('f32').values instanceof Float32Array && col('big').values instanceof BigInt64Array);
        assert.ok(Array.isArray(col('s').values));
        for (const n of ['req', 'reqNoIndex', 'f32', 'big']) assert.equal(col(n).nulls, undefined);
      }
      const cells = cellsOf(chunks, PAGED);
      for (const n of PAGED) assertCells(cells.get(n)!, reference.map(r => r[n]), `chunkRows ${chunkRows}: ${n}`);
    }
  });

  test('selected columns in any order (a name twice too); re-chunking joins masks and nulls-only pieces', async () => {
    const file = path.join(tempWorkspace(), 'paged.parquet');
    writePaged(file);
    const reference = await parquetReadObjects({ file: await asyncBufferFromFile(file) });
    const pick = ['opt', 'late', 'req', 'opt'];
    const reader = await openTableReader(file, 'parquet');
    const pieces = await collect(reader.pieces(300, pick));
    const chunks = await collect(rechunk((async function* () { yield* pieces; })(), 1000));
    await reader.close();
    assert.deepEqual(chunks.map(c => c.rows), [1000, 1000, 1000, 1000, 1000]);
    for (const c of [pieces, chunks]) {
      for (const ch of c) assert.deepEqual(ch.columns.map(x => x.name), pick);
      const cells = new Map(pick.map((n, k) => [n, c.flatMap(ch => Array.from({ length: ch.rows }, (_, i) => cell(ch.columns[k], i)))]));
      for (const n of ['opt', 'late', 'req']) assertCells(cells.get(n)!, reference.map(r => r[n]), n);
    }
    // Rows 0–999 of `late`: 800 nulls (cells) and 200 from a typed piece with a mask → cells, null where missing.
    assert.ok(Array.isArray(chunks[0].columns[1].values));
    assert.equal(chunks[0].columns[1].values[0], null);
    assert.ok(chunks[1].columns[0].values instanceof Float64Array && chunks[1].columns[0].nulls?.length === 1000);
  });

  test('one small page per column chunk: typed values, NaN and a mask for an optional INT32', async () => {
    const dir = tempWorkspace();
    const file = path.join(dir, 'small.parquet');
    parquetWriteFile({ filename: file, columnData: [{ name: 'x', data: Float64Array.from([1.5, -2, 3]), type: 'DOUBLE', nullable: false }, { name: 'n', data: [null, 2, null], type: 'INT32' }] });
    const reader = await openTableReader(file, 'parquet');
    const [c, ...rest] = await collect(reader.pieces(10));
    await reader.close();
    assert.equal(rest.length, 0);
    assert.deepEqual(Array.from(c.columns[0].values as Float64Array), [1.5, -2, 3]);
    assert.deepEqual(Array.from(c.columns[1].values as Float64Array), [NaN, 2, NaN]);
    assert.deepEqual(Array.from(c.columns[1].nulls!), [1, 0, 1]);
  });
});
