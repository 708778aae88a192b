// Data files → drift datasets: CSV/TSV with type inference, Arrow IPC (file, stream, several batches, nulls,
// dictionaries, lists), Parquet (row groups, nulls); files written here with csv text, apache-arrow and
// hyparquet-writer. Bad files fail with an error naming the file (and the line for CSV), never a crash.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  Bool, Dictionary, FixedSizeList, Field, Float32, Float64, Int32, Int64, Table, Utf8, tableFromArrays, tableToIPC, vectorFromArray,
} from 'apache-arrow';
import { parquetWriteFile } from 'hyparquet-writer';
import { detectFormat, readDataset } from '../../../../src/engine/drift/readers';
import type { ColumnData, Dataset } from '../../../../src/engine/drift/types';
import { MlflowError } from '../../../../src/engine/errors';
import { tempWorkspace } from '../../../helpers/workspace';

const col = (d: Dataset, name: string): ColumnData => {
  const c = d.columns.find(x => x.name === name);
  assert.ok(c, `no column ${name} in ${d.columns.map(x => x.name).join(', ')}`);
  return c;
};
const nums = (d: Dataset, name: string): number[] => {
  const c = col(d, name);
  assert.equal(c.kind, 'numeric', `${name} is ${c.kind}`);
  return Array.from((c as Extract<ColumnData, { kind: 'numeric' }>).values);
};
/** A categorical column decoded back to strings (null = missing). */
const cats = (d: Dataset, name: string): (string | null)[] => {
  const c = col(d, name);
  assert.equal(c.kind, 'categorical', `${name} is ${c.kind}`);
  const { codes, categories } = c as Extract<ColumnData, { kind: 'categorical' }>;
  return Array.from(codes, k => (k < 0 ? null : categories[k]));
};
const write = (dir: string, name: string, data: string | Uint8Array) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, data);
  return f;
};
async function rejects(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof MlflowError, `not an MlflowError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('CSV and TSV', () => {
  test('numbers, text, booleans and pandas missing spellings; types per column; file order', async () => {
    const dir = tempWorkspace();
    const f = write(dir, 'a.csv', [
      ',x,city,flag,code,score',
      '0,1.5,Paris,true,007,',
      '1,NA,"Lyon, FR",False,12,NaN',
      '2,-3e2,,TRUE,A1,inf',
      '3,4,Paris,,08,-2',
    ].join('\n') + '\n');
    const d = await readDataset(f);
    assert.equal(d.source, f);
    assert.equal(d.rows, 4);
    assert.deepEqual(d.columns.map(c => [c.name, c.kind, c.sourceType]), [
      ['Unnamed: 0', 'numeric', 'number'], ['x', 'numeric', 'number'], ['city', 'categorical', 'string'],
      ['flag', 'categorical', 'bool'], ['code', 'categorical', 'string'], ['score', 'numeric', 'number'],
    ]);
    assert.deepEqual(nums(d, 'x'), [1.5, NaN, -300, 4]);
    assert.deepEqual(cats(d, 'city'), ['Paris', 'Lyon, FR', null, 'Paris']);
    assert.deepEqual(cats(d, 'flag'), ['true', 'false', 'true', null]);
    // Numbers first, then text: the earlier numbers become categories spelled as in the file.
    assert.deepEqual(cats(d, 'code'), ['007', '12', 'A1', '08']);
    assert.deepEqual(nums(d, 'score'), [NaN, NaN, Infinity, -2]);
  });

  test('TSV, selected columns in the order asked, maxRows', async () => {
    const dir = tempWorkspace();
    const f = write(dir, 'a.tsv', 'a\tb\tc\n1\tx\t3\n4\ty\t6\n7\tz\t9\n');
    const d = await readDataset(f, { columns: ['c', 'b'], maxRows: 2 });
    assert.equal(d.rows, 2);
    assert.deepEqual(d.columns.map(c => c.name), ['c', 'b']);
    assert.deepEqual(nums(d, 'c'), [3, 6]);
    assert.deepEqual(cats(d, 'b'), ['x', 'y']);
    const none = await readDataset(f, { maxRows: 0 });
    assert.equal(none.rows, 0);
    assert.deepEqual(none.columns.map(c => [c.name, c.kind]), [['a', 'numeric'], ['b', 'numeric'], ['c', 'numeric']]);
  });

  test('200 000 rows stream through; a column that turns to text after 150 000 rows keeps every value', async () => {
    const dir = tempWorkspace();
    const n = 200_000;
    const lines = ['id,value,group,late'];
    for (let i = 0; i < n; i++) lines.push(`${i},${(i % 1000) / 10},g${i % 7},${i < 150_000 ? i % 50 : `t${i % 3}`}`);
    const f = write(dir, 'big.csv', lines.join('\n') + '\n');
    const t0 = performance.now();
    const d = await readDataset(f);
    const ms = performance.now() - t0;
    assert.equal(d.rows, n);
    const id = nums(d, 'id');
    assert.equal(id.length, n);
    assert.equal(id[n - 1], n - 1);
    assert.equal(id.reduce((a, b) => a + b, 0), (n * (n - 1)) / 2);
    const value = col(d, 'value') as Extract<ColumnData, { kind: 'numeric' }>;
    assert.ok(value.values instanceof Float64Array);
    assert.equal(value.values[12_345], 34.5);
    const group = col(d, 'group') as Extract<ColumnData, { kind: 'categorical' }>;
    assert.ok(group.codes instanceof Int32Array);
    assert.deepEqual(group.categories, ['g0', 'g1', 'g2', 'g3', 'g4', 'g5', 'g6']);
    const late = cats(d, 'late');
    assert.equal(late[149_999], String(149_999 % 50));
    assert.equal(late[150_000], `t${150_000 % 3}`);
    assert.equal(new Set(late).size, 53);
    console.log(`# 200k-row CSV (4 columns, ${(fs.statSync(f).size / 1e6).toFixed(1)} MB) read in ${ms.toFixed(0)} ms`);
  });

  test('ragged rows, bad quotes, empty files, duplicate names and unknown columns fail naming the file and line', async () => {
    const dir = tempWorkspace();
    await rejects(readDataset(write(dir, 'ragged.csv', 'a,b,c\n1,2,3\n\n4,5\n')), 'INVALID_PARAMETER_VALUE', /ragged\.csv: line 4 has 2 values, the header names 3 columns/);
    await rejects(readDataset(write(dir, 'quote.csv', 'a,b\n1,"x\n2,3\n')), 'INVALID_PARAMETER_VALUE', /quote\.csv: malformed CSV: .*line/);
    // The parser can fail before the header is handed over: the count comes from its header record, never 0.
    await rejects(readDataset(write(dir, 'short.csv', 'a,b\n1\n')), 'INVALID_PARAMETER_VALUE', /short\.csv: line 2 has 1 values, the header names 2 columns/);
    await rejects(readDataset(write(dir, 'stray.csv', 'a,b\n1,2\nx"y\n4,5\n')), 'INVALID_PARAMETER_VALUE', /stray\.csv: line 3 has 1 values, the header names 2 columns/);
    await rejects(readDataset(write(dir, 'wide.tsv', 'a\tb\tc\n1\t2\t3\n4\t5\n')), 'INVALID_PARAMETER_VALUE', /wide\.tsv: line 3 has 2 values, the header names 3 columns/);
    await rejects(readDataset(write(dir, 'empty.csv', '')), 'INVALID_PARAMETER_VALUE', /empty\.csv: empty CSV file/);
    await rejects(readDataset(write(dir, 'dup.csv', 'a,b,a\n1,2,3\n')), 'INVALID_PARAMETER_VALUE', /dup\.csv: duplicate column name 'a'/);
    await rejects(readDataset(write(dir, 'ok.csv', 'a,b\n1,2\n'), { columns: ['a', 'zz'] }), 'INVALID_PARAMETER_VALUE', /ok\.csv: no column 'zz' \(the columns are a, b\)/);
    await rejects(readDataset(write(dir, 'bin.csv', new Uint8Array([0x61, 0, 0x62, 0x0a]))), 'INVALID_PARAMETER_VALUE', /bin\.csv: binary data/);
  });
});

