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

  test('automaticTest: at most two values over both sides take the Z-test on ≤ 1000 reference rows, 3–5 chi-squared', () => {
    assert.equal(automaticTest('categorical', 1000, 2), 'z');
    assert.equal(automaticTest('categorical', 1000, 1), 'z');
    assert.equal(automaticTest('categorical', 1000, 3), 'chisquare');
    assert.equal(automaticTest('categorical', 1000, 5), 'chisquare');
    assert.equal(automaticTest('categorical', 1001, 2), 'jensenshannon');
    assert.equal(automaticTest('numeric', 1000, 2), 'ks');
  });

  test('the automatic choice on data: binary columns (numbers, text, booleans) → z, 3–5 values → chi-squared, large → Jensen-Shannon', () => {
    const columns = (n: number, seed: number, shift: number) => {
      const r = rng(seed);
      const pick = (k: number, w: number) => Array.from({ length: n }, () => Math.min(k - 1, Math.floor(r.u() * k * w)));
      return [
        num('flag', pick(2, 1 + shift)),
        cat('yesno', pick(2, 1).map(v => (v ? 'yes' : 'no'))),
        cat('bool', pick(2, 1).map(v => (v ? 'true' : 'false'))),
        num('three', pick(3, 1)),
        cat('five', pick(5, 1).map(v => `c${v}`)),
        num('x', normals(n, seed + 1)),
      ];
    };
    const small = compareDatasets(ds('ref', ...columns(800, 1, 0)), ds('cur', ...columns(600, 2, 0.5)));
    const tests = (r: DriftReport) => Object.fromEntries(r.columns.map(c => [c.column, c.verdict.test]));
    assert.deepEqual(tests(small), { flag: 'z', yesno: 'z', bool: 'z', three: 'chisquare', five: 'chisquare', x: 'ks' });
    const flag = col(small, 'flag');
    assert.deepEqual([flag.kind, flag.verdict.statistic, flag.verdict.pValue, flag.verdict.threshold], ['categorical', flag.stats.z, flag.stats.z_pvalue, 0.05]);
    assert.ok(flag.verdict.drift && flag.verdict.pValue! < 1e-6 && flag.severity === 100, 'the share of 1s up from 1/2 to 2/3');
    assert.ok(!col(small, 'yesno').verdict.drift && col(small, 'yesno').verdict.pValue! > 0.05);
    assert.deepEqual(Object.keys(flag.stats).sort(), ['chisquare', 'chisquare_pvalue', 'jensenshannon', 'psi', 'z', 'z_pvalue']);
    assert.ok(!('z' in col(small, 'three').stats), 'no z statistic for three values');
    assert.deepEqual(small.driftedColumns, ['flag']);
    assertFinite(small);
    const large = compareDatasets(ds('ref', ...columns(1001, 1, 0)), ds('cur', ...columns(600, 2, 0.5)));
    assert.deepEqual(tests(large), { flag: 'jensenshannon', yesno: 'jensenshannon', bool: 'jensenshannon', three: 'jensenshannon', five: 'jensenshannon', x: 'wasserstein' });
    assertFinite(large);
  });

  test('test: z when configured — a 0/1 number column on a large reference, a default; misfits fall back with a warning', () => {
    const bits = (n: number, seed: number, p: number) => { const r = rng(seed); return Array.from({ length: n }, () => (r.u() < p ? 1 : 0)); };
    const ref = ds('ref', num('flag', bits(3000, 1, 0.3)), cat('c', picks(3000, 2, ['a', 'b', 'c'], [0.4, 0.3, 0.3])), num('x', normals(3000, 3)));
    const cur = ds('cur', num('flag', bits(2000, 4, 0.34)), cat('c', picks(2000, 5, ['a', 'b', 'c'], [0.4, 0.3, 0.3])), num('x', normals(2000, 6)));
    const r = compareDatasets(ref, cur, { settings: { flag: { test: 'z', threshold: 0.01 }, c: { test: 'z' }, x: { test: 'z' } } });
    const flag = col(r, 'flag');
    assert.deepEqual([flag.kind, flag.verdict.test, flag.verdict.threshold, flag.warnings], ['categorical', 'z', 0.01, undefined]);
    assert.equal(flag.verdict.drift, flag.verdict.pValue! < 0.01);
    assert.deepEqual(col(r, 'c').warnings, ["test 'z' applies to columns with at most 2 values (this one has 3); used jensenshannon"]);
    assert.deepEqual(col(r, 'x').warnings, ["test 'z' does not apply to a numeric column; used wasserstein"]);
    const dflt = compareDatasets(ref, cur, { defaults: { test: 'z' } });
    assert.deepEqual([col(dflt, 'flag').verdict.test, col(dflt, 'c').verdict.test, col(dflt, 'x').verdict.test], ['z', 'jensenshannon', 'wasserstein']);
    assert.deepEqual(dflt.warnings, [], 'a default that does not fit a column is no warning');
    assertFinite(r);
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
    assert.match(col(r, 'c').warnings![0], /test 'ks' does not apply to a categorical column; used jensenshannon/);
    assert.ok(r.warnings!.some(a => a.startsWith('c: test ')));
    assert.ok(!r.qualityAlerts.some(a => a.startsWith('c: test ')), 'a settings warning is not a data-quality alert');
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

  test('all missing, single-row and empty columns: a note, no drift, no NaN; a constant reference is tested with KS', () => {
    const n = 200;
    const ref = ds('ref', num('allgone', normals(n, 1)), num('const', Array(n).fill(3)), num('same', Array(n).fill(7)), cat('c', picks(n, 2, ['a', 'b'], [0.5, 0.5])), num('ok', normals(n, 3)));
    const cur = ds('cur', num('allgone', Array(n).fill(NaN)), num('const', normals(n, 4, 3)), num('same', Array(n).fill(7)), cat('c', Array(n).fill(null)), num('ok', normals(n, 5)));
    const r = compareDatasets(ref, cur);
    assert.match(col(r, 'allgone').note!, /missing/);
    assert.match(col(r, 'c').note!, /missing/);
    assert.match(col(r, 'allgone').quality.alerts.join(), /missing 100 %/);
    assert.equal(col(r, 'const').note, undefined);
    assert.deepEqual([col(r, 'const').verdict.test, col(r, 'const').verdict.drift], ['ks', true]);
    assert.ok(r.qualityAlerts.includes('const: the reference is constant (3) but 100 % of current values differ'), r.qualityAlerts.join('\n'));
    for (const c of ['allgone', 'c']) assert.equal(col(r, c).verdict.drift, false, c);
    assert.equal(col(r, 'same').verdict.drift, false);
    assert.deepEqual(r.driftedColumns, ['const']);
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

describe('a constant reference and data-quality alerts (real CSV files)', () => {
  const write = (name: string, header: string, rows: string[]) => {
    const f = path.join(ws, name);
    fs.writeFileSync(f, `${header}\n${rows.join('\n')}\n`);
    return f;
  };
  /** x: 1.5 in the reference; in current 5 % 2.5 and 5 % Infinity. y: an unchanged column. */
  async function constantPair(n: number) {
    const ref = write(`const-ref-${n}.csv`, 'x,y', Array.from({ length: n }, (_, i) => `1.5,${i % 50}`));
    const cur = write(`const-cur-${n}.csv`, 'x,y', Array.from({ length: n }, (_, i) => `${i % 20 === 0 ? 'inf' : i % 20 === 10 ? '2.5' : '1.5'},${i % 50}`));
    return [await readDataset(ref), await readDataset(cur)] as const;
  }

  test('a configured distance test on a constant reference: KS decides, only the normalised Wasserstein is dropped', async () => {
    const [ref, cur] = await constantPair(1000);
    const r = compareDatasets(ref, cur, { defaults: { test: 'psi' } });
    const x = col(r, 'x');
    assert.equal(x.note, undefined, 'a verdict, not "no test: constant in the reference"');
    assert.equal(x.verdict.test, 'ks');
    assert.equal(x.verdict.threshold, 0.05, "psi's threshold does not carry over to ks");
    assert.ok(x.verdict.drift && x.verdict.pValue! < 1e-3, String(x.verdict.pValue));
    assert.equal(x.verdict.statistic, x.stats.ks);
    assert.ok(Math.abs(x.stats.ks - 0.1) < 1e-12, String(x.stats.ks));
    assert.ok(!('wasserstein_norm' in x.stats));
    assert.ok('psi' in x.stats && 'ks_pvalue' in x.stats && 'jensenshannon' in x.stats, Object.keys(x.stats).join());
    assert.deepEqual(x.warnings, ['the reference is constant (1.5): psi does not apply; used ks']);
    assert.ok(r.warnings!.includes('x: the reference is constant (1.5): psi does not apply; used ks'));
    assert.deepEqual([col(r, 'y').verdict.test, col(r, 'y').verdict.drift], ['psi', false], 'other columns keep the configured test');
    assert.deepEqual(r.driftedColumns, ['x']);
    assert.equal(r.drift, true);
    assert.ok(r.qualityAlerts.includes('x: the reference is constant (1.5) but 10 % of current values differ'), r.qualityAlerts.join('\n'));
    assertFinite(r);
    // Unconfigured, the few values go to the chi-squared fallback, as before.
    const auto = compareDatasets(ref, cur);
    assert.deepEqual([col(auto, 'x').kind, col(auto, 'x').verdict.test, col(auto, 'x').verdict.drift], ['categorical', 'chisquare', true]);
    assertFinite(auto);
  });

  test("the issue's case (200 rows): a verdict either way, and the quality alerts flag the data set", async () => {
    const [ref, cur] = await constantPair(200);
    const r = compareDatasets(ref, cur, { defaults: { test: 'psi' } });
    const x = col(r, 'x');
    assert.equal(x.verdict.test, 'ks');
    assert.ok(x.verdict.pValue! > 0 && x.verdict.pValue! < 1);
    assert.equal(r.alert, true, 'the constant reference and out-of-range alerts count');
    assertFinite(r);
  });

  test('a constant reference against a spread current, unconfigured and large: KS, not the undefined Wasserstein', () => {
    const ref = ds('ref', num('c', Array(3000).fill(2)));
    const cur = ds('cur', num('c', normals(3000, 9, 2, 0.01)));
    const c = col(compareDatasets(ref, cur), 'c');
    assert.deepEqual([c.verdict.test, c.verdict.drift, c.warnings], ['ks', true, undefined]);
  });

  test('volume: a one-row or empty current alerts; the threshold is configurable or off', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => `${i % 17},${['a', 'b'][i % 2]}`);
    const ref = await readDataset(write('vol-ref.csv', 'x,k', rows));
    const one = await readDataset(write('vol-one.csv', 'x,k', rows.slice(0, 1)));
    const empty = await readDataset(write('vol-empty.csv', 'x,k', []));
    const more = await readDataset(write('vol-more.csv', 'x,k', [...rows, ...rows.slice(0, 350)]));
    const r1 = compareDatasets(ref, one);
    assert.equal(r1.volume.change, -0.998);
    assert.equal(r1.drift, false);
    assert.equal(r1.alert, true);
    assert.equal(r1.qualityAlerts[0], 'volume -99.8 %: 1 row against 500 in the reference (alert beyond ±50 %)');
    const r0 = compareDatasets(ref, empty);
    assert.deepEqual([r0.volume.change, r0.drift, r0.alert], [-1, false, true]);
    assert.ok(r0.qualityAlerts.includes(`the current data (${empty.source}) has no rows`), r0.qualityAlerts.join('\n'));
    assert.deepEqual(r0.schema.retyped, [], 'an empty CSV column has no type to change');
    assert.ok(compareDatasets(ref, more).qualityAlerts[0].startsWith('volume +70 %: 850 rows'));
    assert.equal(compareDatasets(ref, more, { maxVolumeChange: 0.8 }).alert, false);
    assert.equal(compareDatasets(ref, one, { maxVolumeChange: false }).qualityAlerts.some(a => a.startsWith('volume')), false);
    const same = compareDatasets(ref, ref);
    assert.deepEqual([same.alert, same.qualityAlerts, same.warnings], [false, [], []]);
  });

  test("the seed's alert > 5 % missing: an alert without drift", async () => {
    const rows = Array.from({ length: 400 }, (_, i) => `${(i * 37) % 101},${i % 3}`);
    const ref = await readDataset(write('miss-ref.csv', 'x,k', rows));
    const cur = await readDataset(write('miss-cur.csv', 'x,k', rows.map((r, i) => (i % 10 === 0 ? `,${i % 3}` : r))));
    const r = compareDatasets(ref, cur);
    assert.equal(r.drift, false);
    assert.deepEqual(r.qualityAlerts, ['x: missing 10 % > 5 % (reference 0 %)']);
    assert.equal(r.alert, true);
    assert.equal(compareDatasets(ref, cur, { defaults: { maxMissingShare: 0.2 } }).alert, false);
  });
});
