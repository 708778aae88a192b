import { test } from 'node:test';
import assert from 'node:assert/strict';
import { driftedColumnsOf, endpointMatches, newlyDrifted } from '../../../../src/host/drift/driftClient';

test('a monitor endpoint matches the served ref, the registered model name, or a logged endpoint id', () => {
  const e = { ref: 'models:/iris@champion', name: 'iris' };
  assert.ok(endpointMatches('iris', e));
  assert.ok(endpointMatches('models:/iris@champion', e));
  assert.ok(endpointMatches('models:/iris@champion#4242', e));
  assert.ok(!endpointMatches('iris2', e));
  assert.ok(!endpointMatches('models:/iris@challenger', { ref: 'models:/iris@champion' }));
  assert.ok(endpointMatches('/models/m.onnx', { ref: '/models/m.onnx', name: null }));
  assert.ok(!endpointMatches('iris', { ref: '/models/iris.onnx', name: null }));
});

test('only a column that did not drift in the previous check is new drift', () => {
  assert.deepEqual(newlyDrifted(['a', 'b'], undefined), ['a', 'b'], 'never checked before: all new');
  assert.deepEqual(newlyDrifted(['a', 'b'], []), ['a', 'b']);
  assert.deepEqual(newlyDrifted(['a', 'b'], ['a']), ['b']);
  assert.deepEqual(newlyDrifted(['a'], ['a', 'b']), [], 'a standing drift stays quiet');
  assert.deepEqual(newlyDrifted([], undefined), []);
});

test('the drifted columns of a history entry', () => {
  const check = { id: 1, time: 0, drift: true, drifted_columns: 1, columns: {
    a: { test: 'psi' as const, statistic: 0.5, threshold: 0.2, drift: true, severity: 2.5 },
    b: { test: 'ks' as const, statistic: 0.01, p_value: 0.9, threshold: 0.05, drift: false, severity: 0.1 },
  } };
  assert.deepEqual(driftedColumnsOf(check), ['a']);
  assert.deepEqual(driftedColumnsOf(undefined), []);
});
