// An endpoint's request log → a drift dataset: real endpoints (ONNX Runtime over HTTP) logging into a real store,
// every request shape, names from the registered model's MLflow signature, predictions as label and probability
// columns; rows written through the repository for the edge cases (missing keys, CSV bodies, cut bodies, windows).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { endpointIds, requestLogDataset } from '../../../../src/engine/drift/requestLogDataset';
import type { ColumnData, Dataset } from '../../../../src/engine/drift/types';
import type { Engine } from '../../../../src/engine/engine';
import { MlflowError } from '../../../../src/engine/errors';
import { openEngine, tempWorkspace } from '../../../helpers/workspace';
import { IRIS_ONNX, registerIris } from '../../../helpers/registryFixtures';
import { IRIS, MULTI, invoke, iris, multi, predictions, serve } from '../../../helpers/serving';

const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

const col = (d: Dataset, name: string): ColumnData => {
  const c = d.columns.find(x => x.name === name);
  assert.ok(c, `no column ${name} in ${d.columns.map(x => x.name).join(', ')}`);
  return c;
};
const nums = (d: Dataset, name: string) => {
  const c = col(d, name);
  assert.equal(c.kind, 'numeric', `${name} is ${c.kind}`);
  return Array.from((c as Extract<ColumnData, { kind: 'numeric' }>).values);
};
const cats = (d: Dataset, name: string) => {
  const c = col(d, name);
  assert.equal(c.kind, 'categorical', `${name} is ${c.kind}`);
  const { codes, categories } = c as Extract<ColumnData, { kind: 'categorical' }>;
  return Array.from(codes, k => (k < 0 ? null : categories[k]));
};
const f32 = (v: number) => Math.fround(v);

/** iris registered from a run whose MLmodel carries an MLflow column signature (the four feature names). */
async function registerIrisWithSignature(engine: Engine): Promise<void> {
  const run = engine.runs.create({ experimentId: '0', runName: 'train', tags: [] });
  const dir = path.join(engine.artifacts.localDir(run.info.artifact_uri), 'model');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(IRIS_ONNX, path.join(dir, 'model.onnx'));
  const inputs = JSON.stringify(FEATURES.map(name => ({ type: 'double', name, required: true })));
  fs.writeFileSync(path.join(dir, 'MLmodel'), `artifact_path: model\nflavors:\n  onnx:\n    data: model.onnx\nsignature:\n  inputs: '${inputs}'\n  outputs: '[{"type": "long", "required": true}]'\n`);
  engine.registry.createModel('iris-sig', '', []);
  await engine.registry.createVersion({ name: 'iris-sig', source: `runs:/${run.info.run_id}/model`, runId: run.info.run_id, tags: [] });
}

test('a registered iris endpoint: tensor columns named by the signature, label categorical, probabilities numeric', async () => {
  const engine = openEngine(tempWorkspace());
  await registerIrisWithSignature(engine);
  const t0 = Date.now();
  const ep = await serve('models:/iris-sig/1', { logSample: 1 }, engine, 'iris-ep');
  try {
    predictions(await invoke(ep.url, { inputs: iris.input.slice(0, 3) }));
    predictions(await invoke(ep.url, { instances: iris.input.slice(3) }));
    ep.endpoint.log.flush();
    const d = requestLogDataset(engine.store, 'iris-ep', { from: t0 });
    assert.equal(d.rows, 7);
    assert.match(d.source, /^endpoint iris-ep \d{4}-\d\d-\d\d \d\d:\d\d–(\d{4}-\d\d-\d\d )?\d\d:\d\d$/);
    assert.deepEqual(d.columns.map(c => [c.name, c.kind, c.sourceType]), [
      ...FEATURES.map(f => [f, 'numeric', 'number']),
      ['prediction.label', 'categorical', 'number'],
      ...[0, 1, 2].map(j => [`prediction.probabilities[${j}]`, 'numeric', 'number']),
    ]);
    FEATURES.forEach((f, j) => assert.deepEqual(nums(d, f), iris.input.map(r => r[j])));
    assert.deepEqual(cats(d, 'prediction.label'), iris.label.map(String));
    nums(d, 'prediction.probabilities[2]').forEach((p, i) => assert.ok(Math.abs(p - iris.probabilities[i][2]) < 1e-6));
  } finally {
    await ep.close();
    engine.close();
  }
});

