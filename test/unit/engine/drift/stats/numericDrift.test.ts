// Numeric drift statistics against SciPy/NumPy (test/fixtures/drift/numeric.json, see makeReference.py for the
// definitions). Tolerances: KS statistic, PSI/JS edges and shares exact (same doubles); p-values, Wasserstein,
// PSI, Jensen–Shannon relative 1e-9; mean/std relative 1e-12. Large cases are checked through both the sorted
// and the bucketed path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketedPairStats } from '../../../../../src/engine/drift/stats/bucketPair';
import { jensenShannon } from '../../../../../src/engine/drift/stats/jensenShannon';
import { ks2samp, ksPValue } from '../../../../../src/engine/drift/stats/ks';
import { numericDrift } from '../../../../../src/engine/drift/stats/numericDrift';
import { sortedPairStats, type PairStats } from '../../../../../src/engine/drift/stats/pairStats';
import { psi } from '../../../../../src/engine/drift/stats/psi';
import { sortValues } from '../../../../../src/engine/drift/stats/sort';
import { wasserstein } from '../../../../../src/engine/drift/stats/wasserstein';
import { decode, loadFixture, relErr, sample, type Encoded, type GenSpec } from '../../../../fixtures/drift/reference';

interface Binned { value: number; edges: Encoded[]; reference: number[]; current: number[] }
interface Case {
  name: string;
  reference: Encoded[] | GenSpec;
  current: Encoded[] | GenSpec;
  expected: {
    reference: Record<string, number>;
    current: Record<string, number>;
    ks?: { statistic: number; pValue: number; method: 'exact' | 'asymp' };
    wasserstein?: Encoded;
    wassersteinNorm?: number;
    outOfRangeShare?: number;
    psi?: Binned | null;
    jensenShannon?: Binned | null;
  };
}
const CASES = loadFixture<{ cases: Case[] }>('numeric.json').cases;

const close = (label: string, got: number | undefined, want: number, tol: number) =>
  assert.ok(got !== undefined && (got === want || relErr(got, want) <= tol), `${label}: ${got} vs SciPy ${want} (relative ${got === undefined ? '-' : relErr(got, want).toExponential(2)})`);

function binned(label: string, got: { value: number; edges: number[]; reference: number[]; current: number[] } | undefined, want: Binned | null | undefined): void {
  if (!want) return assert.equal(got, undefined, `${label}: expected no value`);
  assert.ok(got, `${label}: missing`);
  assert.deepEqual(got.edges, want.edges.map(decode), `${label} edges`);
  assert.deepEqual(got.reference, want.reference, `${label} reference shares`);
  assert.deepEqual(got.current, want.current, `${label} current shares`);
  close(`${label} value`, got.value, want.value, 1e-9);
}

function pair(label: string, s: PairStats, e: Case['expected']): void {
  const p = ksPValue(s.ksStatistic, s.nRef, s.nCur);
  assert.equal(p.statistic, e.ks!.statistic, `${label}: KS statistic`);
  close(`${label}: KS p-value`, p.pValue, e.ks!.pValue, 1e-9);
  assert.equal(p.method, e.ks!.method);
  close(`${label}: Wasserstein`, s.wasserstein, decode(e.wasserstein!), 1e-9);
  binned(`${label}: PSI`, s.psi, e.psi);
  binned(`${label}: Jensen–Shannon`, s.jensenShannon, e.jensenShannon);
}

