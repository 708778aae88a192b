// MetricsRepo on a real SQLite file: NaN/±Infinity, de-duplication, the latest-value rule, down-sampling.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Engine } from '../../../../src/engine/engine';
import type { MetricPoint } from '../../../../src/engine/store/metricsRepo';
import { openEngine } from '../../../helpers/workspace';

function withRun(fn: (e: Engine, runId: string) => void): void {
  const engine = openEngine();
  try {
    fn(engine, engine.runs.create({ experimentId: '0', tags: [] }).info.run_id);
  } finally {
    engine.close();
  }
}
const insert = (e: Engine, runId: string, points: MetricPoint[]) => e.store.tx(() => e.store.metrics.insert(runId, points));
const pt = (step: number, timestamp: number, value: number, key = 'm'): MetricPoint => ({ key, step, timestamp, value });
const latest = (e: Engine, runId: string, key = 'm') => e.runs.get(runId).data.metrics.find(m => m.key === key);
const all = (e: Engine, runId: string, key = 'm') => e.store.metrics.history(runId, key, 1_000_000).metrics;

describe('MetricsRepo values', () => {
  test('NaN, Infinity and -Infinity round trip through history and the summary', () => withRun((e, r) => {
    insert(e, r, [pt(0, 1, NaN), pt(1, 2, Infinity), pt(2, 3, -Infinity), pt(3, 4, -0.5), pt(4, 5, Number.MAX_VALUE)]);
    assert.deepEqual(all(e, r).map(m => m.value), ['NaN', 'Infinity', '-Infinity', -0.5, Number.MAX_VALUE]);
    const raw = e.store.db.prepare('SELECT value, is_nan FROM metrics WHERE run_uuid = ? ORDER BY step').all(r) as { value: number; is_nan: number }[];
    assert.deepEqual(raw[0], { value: 0, is_nan: 1 }, 'NaN is stored as 0 + is_nan');
    assert.equal(raw[1].value, Infinity);
    assert.equal(latest(e, r)?.value, Number.MAX_VALUE);
    insert(e, r, [pt(9, 9, NaN)]);
    assert.equal(latest(e, r)?.value, 'NaN');
    insert(e, r, [pt(10, 9, -Infinity, 'n')]);
    assert.equal(latest(e, r, 'n')?.value, '-Infinity');
  }));

  test('an identical point logged twice is kept once; a different one is not', () => withRun((e, r) => {
    insert(e, r, [pt(1, 100, 0.5), pt(1, 100, 0.5)]);
    insert(e, r, [pt(1, 100, 0.5)]);
    insert(e, r, [pt(1, 100, NaN), pt(1, 100, NaN)]);
    assert.equal(all(e, r).length, 2, 'one 0.5 and one NaN');
    insert(e, r, [pt(1, 100, 0.25), pt(1, 101, 0.5), pt(2, 100, 0.5)]);
    assert.equal(all(e, r).length, 5);
    assert.equal(all(e, r, 'other').length, 0);
  }));

  test('history pages in (step, timestamp, value) order with a cursor', () => withRun((e, r) => {
    insert(e, r, [pt(2, 5, 1), pt(1, 9, 3), pt(1, 9, 2), pt(1, 3, 7), pt(0, 0, NaN)]);
    const first = e.store.metrics.history(r, 'm', 2);
    assert.deepEqual(first.metrics.map(m => [m.step, m.timestamp, m.value]), [[0, 0, 'NaN'], [1, 3, 7]]);
    const rest = e.store.metrics.history(r, 'm', 10, first.last);
    assert.deepEqual(rest.metrics.map(m => [m.step, m.timestamp, m.value]), [[1, 9, 2], [1, 9, 3], [2, 5, 1]]);
  }));
});

