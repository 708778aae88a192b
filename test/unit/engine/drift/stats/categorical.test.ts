// Categorical drift against SciPy (test/fixtures/drift/categorical.json): chi2_contingency statistic and p-value
// (relative 1e-9), dof exact; PSI over category shares and Jensen–Shannon over counts relative 1e-9; category
// alignment (common index, unused categories dropped, new / missing categories) exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignCategories, categoricalDrift } from '../../../../../src/engine/drift/stats/categorical';
import { chi2Contingency } from '../../../../../src/engine/drift/stats/chi2';
import { codes, loadFixture, relErr, type GenSpec } from '../../../../fixtures/drift/reference';

interface Side { codes: number[] | GenSpec; categories: string[] }
interface Case {
  name: string;
  reference: Side;
  current: Side;
  expected: {
    categories: string[];
    referenceCounts: number[];
    currentCounts: number[];
    newCategories: string[];
    missingCategories: string[];
    chi2?: { statistic: number; pValue: number; dof: number };
    psi?: number;
    jensenShannon?: number;
  };
}
const CASES = loadFixture<{ cases: Case[] }>('categorical.json').cases;

const close = (label: string, got: number | undefined, want: number) =>
  assert.ok(got !== undefined && (got === want || relErr(got, want) <= 1e-9), `${label}: ${got} vs SciPy ${want}`);

for (const c of CASES) {
  test(`categoricalDrift: ${c.name}`, () => {
    const ref = { codes: codes(c.reference.codes), categories: c.reference.categories };
    const cur = { codes: codes(c.current.codes), categories: c.current.categories };
    const e = c.expected;
    const a = alignCategories(ref.codes, ref.categories, cur.codes, cur.categories);
    assert.deepEqual([a.categories, Array.from(a.reference), Array.from(a.current)], [e.categories, e.referenceCounts, e.currentCounts]);
    const r = categoricalDrift(ref, cur);
    assert.deepEqual([r.categories, r.newCategories, r.missingCategories], [e.categories, e.newCategories, e.missingCategories]);
    if (!e.chi2) {
      assert.deepEqual([r.chi2, r.psi, r.jensenShannon], [undefined, undefined, undefined]);
      assert.ok(r.notes.some(n => /missing/.test(n)), r.notes.join('; '));
      return;
    }
    assert.equal(r.chi2!.dof, e.chi2.dof, 'dof');
    close('chi-square statistic', r.chi2!.statistic, e.chi2.statistic);
    close('chi-square p-value', r.chi2!.pValue, e.chi2.pValue);
    close('PSI', r.psi, e.psi!);
    close('Jensen–Shannon', r.jensenShannon, e.jensenShannon!);
    const nRef = e.referenceCounts.reduce((s, x) => s + x, 0);
    assert.deepEqual(r.referenceShares, e.referenceCounts.map(x => x / nRef));
  });
}

test('missing shares count code −1 over all rows', () => {
  const r = categoricalDrift({ codes: Int32Array.from([0, -1, 1, -1]), categories: ['a', 'b'] }, { codes: Int32Array.from([0, 0, 0]), categories: ['b'] });
  assert.deepEqual([r.referenceMissingShare, r.currentMissingShare], [0.5, 0]);
  assert.deepEqual([r.newCategories, r.missingCategories], [[], ['a']]);
});

test('a code outside the category list is an error naming the side and row', () => {
  assert.throws(() => alignCategories(Int32Array.from([0, 2]), ['a', 'b'], Int32Array.from([0]), ['a']), /reference row 1: category code 2 outside \[-1, 1\]/);
  assert.throws(() => alignCategories(Int32Array.from([0]), ['a'], Int32Array.from([-2]), ['a']), /current row 0/);
});

test('empty columns give notes, not NaN', () => {
  const r = categoricalDrift({ codes: new Int32Array(0), categories: [] }, { codes: Int32Array.from([0]), categories: ['a'] });
  assert.deepEqual(r.notes, ['reference has no rows']);
  assert.deepEqual([r.referenceMissingShare, r.chi2], [0, undefined]);
});

test('chi2Contingency: degenerate tables', () => {
  assert.deepEqual(chi2Contingency([5], [7]), { statistic: 0, pValue: 1, dof: 0 });
  assert.equal(chi2Contingency([0, 0], [1, 2]), undefined);
  assert.throws(() => chi2Contingency([1, 0], [2, 0]), /column 1 is empty on both sides/);
  assert.throws(() => chi2Contingency([1, 2], [2]), /2 reference counts but 1 current/);
});
