// The bucketed path (no full sort) against the sorted path on awkward data: ties, constants, outliers that
// squeeze the buckets, a narrow range far from zero, ±0, infinities, mostly-missing columns, tiny samples.
// KS statistic, PSI/JS edges and shares must be identical; Wasserstein, PSI and JS values within 1e-12 relative.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketedPairStats } from '../../../../../src/engine/drift/stats/bucketPair';
import { sortedPairStats, type PairStats } from '../../../../../src/engine/drift/stats/pairStats';
import { relErr, uniforms } from '../../../../fixtures/drift/reference';

function same(label: string, a: PairStats, b: PairStats): void {
  assert.equal(a.ksStatistic, b.ksStatistic, `${label}: KS statistic`);
  assert.deepEqual([a.reference, a.current, a.outOfRangeShare], [b.reference, b.current, b.outOfRangeShare], `${label}: summaries`);
  assert.deepEqual([a.nRef, a.nCur], [b.nRef, b.nCur], `${label}: counts`);
  assert.ok(a.wasserstein === b.wasserstein || relErr(a.wasserstein, b.wasserstein) <= 1e-12, `${label}: Wasserstein ${a.wasserstein} vs ${b.wasserstein}`);
  for (const k of ['psi', 'jensenShannon'] as const) {
    const x = a[k];
    const y = b[k];
    if (!x || !y) {
      assert.equal(x, y, `${label}: ${k} presence`);
      continue;
    }
    assert.deepEqual([x.edges, x.reference, x.current], [y.edges, y.reference, y.current], `${label}: ${k} bins`);
    assert.ok(relErr(x.value, y.value) <= 1e-12, `${label}: ${k} ${x.value} vs ${y.value}`);
  }
}

function compare(label: string, ref: Float64Array, cur: Float64Array): void {
  same(label, bucketedPairStats(ref, cur), sortedPairStats(ref, cur));
}

let seed = 1000;
const u = (n: number) => uniforms(++seed, n);
const map = (n: number, f: (x: number, i: number) => number) => Float64Array.from(u(n), f);

test('continuous data, shifted and scaled, several sizes', () => {
  for (const n of [3, 40, 5000, 60000]) {
    compare(`normal-ish n=${n}`, map(n, x => x * 2 - 1), map(n + 7, x => x * 2.2 - 0.9));
    compare(`identical samples n=${n}`, map(n, x => x), map(n, x => x).map((_, i, a) => a[i]!));
  }
  const same = map(50000, x => Math.log(x));
  compare('the same column twice', same, same);
});

test('ties: few distinct values, constants, two constants', () => {
  compare('integers 0..3', map(80000, x => Math.floor(x * 4)), map(70000, x => Math.floor(x * x * 4)));
  compare('constant equal', new Float64Array(30000).fill(2.5), new Float64Array(20000).fill(2.5));
  compare('constant different', new Float64Array(30000).fill(2.5), new Float64Array(20000).fill(-1));
  compare('binary', map(40000, x => (x < 0.3 ? 0 : 1)), map(40000, x => (x < 0.35 ? 0 : 1)));
  compare('±0', map(40000, x => (x < 0.5 ? -0 : 0)), map(30000, x => (x < 0.2 ? 0 : 1e-300)));
});

test('outliers, far-from-zero narrow ranges, heavy tails', () => {
  compare('outliers', map(50000, (x, i) => (i % 997 === 0 ? 1e12 : x)), map(50000, (x, i) => (i % 1999 === 0 ? -1e15 : x + 0.01)));
  compare('1e9 + small', map(50000, x => 1e9 + x * 1e-3), map(50000, x => 1e9 + x * 1.1e-3));
  compare('heavy tail', map(50000, x => 1 / x), map(50000, x => 1 / (x * 0.9)));
  compare('all negative', map(50000, x => -1 - x), map(50000, x => -1.05 - x));
});

test('missing values and infinities', () => {
  compare('mostly NaN', map(50000, (x, i) => (i % 1000 === 3 ? x : NaN)), map(50000, x => x));
  compare('infinities, different shares', map(50000, (x, i) => (i % 100 === 0 ? Infinity : i % 150 === 0 ? -Infinity : x)), map(40000, (x, i) => (i % 70 === 0 ? Infinity : x)));
  compare('infinities, same shares', map(50000, (x, i) => (i % 100 === 0 ? Infinity : x)), map(50000, (x, i) => (i % 100 === 0 ? Infinity : x * 1.1)));
  compare('only infinities and NaN', map(30000, x => (x < 0.5 ? Infinity : NaN)), map(30000, x => (x < 0.5 ? -Infinity : 1)));
});