for (const c of CASES) {
  test(`numericDrift: ${c.name}`, () => {
    const ref = sample(c.reference);
    const cur = sample(c.current);
    const e = c.expected;
    const r = numericDrift(ref, cur);
    for (const [side, got] of [['reference', r.reference], ['current', r.current]] as const) {
      const want = e[side];
      assert.deepEqual([got.rows, got.missing, got.infinite, got.min, got.max], [want.rows, want.missing, want.infinite, want.min, want.max], `${side} summary`);
      if (want.mean === undefined) assert.equal(got.mean, undefined);
      else {
        close(`${side} mean`, got.mean, want.mean, 1e-12);
        close(`${side} std`, got.std, want.std!, 1e-12);
      }
    }
    if (!e.ks) {
      assert.deepEqual([r.ks, r.wasserstein, r.psi, r.jensenShannon], [undefined, undefined, undefined, undefined]);
      assert.ok(r.notes.some(n => /missing/.test(n)), r.notes.join('; '));
      return;
    }
    assert.equal(r.ks!.statistic, e.ks.statistic, 'KS statistic');
    close('KS p-value', r.ks!.pValue, e.ks.pValue, 1e-9);
    assert.equal(r.ks!.method, e.ks.method);
    const w = decode(e.wasserstein!);
    if (w === Infinity) {
      assert.equal(r.wasserstein, undefined);
      assert.ok(r.notes.some(n => /infinite/.test(n)));
    } else close('Wasserstein', r.wasserstein, w, 1e-9);
    if (e.wassersteinNorm === undefined) assert.equal(r.wassersteinNorm, undefined);
    else close('normed Wasserstein', r.wassersteinNorm, e.wassersteinNorm, 1e-9);
    binned('PSI', r.psi, e.psi);
    binned('Jensen–Shannon', r.jensenShannon, e.jensenShannon);
    assert.equal(r.outOfRangeShare, e.outOfRangeShare, 'out-of-range share');
    for (const v of [r.ks!.statistic, r.ks!.pValue, r.wasserstein, r.wassersteinNorm, r.psi?.value, r.jensenShannon?.value]) assert.ok(!Number.isNaN(v));

    // the standalone functions agree
    assert.deepEqual(ks2samp(ref, cur), r.ks);
    close('wasserstein()', wasserstein(ref, cur), w, 1e-9);
    binned('psi()', psi(ref, cur), e.psi);
    binned('jensenShannon()', jensenShannon(ref, cur), e.jensenShannon);

    // both paths, whatever numericDrift chose for this size
    const a = sortValues(ref).sorted;
    const b = sortValues(cur).sorted;
    if (a.length && b.length && ref.length + cur.length > 50) {
      pair('sorted', sortedPairStats(ref, cur), e);
      pair('bucketed', bucketedPairStats(ref, cur), e);
    }
  });
}

test('edge cases give defined numbers or an explicit absence with a note — never NaN', () => {
  const col = (...xs: number[]) => Float64Array.from(xs);
  const cases: [string, Float64Array, Float64Array][] = [
    ['empty reference', col(), col(1, 2)],
    ['all missing both', col(NaN, NaN), col(NaN)],
    ['single rows', col(1), col(1)],
    ['constant equal', col(2, 2, 2), col(2, 2)],
    ['constant different', col(2, 2, 2), col(5)],
    ['only +Infinity', col(Infinity, Infinity), col(Infinity)],
    ['infinite vs finite', col(-Infinity, 1), col(1, 2)],
    ['−0 and +0', col(-0, 0, -0), col(0, 0)],
  ];
  const numbers = (x: unknown): number[] =>
    typeof x === 'number' ? [x] : Array.isArray(x) ? x.flatMap(numbers) : x && typeof x === 'object' ? Object.values(x).flatMap(numbers) : [];
  for (const [name, ref, cur] of cases) {
    const r = numericDrift(ref, cur);
    assert.ok(!numbers(r).some(Number.isNaN), `${name}: NaN in ${JSON.stringify(r)}`);
    for (const k of ['ks', 'wasserstein', 'psi', 'jensenShannon'] as const) {
      if (r[k] === undefined) assert.ok(r.notes.length, `${name}: ${k} absent without a note`);
    }
  }
  const constant = numericDrift(col(2, 2, 2), col(5));
  assert.deepEqual([constant.ks!.statistic, constant.wasserstein, constant.wassersteinNorm, constant.outOfRangeShare], [1, 3, undefined, 1]);
  assert.ok(constant.notes.includes('reference is constant: no normalised Wasserstein distance'));
  const same = numericDrift(col(2, 2, 2), col(2, 2));
  assert.deepEqual([same.ks, same.wasserstein, same.psi!.value, same.jensenShannon!.value], [{ statistic: 0, pValue: 1, method: 'exact' }, 0, 0, 0]);
  assert.deepEqual(numericDrift(col(NaN), col(1)).notes, ['all values missing in reference']);
  assert.deepEqual(numericDrift(col(1), col()).notes, ['current has no rows']);
});