describe('Arrow IPC', () => {
  test('file format: every column type, nulls, a dictionary, a fixed-size list; sourceType is the Arrow type', async () => {
    const dir = tempWorkspace();
    const t = new Table({
      f64: vectorFromArray(Float64Array.from([1.5, 2.5, 3.5])),
      f32: vectorFromArray(Float32Array.from([0.5, 1, 2])),
      i32: vectorFromArray(Int32Array.from([1, -2, 3])),
      i64: vectorFromArray(BigInt64Array.from([10n, 20n, 30n])),
    });
    const more = new Table({
      nullable: vectorFromArray([1.25, null, 3], new Float64()),
      name: vectorFromArray(['a', null, 'b'], new Utf8()),
      dict: vectorFromArray(['u', 'v', 'u'], new Dictionary(new Utf8(), new Int32())),
      flag: vectorFromArray([true, false, null], new Bool()),
      n64: vectorFromArray([1n, null, 3n], new Int64()),
      emb: vectorFromArray([[1, 2], [3, 4], [5, 6]], new FixedSizeList(2, new Field('item', new Float32()))),
    });
    const both = t.assign(more);
    const f = write(dir, 'all.arrow', tableToIPC(both, 'file'));
    const d = await readDataset(f);
    assert.equal(d.rows, 3);
    assert.deepEqual(d.columns.map(c => [c.name, c.kind, c.sourceType]), [
      ['f64', 'numeric', 'Float64'], ['f32', 'numeric', 'Float32'], ['i32', 'numeric', 'Int32'], ['i64', 'numeric', 'Int64'],
      ['nullable', 'numeric', 'Float64'], ['name', 'categorical', 'Utf8'], ['dict', 'categorical', 'Dictionary<Int32, Utf8>'],
      ['flag', 'categorical', 'Bool'], ['n64', 'numeric', 'Int64'], ['emb[0]', 'numeric', 'number'], ['emb[1]', 'numeric', 'number'],
    ]);
    assert.deepEqual(nums(d, 'f64'), [1.5, 2.5, 3.5]);
    assert.deepEqual(nums(d, 'f32'), [0.5, 1, 2]);
    assert.deepEqual(nums(d, 'i64'), [10, 20, 30]);
    assert.deepEqual(nums(d, 'nullable'), [1.25, NaN, 3]);
    assert.deepEqual(cats(d, 'name'), ['a', null, 'b']);
    assert.deepEqual(cats(d, 'dict'), ['u', 'v', 'u']);
    assert.deepEqual(cats(d, 'flag'), ['true', 'false', null]);
    assert.deepEqual(nums(d, 'n64'), [1, NaN, 3]);
    assert.deepEqual([nums(d, 'emb[0]'), nums(d, 'emb[1]')], [[1, 3, 5], [2, 4, 6]]);
  });

  test('stream format with many batches (Feather extension), columns and maxRows across batches', async () => {
    const dir = tempWorkspace();
    const tables = Array.from({ length: 10 }, (_, b) => tableFromArrays({
      x: Float64Array.from({ length: 1000 }, (_, i) => b * 1000 + i),
      label: Array.from({ length: 1000 }, (_, i) => `c${(b * 1000 + i) % 4}`),
    }));
    const all = tables[0].concat(...tables.slice(1));
    assert.equal(all.batches.length, 10);
    const f = write(dir, 'data.feather', tableToIPC(all, 'stream'));
    assert.equal(await detectFormat(f), 'arrow');
    const d = await readDataset(f);
    assert.equal(d.rows, 10_000);
    const x = nums(d, 'x');
    assert.ok(x.every((v, i) => v === i));
    assert.deepEqual(cats(d, 'label').slice(0, 5), ['c0', 'c1', 'c2', 'c3', 'c0']);
    const part = await readDataset(f, { columns: ['label'], maxRows: 2500 });
    assert.equal(part.rows, 2500);
    assert.deepEqual(part.columns.map(c => c.name), ['label']);
    assert.equal(cats(part, 'label').length, 2500);
  });

  test('truncated files, wrong magic bytes and unknown columns fail naming the file', async () => {
    const dir = tempWorkspace();
    const ipc = tableToIPC(tableFromArrays({ x: Float64Array.from({ length: 5000 }, (_, i) => i) }), 'file');
    await rejects(readDataset(write(dir, 'cut.arrow', ipc.subarray(0, ipc.length - 100))), 'INVALID_PARAMETER_VALUE', /cut\.arrow: truncated Arrow IPC file/);
    const stream = tableToIPC(tableFromArrays({ x: Float64Array.from({ length: 5000 }, (_, i) => i) }), 'stream');
    await rejects(readDataset(write(dir, 'cut.arrows', stream.subarray(0, stream.length / 2))), 'INVALID_PARAMETER_VALUE', /cut\.arrows: not a readable Arrow IPC file/);
    await rejects(readDataset(write(dir, 'text.arrow', 'a,b\n1,2\n')), 'INVALID_PARAMETER_VALUE', /text\.arrow: not an Arrow IPC file \(wrong magic bytes\)/);
    await rejects(readDataset(write(dir, 'empty.ipc', '')), 'INVALID_PARAMETER_VALUE', /empty\.ipc: not an Arrow IPC file \(wrong magic bytes: the file is empty\)/);
    await rejects(readDataset(write(dir, 'ok.arrow', ipc), { columns: ['y'] }), 'INVALID_PARAMETER_VALUE', /ok\.arrow: no column 'y'/);
  });
});