test('a file endpoint with several inputs: dict of named tensors, record rows, dataframe_split and featureNames', async () => {
  const engine = openEngine(tempWorkspace());
  const ep = await serve(MULTI, { logSample: 1 }, engine, 'multi-ep');
  const plain = await serve(IRIS, { logSample: 1 }, engine, 'plain-ep');
  try {
    predictions(await invoke(ep.url, { inputs: multi.inputs }));
    predictions(await invoke(plain.url, { inputs: iris.input.slice(0, 2) }));
    predictions(await invoke(plain.url, { dataframe_split: { columns: FEATURES, data: iris.input.slice(2, 4) } }));
    ep.endpoint.log.flush();
    plain.endpoint.log.flush();
    const d = requestLogDataset(engine.store, 'multi-ep');
    assert.equal(d.rows, 4);
    assert.deepEqual(d.columns.map(c => [c.name, c.kind]), [
      ['x[0]', 'numeric'], ['x[1]', 'numeric'], ['x[2]', 'numeric'], ['scale', 'numeric'], ['count', 'numeric'], ['flag', 'categorical'],
      ['prediction.y[0]', 'numeric'], ['prediction.y[1]', 'numeric'], ['prediction.y[2]', 'numeric'], ['prediction.scaled', 'numeric'],
      ['prediction.count_plus', 'categorical'], ['prediction.not_flag', 'categorical'], ['prediction.total', 'numeric'],
    ]);
    assert.deepEqual(nums(d, 'x[1]'), multi.inputs.x.map(r => r[1]));
    assert.deepEqual(cats(d, 'flag'), ['true', 'false', 'true', 'false']);
    assert.deepEqual(nums(d, 'prediction.total'), multi.outputs.total.map(r => f32(r[0] as number)));
    assert.deepEqual(cats(d, 'prediction.not_flag'), ['false', 'true', 'false', 'true']);
    // No registry entry: an unnamed tensor's columns are <input>[j], or the names given; named columns keep their names.
    const p = requestLogDataset(engine.store, 'plain-ep');
    assert.deepEqual(p.columns.slice(0, 8).map(c => c.name), ['input[0]', 'input[1]', 'input[2]', 'input[3]', ...FEATURES]);
    assert.deepEqual(nums(p, 'input[0]'), [iris.input[0][0], iris.input[1][0], NaN, NaN]);
    assert.deepEqual(nums(p, 'sepal_length'), [NaN, NaN, iris.input[2][0], iris.input[3][0]]);
    const named = requestLogDataset(engine.store, 'plain-ep', { featureNames: FEATURES });
    assert.deepEqual(nums(named, 'sepal_width'), iris.input.slice(0, 4).map(r => r[1]));
  } finally {
    await Promise.all([ep.close(), plain.close()]);
    engine.close();
  }
});

