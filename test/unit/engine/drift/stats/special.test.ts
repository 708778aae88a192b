// Special functions against SciPy 1.17 (test/fixtures/drift/special.json): relative error ≤ 1e-9, and exactly 0
// where SciPy answers 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chi2Sf, gammaincc, lgamma } from '../../../../../src/engine/drift/stats/gamma';
import { kstwoSf } from '../../../../../src/engine/drift/stats/kolmogorov';
import { smirnovSf } from '../../../../../src/engine/drift/stats/smirnov';
import { loadFixture, relErr } from '../../../../fixtures/drift/reference';

interface Special {
  kstwo: [number, number, number][];
  smirnov: [number, number, number][];
  gammaincc: [number, number, number][];
  chi2sf: [number, number, number][];
  lgamma: [number, number][];
}
const S = loadFixture<Special>('special.json');

function check(label: string, rows: [number, number, number][], f: (a: number, b: number) => number, tol = 1e-9): void {
  const bad = rows
    .map(([a, b, want]) => ({ a, b, want, got: f(a, b) }))
    .filter(r => !(relErr(r.got, r.want) <= tol));
  assert.deepEqual(bad, [], `${label}: ${bad.length} of ${rows.length} off by more than ${tol} relative`);
}

test('kstwo.sf over every branch of SciPy _kolmogn (Ruben–Gambino, Durbin, Pomeranz, Pelz–Good, 2·Smirnov)', () => {
  assert.ok(S.kstwo.length > 300);
  check('kstwo.sf', S.kstwo, (n, x) => kstwoSf(n, x));
});

test('smirnov: closed forms, lower and upper Birnbaum–Tingey sums, Miller approximation above n = 1e6', () => {
  check('smirnov', S.smirnov, (n, x) => smirnovSf(n, x));
});

test('gammaincc over a = 0.5 … 50,000 around x ≈ a (the hard region) and far from it', () => {
  check('gammaincc', S.gammaincc, (a, x) => gammaincc(a, x), 1e-12);
});

test('chi2.sf for dof 1 … 1000, statistics from 0 to deep in the tail', () => {
  check('chi2.sf', S.chi2sf, (x, k) => chi2Sf(x, k), 1e-12);
});

test('lgamma against math.lgamma', () => {
  for (const [x, want] of S.lgamma) assert.ok(Math.abs(lgamma(x) - want) <= 1e-13 * Math.max(1, Math.abs(want)), `lgamma(${x})`);
});

test('domain edges give defined numbers', () => {
  assert.equal(gammaincc(2, 0), 1);
  assert.equal(gammaincc(2, Infinity), 0);
  assert.equal(chi2Sf(-1, 3), 1);
  assert.equal(kstwoSf(10, 0), 1);
  assert.equal(kstwoSf(10, 1), 0);
  assert.equal(smirnovSf(1, 0.25), 0.75);
  assert.ok(Number.isNaN(smirnovSf(0, 0.5)));
});
