// Data-quality figures: missing shares, summaries over finite values, out-of-range shares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missingShare, numericSummary, outOfRangeShare } from '../../../../../src/engine/drift/stats/quality';

const col = (...xs: number[]) => Float64Array.from(xs);

test('missing share: NaN in numeric columns, code −1 in categorical ones, 0 when empty', () => {
  assert.equal(missingShare({ kind: 'numeric', name: 'x', values: col(1, NaN, 3, NaN), sourceType: 'double' }), 0.5);
  assert.equal(missingShare({ kind: 'numeric', name: 'x', values: col(), sourceType: 'double' }), 0);
  assert.equal(missingShare({ kind: 'categorical', name: 'c', codes: Int32Array.from([0, -1, -1, 2]), categories: ['a', 'b', 'c'], sourceType: 'string' }), 0.5);
});

test('summary: finite values only, infinities and NaN counted apart; population std', () => {
  assert.deepEqual(numericSummary(col(1, 2, 3, 4, NaN, Infinity, -Infinity)), { rows: 7, missing: 1, infinite: 2, min: 1, max: 4, mean: 2.5, std: Math.sqrt(1.25) });
  assert.deepEqual(numericSummary(col(NaN, Infinity)), { rows: 2, missing: 1, infinite: 1 });
  assert.deepEqual(numericSummary(col()), { rows: 0, missing: 0, infinite: 0 });
  assert.equal(numericSummary(col(7, 7, 7)).std, 0);
});

test('out-of-range share: current non-missing values outside the reference [min, max]', () => {
  const ref = numericSummary(col(0, 10, NaN));
  assert.equal(outOfRangeShare(ref, col(-1, 0, 5, 10, 11, Infinity, NaN)), 0.5);
  assert.equal(outOfRangeShare(ref, col(NaN)), undefined);
  assert.equal(outOfRangeShare(numericSummary(col(NaN)), col(1)), undefined);
});