test('logged rows: records with missing keys, text, CSV bodies, bodies cut when logged, and the time window', () => {
  const engine = openEngine(tempWorkspace());
  try {
    const row = (time: number, inputs: string, outputs: unknown) =>
      ({ endpoint: 'ep', time, model_name: null, model_version: null, latency_ms: 1, status: 200, inputs, outputs: JSON.stringify(outputs) });
    engine.store.servingLog.insertMany([
      row(1000, JSON.stringify({ dataframe_records: [{ a: 1, city: 'Paris' }, { a: 2 }] }), [0.5, 0.25]),
      row(2000, 'a,city\n3,Lyon\n', [0.75]),
      row(3000, JSON.stringify({ dataframe_records: [{ a: 4, city: 'Nice', extra: 'x' }] }).slice(0, 30), [1]),
      row(4000, JSON.stringify({ instances: [{ a: 5, city: null }] }), [0.125]),
      row(9000, JSON.stringify({ dataframe_records: [{ a: 6 }] }), [0]),
    ]);
    const d = requestLogDataset(engine.store, 'ep', { from: 0, to: 5000 });
    assert.equal(d.rows, 4, 'the cut request is left out');
    assert.deepEqual(d.columns.map(c => [c.name, c.kind, c.sourceType]), [['a', 'numeric', 'number'], ['city', 'categorical', 'string'], ['prediction', 'numeric', 'number']]);
    assert.deepEqual(nums(d, 'a'), [1, 2, 3, 5]);
    assert.deepEqual(cats(d, 'city'), ['Paris', null, 'Lyon', null]);
    assert.deepEqual(nums(d, 'prediction'), [0.5, 0.25, 0.75, 0.125]);
    assert.equal(requestLogDataset(engine.store, 'ep', { from: 8000 }).rows, 1);

    const fails = (fn: () => unknown, code: string, pattern: RegExp) => assert.throws(fn, (e: unknown) => {
      assert.ok(e instanceof MlflowError && e.code === code, String(e));
      assert.match(e.message, pattern);
      return true;
    });
    fails(() => requestLogDataset(engine.store, 'ep', { from: 5000, to: 8000 }), 'RESOURCE_DOES_NOT_EXIST', /endpoint 'ep' logged no requests in .* \(it logged 5 in /);
    fails(() => requestLogDataset(engine.store, 'nope'), 'RESOURCE_DOES_NOT_EXIST', /endpoint 'nope' has no logged requests: serve it with request logging on .*endpoints with logged requests: ep/);
    fails(() => requestLogDataset(engine.store, 'ep', { from: 10, to: 5 }), 'INVALID_PARAMETER_VALUE', /ends .* before it starts/);
    engine.store.servingLog.insertMany([row(20_000, '{"inputs": [1, 2', null), row(21_000, '{"something": 1}', null)]);
    fails(() => requestLogDataset(engine.store, 'ep', { from: 20_000 }), 'INVALID_PARAMETER_VALUE', /none of the 2 logged requests could be read \(first: request at .*: not JSON/);
  } finally {
    engine.close();
  }
});

test('registerIris (no signature): the ONNX input name from the registered lineage names the columns', async () => {
  const engine = openEngine(tempWorkspace());
  await registerIris(engine, { name: 'iris' });
  const ep = await serve('models:/iris/1', { logSample: 1 }, engine, 'iris-plain');
  try {
    predictions(await invoke(ep.url, { inputs: iris.input }));
    ep.endpoint.log.flush();
    const d = requestLogDataset(engine.store, 'iris-plain');
    assert.deepEqual(d.columns.map(c => c.name).slice(0, 5), ['input[0]', 'input[1]', 'input[2]', 'input[3]', 'prediction.label']);
    assert.equal(col(d, 'prediction.label').kind, 'categorical', 'int64 output declared in the lineage');
  } finally {
    await ep.close();
    engine.close();
  }
});

test('mlops serve logs as <ref>#<pid>: a ref spans restarts, a model name spans its refs', () => {
  const logged = ['models:/iris/Production#111', 'models:/iris/Production#222', 'models:/iris@champion#333', 'models:/wine/1#444', '/models/iris.onnx#555', 'ep'];
  assert.deepEqual(endpointIds(logged, 'models:/iris/Production'), ['models:/iris/Production#111', 'models:/iris/Production#222']);
  assert.deepEqual(endpointIds(logged, 'models:/iris/Production#222'), ['models:/iris/Production#222']);
  assert.deepEqual(endpointIds(logged, 'iris'), ['models:/iris/Production#111', 'models:/iris/Production#222', 'models:/iris@champion#333']);
  assert.deepEqual(endpointIds(logged, '/models/iris.onnx'), ['/models/iris.onnx#555']);
  assert.deepEqual(endpointIds(logged, 'ep'), ['ep']);
  assert.deepEqual(endpointIds(logged, 'nothing'), []);

  const engine = openEngine(tempWorkspace());
  try {
    const row = (endpoint: string, time: number, a: number) =>
      ({ endpoint, time, model_name: null, model_version: null, latency_ms: 1, status: 200, inputs: JSON.stringify({ dataframe_records: [{ a }] }), outputs: '[0]' });
    engine.store.servingLog.insertMany([row('models:/iris/Production#111', 1000, 1), row('models:/iris/Production#222', 2000, 2), row('models:/wine/1#444', 1500, 9)]);
    const d = requestLogDataset(engine.store, 'models:/iris/Production');
    assert.deepEqual(nums(d, 'a'), [1, 2], 'both processes, oldest first, not the other model');
    assert.match(d.source, /^endpoint models:\/iris\/Production /);
    assert.throws(() => requestLogDataset(engine.store, 'nope'), /endpoints with logged requests: models:\/iris\/Production, models:\/wine\/1$/);
  } finally {
    engine.close();
  }
});
