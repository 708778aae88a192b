// The two-proportion Z-test against SciPy (test/fixtures/drift/ztest.json): Evidently's z statistic and
// 2·norm.sf(|z|) to 1e-9 relative on stored columns (numbers, text, booleans, missing values), through the column
// statistics and the check's verdict; erfc against scipy.special.erfc; the degenerate counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareDatasets } from '../../../../../src/engine/drift/check';
import { columnStats } from '../../../../../src/engine/drift/columnStats';
import { compareCodePoints } from '../../../../../src/engine/drift/stats/categorical';
import { erfc, normalTwoSidedP, twoProportionZ } from '../../../../../src/engine/drift/stats/zTest';
import type { ColumnData, Dataset } from '../../../../../src/engine/drift/types';
import { loadFixture, relErr } from '../../../../fixtures/drift/reference';

type Value = number | string | boolean | null;
interface Case { name: string; reference: Value[]; current: Value[]; expected: { keys: Value[]; z: number; pValue: number } }
const Z = loadFixture<{ cases: Case[]; erfc: [number, number][] }>('ztest.json');

/** A stored column as the readers build it: numbers (null = NaN), else text and booleans as categories. */
function column(values: Value[]): ColumnData {
  if (values.every(v => v === null || typeof v === 'number')) {
    return { kind: 'numeric', name: 'x', values: Float64Array.from(values, v => (v === null ? NaN : (v as number))), sourceType: 'double' };
  }
  const text = values.map(v => (v === null ? null : String(v)));
  const categories = [...new Set(text.filter((v): v is string => v !== null))];
  return { kind: 'categorical', name: 'x', categories, codes: Int32Array.from(text, v => (v === null ? -1 : categories.indexOf(v))), sourceType: 'string' };
}
const dataset = (source: string, values: Value[]): Dataset => ({ source, rows: values.length, columns: [column(values)] });

const close = (label: string, got: number | undefined, want: number, tol = 1e-9) =>
  assert.ok(got !== undefined && (got === want || relErr(got, want) <= tol), `${label}: ${got} vs SciPy ${want}`);

for (const c of Z.cases) {
  test(`z-test: ${c.name}`, () => {
    const e = c.expected;
    const { stats, distinct } = columnStats(column(c.reference), column(c.current), 'categorical');
    assert.equal(distinct, e.keys.length);
    close('z', stats.z, e.z);
    close('p-value', stats.z_pvalue, e.pValue);
    // The check picks it for a small reference and decides by its p-value.
    const r = compareDatasets(dataset('ref', c.reference), dataset('cur', c.current));
    const v = r.columns[0]!.verdict;
    assert.deepEqual([r.columns[0]!.kind, v.test, v.threshold, r.columns[0]!.note], ['categorical', 'z', 0.05, undefined]);
    assert.deepEqual([v.statistic, v.pValue, v.drift], [stats.z, stats.z_pvalue, e.pValue < 0.05]);
  });
}

test('erfc against scipy.special.erfc (relative 1e-14), and its limits', () => {
  const bad = Z.erfc.filter(([x, want]) => !(relErr(erfc(x), want) <= 1e-14)).map(([x, want]) => ({ x, want, got: erfc(x) }));
  assert.deepEqual(bad, []);
  assert.equal(erfc(0), 1);
  assert.equal(erfc(Infinity), 0);
  assert.equal(erfc(-Infinity), 2);
  assert.equal(erfc(30), 0);
  assert.ok(Number.isNaN(erfc(NaN)));
  assert.equal(normalTwoSidedP(0), 1);
  assert.equal(normalTwoSidedP(-1.959963984540054), normalTwoSidedP(1.959963984540054));
  assert.ok(Math.abs(normalTwoSidedP(1.959963984540054) - 0.05) < 1e-15);
});

test('twoProportionZ: one value is p = 1, an empty side or a third value is no test, never NaN', () => {
  assert.deepEqual(twoProportionZ([4], [9]), { statistic: 0, pValue: 1 });
  assert.deepEqual(twoProportionZ([5, 0], [7, 0]), { statistic: 0, pValue: 1 }, 'pooled share 0');
  assert.deepEqual(twoProportionZ([0, 5], [0, 7]), { statistic: 0, pValue: 1 }, 'pooled share 1');
  assert.equal(twoProportionZ([0, 0], [3, 4]), undefined);
  assert.equal(twoProportionZ([1, 2, 3], [3, 2, 1]), undefined);
  assert.equal(twoProportionZ([], []), undefined);
  assert.throws(() => twoProportionZ([1, 2], [3]), /2 reference counts but 1 current/);
  const far = twoProportionZ([100000, 0], [0, 100000])!;
  assert.ok(far.statistic < -400 && far.pValue === 0, 'underflows to 0, not NaN');
});

test('more than two values: no z statistic (chi-squared decides)', () => {
  const { stats, distinct } = columnStats(column(['a', 'b', 'c', 'a']), column(['a', 'b', 'b']), 'categorical');
  assert.equal(distinct, 3);
  assert.ok(!('z' in stats) && !('z_pvalue' in stats) && 'chisquare_pvalue' in stats, Object.keys(stats).join());
});

test("compareCodePoints orders text as Python does (by code point, also beyond U+FFFF)", () => {
  assert.ok(compareCodePoints('\uFF5E', '\u{1F600}') < 0 && '\u{1F600}' < '\uFF5E', 'UTF-16 order differs there');
  assert.ok(compareCodePoints('no', 'yes') < 0 && compareCodePoints('ab', 'a') > 0 && compareCodePoints('x', 'x') === 0);
});