describe('latest value rule: max step, then timestamp, then value', () => {
  test('a later step wins even with an older timestamp', () => withRun((e, r) => {
    insert(e, r, [pt(5, 1, 1)]);
    insert(e, r, [pt(3, 100, 100)]);
    assert.deepEqual(latest(e, r), { key: 'm', value: 1, step: 5, timestamp: 1 });
  }));

  test('same step: the later timestamp wins, whatever the value', () => withRun((e, r) => {
    insert(e, r, [pt(5, 1, 10)]);
    insert(e, r, [pt(5, 2, -3)]);
    assert.equal(latest(e, r)?.value, -3);
    insert(e, r, [pt(5, 1, 99)]);
    assert.equal(latest(e, r)?.value, -3);
  }));

  test('same step and timestamp: the larger value wins', () => withRun((e, r) => {
    insert(e, r, [pt(5, 2, 1)]);
    insert(e, r, [pt(5, 2, 0)]);
    assert.equal(latest(e, r)?.value, 1);
    insert(e, r, [pt(5, 2, 7)]);
    assert.equal(latest(e, r)?.value, 7);
  }));

  test('the rule holds inside one unordered batch and per key', () => withRun((e, r) => {
    insert(e, r, [pt(2, 5, 1), pt(9, 1, 4), pt(9, 3, 2), pt(9, 3, 1), pt(0, 99, 8), pt(1, 1, 5, 'k')]);
    assert.deepEqual(latest(e, r), { key: 'm', value: 2, step: 9, timestamp: 3 });
    assert.deepEqual(latest(e, r, 'k'), { key: 'k', value: 5, step: 1, timestamp: 1 });
    assert.deepEqual(e.store.metrics.keys(r), ['k', 'm']);
  }));

  test('negative steps are older than step 0', () => withRun((e, r) => {
    insert(e, r, [pt(0, 1, 1)]);
    insert(e, r, [pt(-5, 50, 2)]);
    assert.equal(latest(e, r)?.value, 1);
  }));
});

describe('downsample', () => {
  const N = 10_000;
  const series = (): MetricPoint[] => Array.from({ length: N }, (_, i) =>
    pt(i, 1000 + i, i === 4321 ? 1000 : i === 7777 ? -1000 : Math.sin(i / 50)));

  test('keeps min/max spikes, first and last, and returns ≤ maxPoints', () => withRun((e, r) => {
    insert(e, r, series());
    for (const maxPoints of [4, 10, 100, 500, 2500]) {
      const out = e.store.metrics.downsample(r, 'm', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, maxPoints);
      assert.ok(out.length <= maxPoints, `${out.length} ≤ ${maxPoints}`);
      assert.ok(out.length >= Math.min(maxPoints, N) / 2, `not degenerate: ${out.length} of ${maxPoints}`);
      assert.ok(out.some(p => p.step === 4321 && p.value === 1000), `max spike kept at ${maxPoints}`);
      assert.ok(out.some(p => p.step === 7777 && p.value === -1000), `min spike kept at ${maxPoints}`);
      assert.equal(out[0].step, 0);
      assert.equal(out[out.length - 1].step, N - 1);
      for (let i = 1; i < out.length; i++) assert.ok(out[i].step > out[i - 1].step, 'sorted, no duplicates');
      assert.ok(out.every(p => p.run_id === r && p.key === 'm'));
    }
  }));

  test('very small maxPoints still caps the result', () => withRun((e, r) => {
    insert(e, r, series());
    for (const maxPoints of [1, 2, 3]) {
      const out = e.store.metrics.downsample(r, 'm', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, maxPoints);
      assert.ok(out.length >= 1 && out.length <= maxPoints, `${out.length} ≤ ${maxPoints}`);
    }
  }));

  test('returns every point when they fit, and respects the step range', () => withRun((e, r) => {
    insert(e, r, series().slice(0, 50));
    assert.equal(e.store.metrics.downsample(r, 'm', 0, 49, 50).length, 50);
    const range = e.store.metrics.downsample(r, 'm', 10, 19, 100);
    assert.deepEqual(range.map(p => p.step), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    assert.deepEqual(e.store.metrics.downsample(r, 'm', 100, 200, 100), []);
    assert.deepEqual(e.store.metrics.downsample(r, 'absent', 0, 10, 100), []);
  }));

  test('NaN points survive down-sampling', () => withRun((e, r) => {
    insert(e, r, [...series(), pt(5000, 1, NaN)]);
    const out = e.store.metrics.downsample(r, 'm', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 100);
    assert.ok(out.some(p => p.step === 5000 && p.value === 'NaN'));
  }));
});