describe('Parquet', () => {
  test('row groups, nulls, strings, booleans, int64 and timestamps; sourceType is the Parquet type', async () => {
    const dir = tempWorkspace();
    const n = 25_000;
    const f = path.join(dir, 'd.parquet');
    parquetWriteFile({
      filename: f, rowGroupSize: 10_000,
      columnData: [
        { name: 'x', data: Float64Array.from({ length: n }, (_, i) => i / 2), type: 'DOUBLE', nullable: false },
        { name: 'maybe', data: Array.from({ length: n }, (_, i) => (i % 10 ? i : null)), type: 'INT32' },
        { name: 'big', data: Array.from({ length: n }, (_, i) => BigInt(i)), type: 'INT64' },
        { name: 's', data: Array.from({ length: n }, (_, i) => (i % 3 === 2 ? null : ['a', 'b'][i % 3])), type: 'STRING' },
        { name: 'b', data: Array.from({ length: n }, (_, i) => i % 2 === 0), type: 'BOOLEAN' },
        { name: 'ts', data: Array.from({ length: n }, (_, i) => new Date(i * 1000)), type: 'TIMESTAMP' },
      ],
    });
    const d = await readDataset(f);
    assert.equal(d.rows, n);
    assert.deepEqual(d.columns.map(c => [c.name, c.kind, c.sourceType]), [
      ['x', 'numeric', 'DOUBLE'], ['maybe', 'numeric', 'INT32'], ['big', 'numeric', 'INT64'], ['s', 'categorical', 'UTF8'],
      ['b', 'categorical', 'BOOLEAN'], ['ts', 'numeric', 'TIMESTAMP_MILLIS'],
    ]);
    const x = nums(d, 'x');
    assert.ok(x.every((v, i) => v === i / 2));
    const maybe = nums(d, 'maybe');
    assert.ok(maybe.every((v, i) => (i % 10 ? v === i : Number.isNaN(v))));
    assert.equal(nums(d, 'big')[n - 1], n - 1);
    assert.deepEqual(cats(d, 's').slice(0, 4), ['a', 'b', null, 'a']);
    assert.deepEqual(cats(d, 'b').slice(0, 3), ['true', 'false', 'true']);
    assert.equal(nums(d, 'ts')[10_001], 10_001_000);
    const head = await readDataset(f, { columns: ['s'], maxRows: 12_000 });
    assert.equal(head.rows, 12_000);
    assert.equal(cats(head, 's').length, 12_000);
  });

  test('a truncated file and wrong magic bytes fail naming the file', async () => {
    const dir = tempWorkspace();
    const f = path.join(dir, 'ok.parquet');
    parquetWriteFile({ filename: f, columnData: [{ name: 'x', data: Float64Array.from([1, 2, 3]), type: 'DOUBLE' }] });
    const bytes = fs.readFileSync(f);
    await rejects(readDataset(write(dir, 'cut.parquet', bytes.subarray(0, bytes.length - 20))), 'INVALID_PARAMETER_VALUE', /cut\.parquet: truncated Parquet file/);
    const corrupt = Buffer.from(bytes);
    corrupt.fill(7, 4, corrupt.length - 8);
    await rejects(readDataset(write(dir, 'corrupt.parquet', corrupt)), 'INVALID_PARAMETER_VALUE', /corrupt\.parquet: not a readable Parquet file/);
    await rejects(readDataset(write(dir, 'wrong.parquet', 'PAR0 nothing here')), 'INVALID_PARAMETER_VALUE', /wrong\.parquet: not a Parquet file \(wrong magic bytes\)/);
  });
});

test('missing files, directories, unknown extensions and an aborted read', async () => {
  const dir = tempWorkspace();
  await rejects(readDataset(path.join(dir, 'nope.csv')), 'RESOURCE_DOES_NOT_EXIST', /nope\.csv: no such file/);
  await rejects(readDataset(dir), 'INVALID_PARAMETER_VALUE', /is a directory, not a data file/);
  await rejects(readDataset(write(dir, 'x.xlsx', 'PK')), 'INVALID_PARAMETER_VALUE', /x\.xlsx: unknown data format '\.xlsx'/);
  // A Parquet file with a .csv name is read as Parquet (magic bytes win over the extension).
  const pq = path.join(dir, 'really-parquet.csv');
  parquetWriteFile({ filename: pq, columnData: [{ name: 'x', data: Float64Array.from([1, 2]), type: 'DOUBLE' }] });
  assert.deepEqual(nums(await readDataset(pq), 'x'), [1, 2]);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(readDataset(pq, { signal: ac.signal }), { name: 'AbortError' });
});
