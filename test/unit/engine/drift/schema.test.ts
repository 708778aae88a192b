// Schema changes over real files: one table written as Arrow IPC (apache-arrow), Parquet (hyparquet-writer) and
// CSV is the same schema in every pairing (Float64 = DOUBLE = number, Dictionary<Int32, Utf8> = UTF8 = string);
// a real type change is reported with the raw type names and raises a data-quality alert.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Bool, Dictionary, Float64, Int32, Int64, Table, TimestampMillisecond, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { parquetWriteFile } from 'hyparquet-writer';
import { compareDatasets } from '../../../../src/engine/drift/check';
import { readDataset } from '../../../../src/engine/drift/readers';
import { logicalType, schemaChanges } from '../../../../src/engine/drift/schema';
import type { ColumnData } from '../../../../src/engine/drift/types';
import { tempWorkspace } from '../../../helpers/workspace';

const dir = tempWorkspace();
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => path.join(dir, name);

const N = 60;
const f = Array.from({ length: N }, (_, i) => Math.round(Math.sin(i) * 1000) / 100);
const n = Array.from({ length: N }, (_, i) => (i * 7) % 13);
const d = Array.from({ length: N }, (_, i) => ['red', 'green', 'blue'][i % 3]);
const b = Array.from({ length: N }, (_, i) => i % 4 === 0);
const ts = Array.from({ length: N }, (_, i) => new Date(Date.UTC(2025, 0, 1) + i * 3_600_000));

function writeArrow(name: string): string {
  const t = new Table({
    f: vectorFromArray(f, new Float64()),
    n: vectorFromArray(n.map(BigInt), new Int64()),
    d: vectorFromArray(d, new Dictionary(new Utf8(), new Int32())),
    s: vectorFromArray(d, new Utf8()),
    b: vectorFromArray(b, new Bool()),
    ts: vectorFromArray(ts, new TimestampMillisecond()),
  });
  fs.writeFileSync(file(name), tableToIPC(t, 'file'));
  return file(name);
}
function writeParquet(name: string): string {
  parquetWriteFile({
    filename: file(name), columnData: [
      { name: 'f', data: f, type: 'DOUBLE' }, { name: 'n', data: n.map(BigInt), type: 'INT64' }, { name: 'd', data: d, type: 'STRING' },
      { name: 's', data: d, type: 'STRING' }, { name: 'b', data: b, type: 'BOOLEAN' }, { name: 'ts', data: ts, type: 'TIMESTAMP' },
    ],
  });
  return file(name);
}
function writeCsv(name: string, cell: (column: string, i: number, value: string) => string = (_c, _i, v) => v): string {
  const cols: [string, string[]][] = [['f', f.map(String)], ['n', n.map(String)], ['d', d], ['s', d], ['b', b.map(String)]];
  const lines = [cols.map(c => c[0]).join(',')];
  for (let i = 0; i < N; i++) lines.push(cols.map(([c, v]) => cell(c, i, v[i])).join(','));
  fs.writeFileSync(file(name), `${lines.join('\n')}\n`);
  return file(name);
}

describe('schema changes across formats', () => {
  test('the same table as Arrow, Parquet and CSV: no retyped column in any pairing; raw types kept', async () => {
    const arrow = await readDataset(writeArrow('t.arrow'));
    const parquet = await readDataset(writeParquet('t.parquet'));
    const csv = await readDataset(writeCsv('t.csv'));
    const raw = (ds: typeof arrow, c: string) => ds.columns.find(x => x.name === c)!.sourceType;
    assert.deepEqual([raw(arrow, 'f'), raw(parquet, 'f'), raw(csv, 'f')], ['Float64', 'DOUBLE', 'number']);
    assert.deepEqual([raw(arrow, 'd'), raw(parquet, 'd'), raw(csv, 'd')], ['Dictionary<Int32, Utf8>', 'UTF8', 'string']);
    for (const [a, bb] of [[arrow, parquet], [parquet, arrow], [arrow, csv], [csv, arrow], [parquet, csv], [csv, parquet]]) {
      const r = compareDatasets(a, bb);
      assert.deepEqual(r.schema.retyped, [], `${path.basename(a.source)} → ${path.basename(bb.source)}`);
      assert.ok(!r.qualityAlerts.some(x => /type changed/.test(x)), r.qualityAlerts.join('\n'));
    }
    // ts is only in the typed files: the CSV lacks it.
    assert.deepEqual(compareDatasets(arrow, csv).schema.removed, ['ts']);
    assert.deepEqual(compareDatasets(csv, arrow).schema.added, ['ts']);
  });

  test('a real change is retyped with the raw names and alerts; an all-missing CSV column fits any type', async () => {
    const arrow = await readDataset(file('t.arrow'));
    const changed = await readDataset(writeCsv('changed.csv', (c, i, v) => (c === 'f' && i === 5 ? 'n/a?' : c === 'n' ? `${v}.5` : c === 's' ? '' : v)));
    const r = compareDatasets(arrow, changed);
    assert.deepEqual(r.schema.retyped, [{ column: 'f', from: 'Float64', to: 'string' }]);
    assert.ok(r.qualityAlerts.includes('f: type changed from Float64 to string'), r.qualityAlerts.join('\n'));
    assert.equal(r.alert, true);
    // Declared integer → declared double is a change; an inferred number fits a declared integer (3 or 3.0 in CSV).
    const num = (sourceType: string): ColumnData => ({ kind: 'numeric', name: 'x', values: Float64Array.of(1, 2), sourceType });
    const one = (c: ColumnData) => ({ source: 's', rows: 2, columns: [c] });
    assert.deepEqual(schemaChanges(one(num('Int64')), one(num('DOUBLE'))).retyped, [{ column: 'x', from: 'Int64', to: 'DOUBLE' }]);
    assert.deepEqual(schemaChanges(one(num('INT64')), one(num('number'))).retyped, []);
    assert.deepEqual(schemaChanges(one(num('Int32')), one(num('INT32'))).retyped, []);
  });

  test('logicalType: Arrow, Parquet and inferred names', () => {
    const t = (sourceType: string, kind: 'numeric' | 'categorical' = 'numeric') => logicalType(kind === 'numeric'
      ? { kind, name: 'x', values: new Float64Array(), sourceType }
      : { kind, name: 'x', codes: new Int32Array(), categories: [], sourceType });
    const cases: [string, string, boolean][] = [
      ['Float64', 'number', false], ['Float32', 'number', false], ['DOUBLE', 'number', false], ['FLOAT', 'number', false], ['Decimal[10e+2]', 'number', false],
      ['Int64', 'integer', false], ['Uint8', 'integer', false], ['INT32', 'integer', false], ['INT_16', 'integer', false], ['INTEGER', 'integer', false],
      ['Utf8', 'string', false], ['LargeUtf8', 'string', false], ['Dictionary<Int32, Utf8>', 'string', false], ['UTF8', 'string', false], ['STRING', 'string', false], ['ENUM', 'string', false],
      ['Bool', 'bool', false], ['BOOLEAN', 'bool', false],
      ['Timestamp<MILLISECOND>', 'timestamp', false], ['Date32<DAY>', 'timestamp', false], ['TIMESTAMP_MICROS', 'timestamp', false], ['DATE', 'timestamp', false], ['INT96', 'timestamp', false],
      ['number', 'number', true], ['string', 'string', true], ['bool', 'bool', true],
    ];
    for (const [raw, type, inferred] of cases) assert.deepEqual(t(raw), { type, inferred }, raw);
  });
});
