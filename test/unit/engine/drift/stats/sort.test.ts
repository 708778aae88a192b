// The radix sort against Float64Array.prototype.sort on inputs that stress its shortcuts: skipped passes,
// all-negative input, signed zeros, infinities, NaN removal, subarrays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lowerBound, sortInPlace, sortValues, upperBound } from '../../../../../src/engine/drift/stats/sort';
import { uniforms } from '../../../../fixtures/drift/reference';

function check(label: string, values: Float64Array): void {
  const { sorted, missing } = sortValues(values);
  const want = values.filter(v => v === v).sort();
  assert.equal(missing, values.length - want.length, `${label}: missing`);
  assert.equal(sorted.length, want.length);
  for (let i = 0; i < want.length; i++) if (!Object.is(sorted[i], want[i]) && sorted[i] !== want[i]) assert.fail(`${label}: index ${i}: ${sorted[i]} vs ${want[i]}`);
}

const u = uniforms(77, 200_000);
const map = (f: (x: number, i: number) => number) => u.map(f);

test('continuous, negative, mixed-sign and wide-range values', () => {
  check('uniform ±', map(x => x * 2 - 1));
  check('all negative, same exponent', map(x => -1 - x));
  check('all negative, wide', map(x => -1 / x));
  check('wide range', map((x, i) => (i % 2 ? 1 : -1) * Math.exp(x * 1400 - 700)));
});

test('skipped passes: integers, a constant, float32 values, ±0', () => {
  check('integers', map(x => Math.floor(x * 100) - 50));
  check('constant', new Float64Array(5000).fill(-3.5));
  check('float32', map(x => Math.fround(x - 0.5)));
  const z = sortValues(map((_, i) => (i % 3 ? 0 : -0))).sorted;
  assert.ok(Object.is(z[0], -0) && Object.is(z[z.length - 1], 0), '−0 sorts before +0');
});

test('NaN dropped, infinities at the ends, small arrays', () => {
  check('NaN and infinities', map((x, i) => (i % 7 === 0 ? NaN : i % 11 === 0 ? Infinity : i % 13 === 0 ? -Infinity : x - 0.5)));
  check('only NaN', new Float64Array(1000).fill(NaN));
  check('small', Float64Array.from([3, -1, NaN, 2]));
  check('empty', new Float64Array(0));
});

test('sorting a subarray in place leaves the rest alone', () => {
  const buf = map(x => x);
  const seg = buf.subarray(1000, 3000);
  const before = [buf[999], buf[3000]];
  const out = sortInPlace(seg);
  if (out !== seg) seg.set(out);
  assert.deepEqual([buf[999], buf[3000]], before);
  for (let i = 1; i < seg.length; i++) assert.ok(seg[i - 1]! <= seg[i]!);
});

test('lowerBound / upperBound are searchsorted left / right', () => {
  const s = Float64Array.from([1, 2, 2, 2, 3]);
  assert.deepEqual([0, 1, 2, 3, 4].map(x => lowerBound(s, x)), [0, 0, 1, 4, 5]);
  assert.deepEqual([0, 1, 2, 3, 4].map(x => upperBound(s, x)), [0, 1, 4, 5, 5]);
});
