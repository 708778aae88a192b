// The drift check over real data: the demo pair flags exactly its drifted column, Evidently's automatic test
// choice by kind and size, configured tests and thresholds, severity order, schema and volume changes, data
// quality alerts, the data-set verdict, and columns without a statistic (a note, never NaN, never drift).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { compareDatasets, automaticTest } from '../../../../src/engine/drift/check';
import { seedDemoDrift, DEMO_DRIFTED_COLUMN, DEMO_REFERENCE, DEMO_CURRENT } from '../../../../src/engine/drift/demo';
import { readDataset } from '../../../../src/engine/drift/readers';
import { MlflowError } from '../../../../src/engine/errors';
import type { ColumnData, Dataset, DriftReport } from '../../../../src/engine/drift/types';
import { tempWorkspace } from '../../../helpers/workspace';

function rng(seed: number) {
  let s = seed >>> 0;
  const u = () => ((s = (s * 1664525 + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return { u, normal: () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()) };
}
const num = (name: string, values: number[]): ColumnData => ({ kind: 'numeric', name, values: Float64Array.from(values), sourceType: 'double' });
function cat(name: string, values: (string | null)[]): ColumnData {
  const categories = [...new Set(values.filter((v): v is string => v !== null))];
  return { kind: 'categorical', name, categories, codes: Int32Array.from(values.map(v => (v === null ? -1 : categories.indexOf(v)))), sourceType: 'string' };
}
const ds = (source: string, ...columns: ColumnData[]): Dataset => ({ source, rows: columns[0] ? (columns[0].kind === 'numeric' ? columns[0].values.length : columns[0].codes.length) : 0, columns });
const normals = (n: number, seed: number, mean = 0, sd = 1) => { const r = rng(seed); return Array.from({ length: n }, () => mean + sd * r.normal()); };
const picks = (n: number, seed: number, cats: string[], weights: number[]) => {
  const r = rng(seed);
  return Array.from({ length: n }, () => { let x = r.u(); return cats.find((_, i) => (x -= weights[i]) < 0) ?? cats[0]; });
};
const col = (r: DriftReport, name: string) => r.columns.find(c => c.column === name)!;

/** Every number in the report is finite (JSON would carry NaN and ±Infinity as null). */
function assertFinite(r: DriftReport): void {
  assert.ok(!JSON.stringify(r).includes('null'), 'no NaN or Infinity in the report');
  for (const c of r.columns) {
    assert.ok(Number.isFinite(c.verdict.statistic) && Number.isFinite(c.severity), c.column);
    for (const [k, v] of Object.entries(c.stats)) assert.ok(Number.isFinite(v), `${c.column}.${k}`);
  }
}

const ws = tempWorkspace();
after(() => fs.rmSync(ws, { recursive: true, force: true }));

describe('the demo pair', () => {
  test(`flags exactly ${DEMO_DRIFTED_COLUMN}; large data takes Wasserstein and Jensen-Shannon`, async () => {
    seedDemoDrift(ws);
    const r = compareDatasets(await readDataset(path.join(ws, DEMO_REFERENCE)), await readDataset(path.join(ws, DEMO_CURRENT)));
    assert.deepEqual(r.driftedColumns, [DEMO_DRIFTED_COLUMN]);
    assert.equal(r.drift, true);
    assert.equal(r.columns[0].column, DEMO_DRIFTED_COLUMN, 'most severe first');
    assert.ok(r.columns[0].severity > 3, String(r.columns[0].severity));
    const tests = Object.fromEntries(r.columns.map(c => [c.column, c.verdict.test]));
    assert.deepEqual(tests, { age: 'wasserstein', income: 'wasserstein', tenure_months: 'wasserstein', session_minutes: 'wasserstein', support_tickets: 'jensenshannon', plan: 'jensenshannon' });
    assert.equal(col(r, 'support_tickets').kind, 'categorical', 'a number column with ≤ 5 values is tested as categories');
    for (const c of r.columns.slice(1)) assert.ok(c.severity < 1 && c.verdict.threshold === 0.1, `${c.column} ${c.severity}`);
    for (let i = 1; i < r.columns.length; i++) assert.ok(r.columns[i - 1].severity >= r.columns[i].severity);
    assert.deepEqual(Object.keys(col(r, 'age').stats).sort(), ['jensenshannon', 'ks', 'ks_pvalue', 'psi', 'wasserstein', 'wasserstein_norm']);
    assert.deepEqual(Object.keys(col(r, 'plan').stats).sort(), ['chisquare', 'chisquare_pvalue', 'jensenshannon', 'psi']);
    assert.deepEqual(r.volume, { reference: 4000, current: 2500, change: -0.375 });
    assert.deepEqual(r.schema, { added: [], removed: [], retyped: [] });
    assert.ok(col(r, 'income').quality.currentMissingShare > 0 && col(r, 'income').quality.alerts.length === 0, 'about 1 % missing: no alert');
    assert.deepEqual(r.qualityAlerts, []);
    assertFinite(r);
  });

  test('never overwrites existing files', () => {
    fs.writeFileSync(path.join(ws, DEMO_CURRENT), 'mine\n');
    const again = seedDemoDrift(ws);
    assert.deepEqual(again.written, []);
    assert.equal(fs.readFileSync(path.join(ws, DEMO_CURRENT), 'utf8'), 'mine\n');
  });
});

describe('test choice, thresholds and severity', () => {
  test('automaticTest follows Evidently: ≤ 1000 reference rows → KS / chi-squared, else Wasserstein / Jensen-Shannon', () => {
    assert.equal(automaticTest('numeric', 1000), 'ks');
    assert.equal(automaticTest('numeric', 1001), 'wasserstein');
    assert.equal(automaticTest('categorical', 1000), 'chisquare');
    assert.equal(automaticTest('categorical', 1001), 'jensenshannon');
  });

  test('small data: p-value tests decide, severity is threshold / p', () => {
    const ref = ds('ref', num('x', normals(500, 1)), num('y', normals(500, 2)), cat('c', picks(500, 3, ['a', 'b', 'c'], [0.5, 0.3, 0.2])));
    const cur = ds('cur', num('x', normals(400, 4, 0.5)), num('y', normals(400, 5)), cat('c', picks(400, 6, ['a', 'b', 'c'], [0.2, 0.3, 0.5])));
    const r = compareDatasets(ref, cur);
    const x = col(r, 'x');
    assert.equal(x.verdict.test, 'ks');
    assert.equal(x.verdict.threshold, 0.05);
    assert.equal(x.verdict.statistic, x.stats.ks);
    assert.equal(x.verdict.pValue, x.stats.ks_pvalue);
    assert.ok(x.verdict.drift && x.verdict.pValue! < 1e-6);
    assert.equal(x.severity, 100, 'capped');
    assert.equal(col(r, 'c').verdict.test, 'chisquare');
    assert.ok(col(r, 'c').verdict.drift);
    const y = col(r, 'y');
    assert.ok(!y.verdict.drift && y.verdict.pValue! > 0.05);
    assert.ok(Math.abs(y.severity - 0.05 / y.verdict.pValue!) < 1e-12);
    assert.deepEqual(r.driftedColumns.sort(), ['c', 'x']);
    assertFinite(r);
  });

  test('configured tests and thresholds: per column, defaults, and a test that does not fit the column', () => {
    const ref = ds('ref', num('x', normals(3000, 1)), num('y', normals(3000, 2)), cat('c', picks(3000, 3, ['a', 'b'], [0.5, 0.5])));
    const cur = ds('cur', num('x', normals(3000, 4, 0.15)), num('y', normals(3000, 5, 0.15)), cat('c', picks(3000, 6, ['a', 'b'], [0.5, 0.5])));
    const auto = compareDatasets(ref, cur);
    assert.ok(col(auto, 'x').verdict.drift, 'a 0.15 sd shift is over the 0.1 Wasserstein threshold');
    const r = compareDatasets(ref, cur, {
      settings: { x: { test: 'psi', threshold: 0.2 }, y: { threshold: 0.3 }, c: { test: 'ks' } },
      defaults: { test: 'jensenshannon', threshold: 0.05 },
    });
    assert.deepEqual([col(r, 'x').verdict.test, col(r, 'x').verdict.threshold, col(r, 'x').verdict.drift], ['psi', 0.2, false]);
    assert.equal(col(r, 'x').verdict.statistic, col(r, 'x').stats.psi);
    assert.deepEqual([col(r, 'y').verdict.test, col(r, 'y').verdict.threshold], ['jensenshannon', 0.3], 'the default test, the column threshold');
    assert.equal(col(r, 'c').verdict.test, 'jensenshannon');
    assert.match(col(r, 'c').quality.alerts[0], /test 'ks' does not apply to a categorical column; used jensenshannon/);
    assert.ok(r.qualityAlerts.some(a => a.startsWith('c: test ')));
  });

  test('driftShare: the data set drifts only when enough columns do', () => {
    const ref = ds('ref', num('a', normals(300, 1)), num('b', normals(300, 2)), num('c', normals(300, 3)));
    const cur = ds('cur', num('a', normals(300, 4, 2)), num('b', normals(300, 5)), num('c', normals(300, 6)));
    assert.equal(compareDatasets(ref, cur).drift, true);
    assert.equal(compareDatasets(ref, cur, { driftShare: 0.5 }).drift, false);
    assert.equal(compareDatasets(ref, cur, { driftShare: 0.3 }).drift, true);
    assert.deepEqual(compareDatasets(ref, cur, { columns: ['b', 'c'] }).columns.map(c => c.column).sort(), ['b', 'c']);
    assert.deepEqual(compareDatasets(ref, cur, { settings: { a: { ignore: true } } }).driftedColumns, []);
  });
});

describe('schema, quality and columns without a statistic', () => {
  test('added, removed and retyped columns; unknown requested columns are an error', () => {
    const ref = ds('ref', num('a', normals(50, 1)), num('gone', normals(50, 2)), num('t', normals(50, 3)));
    const cur = ds('cur', num('a', normals(60, 4)), num('new', normals(60, 5)), cat('t', picks(60, 6, ['x', 'y'], [0.5, 0.5])));
    const r = compareDatasets(ref, cur);
    assert.deepEqual(r.schema, { added: ['new'], removed: ['gone'], retyped: [{ column: 't', from: 'double', to: 'string' }] });
    assert.equal(col(r, 't').kind, 'categorical');
    assert.ok(r.qualityAlerts.includes('gone: column removed in the current data'));
    assert.ok(r.volume.change > 0.19 && r.volume.change < 0.21);
    assert.throws(() => compareDatasets(ref, cur, { columns: ['a', 'nope'] }), (e: unknown) => e instanceof MlflowError && e.code === 'INVALID_PARAMETER_VALUE' && /no column 'nope'/.test(e.message));
    const partial = compareDatasets(ref, cur, { columns: ['a', 'new'] });
    assert.deepEqual(partial.columns.map(c => c.column), ['a']);
    assert.ok(partial.qualityAlerts.some(a => /new: not in the reference/.test(a)));
  });

  test('missing values, out-of-range values, new and lost categories', () => {
    const refVals = normals(400, 1);
    const curVals = normals(400, 2).map((v, i) => (i % 10 === 0 ? NaN : i % 7 === 0 ? 50 : v));
    const ref = ds('ref', num('x', refVals), cat('c', picks(400, 3, ['a', 'b', 'gone'], [0.45, 0.45, 0.1])));
    const cur = ds('cur', num('x', curVals), cat('c', picks(400, 4, ['a', 'b', 'fresh'], [0.45, 0.45, 0.1])));
    const r = compareDatasets(ref, cur);
    const x = col(r, 'x').quality;
    assert.equal(x.currentMissingShare, 0.1);
    assert.ok(x.outOfRangeShare! > 0.1);
    assert.match(x.alerts.join('\n'), /missing 10 % > 5 %/);
    assert.match(x.alerts.join('\n'), /of current values outside the reference range/);
    const c = col(r, 'c').quality;
    assert.deepEqual(c.newCategories, ['fresh']);
    assert.deepEqual(c.missingCategories, ['gone']);
    assert.match(c.alerts.join('\n'), /new categories: fresh/);
    assert.match(c.alerts.join('\n'), /categories not seen in current .*: gone/);
    const relaxed = compareDatasets(ref, cur, { settings: { x: { maxMissingShare: 0.2 } } });
    assert.doesNotMatch(col(relaxed, 'x').quality.alerts.join('\n'), /missing/);
    assertFinite(r);
  });

  test('all missing, constant, single-row and empty columns: a note, no drift, no NaN', () => {
    const n = 200;
    const ref = ds('ref', num('allgone', normals(n, 1)), num('const', Array(n).fill(3)), num('same', Array(n).fill(7)), cat('c', picks(n, 2, ['a', 'b'], [0.5, 0.5])), num('ok', normals(n, 3)));
    const cur = ds('cur', num('allgone', Array(n).fill(NaN)), num('const', normals(n, 4, 3)), num('same', Array(n).fill(7)), cat('c', Array(n).fill(null)), num('ok', normals(n, 5)));
    const r = compareDatasets(ref, cur);
    assert.match(col(r, 'allgone').note!, /missing/);
    assert.match(col(r, 'c').note!, /missing/);
    assert.match(col(r, 'allgone').quality.alerts.join(), /missing 100 %/);
    assert.match(col(r, 'const').note!, /constant in the reference \(3\)/);
    assert.ok(r.qualityAlerts.includes('const: the reference is constant (3) but 100 % of current values differ'), r.qualityAlerts.join('\n'));
    for (const c of ['allgone', 'const', 'c']) assert.equal(col(r, c).verdict.drift, false, c);
    assert.equal(col(r, 'same').verdict.drift, false);
    assert.deepEqual(r.driftedColumns, []);
    assertFinite(r);

    const one = compareDatasets(ds('ref', num('x', [1])), ds('cur', num('x', [5])));
    assert.ok(one.columns[0].note);
    assert.equal(one.drift, false);
    assertFinite(one);
    const empty = compareDatasets(ds('ref', num('x', normals(10, 1))), { source: 'cur', rows: 0, columns: [num('x', [])] });
    assert.ok(empty.columns[0].note);
    assert.ok(empty.qualityAlerts.some(a => /has no rows/.test(a)));
    assert.equal(empty.volume.change, -1);
    assertFinite(empty);
    const nothing = compareDatasets({ source: 'ref', rows: 0, columns: [] }, { source: 'cur', rows: 0, columns: [] });
    assert.deepEqual([nothing.columns, nothing.drift, nothing.volume.change], [[], false, 0]);
  });
});
