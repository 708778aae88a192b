// The sampled request log: with logSample 1 every successful request lands in serving_requests (model
// version, latency, inputs and outputs); with 0 nothing does; without a store the endpoint still serves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { RequestLog } from '../../../../src/engine/serving/requestLog';
import { openEngine, tempWorkspace } from '../../../helpers/workspace';
import { registerIris } from '../../../helpers/registryFixtures';
import { IRIS, invoke, iris, predictions, serve } from '../../../helpers/serving';

test('logSample 1: one row per request with model name and version, latency, inputs and outputs', async () => {
  const engine = openEngine(tempWorkspace());
  await registerIris(engine, { name: 'iris-classifier' });
  const t0 = Date.now();
  const ep = await serve('models:/iris-classifier/1', { logSample: 1 }, engine, 'ep-log');
  try {
    const bodies = Array.from({ length: 12 }, (_, i) => JSON.stringify({ inputs: [iris.input[i % 7]] }));
    const replies = await Promise.all(bodies.map(b => invoke(ep.url, b)));
    replies.forEach((r, i) => assert.equal(predictions(r).label[0], iris.label[i % 7]));
    ep.endpoint.log.flush();
    const rows = engine.store.servingLog.window('ep-log', t0, Date.now());
    assert.equal(rows.length, 12);
    assert.deepEqual(rows.map(r => r.inputs).sort(), [...bodies].sort());
    for (const r of rows) {
      assert.equal(r.endpoint, 'ep-log');
      assert.equal(r.model_name, 'iris-classifier');
      assert.equal(r.model_version, '1');
      assert.equal(r.status, 200);
      assert.ok(r.latency_ms > 0 && r.latency_ms < 10_000, String(r.latency_ms));
      assert.ok(r.time >= t0 && r.time <= Date.now());
      const row = iris.input.findIndex(x => JSON.stringify({ inputs: [x] }) === r.inputs);
      assert.deepEqual(JSON.parse(r.outputs!).label, [iris.label[row]]);
      assert.equal(JSON.parse(r.outputs!).probabilities[0].length, 3);
    }
    assert.equal(engine.store.servingLog.window('another-endpoint', t0, Date.now()).length, 0);
  } finally {
    await ep.close();
    engine.close();
  }
});

test('rows are written in the background within ~250 ms, and close() flushes what is pending', async () => {
  const engine = openEngine(tempWorkspace());
  const ep = await serve(IRIS, { logSample: 1 }, engine, 'ep-bg');
  try {
    predictions(await invoke(ep.url, { inputs: iris.input }));
    await sleep(600);
    assert.equal(engine.store.servingLog.window('ep-bg', 0, Date.now()).length, 1);
    predictions(await invoke(ep.url, { instances: iris.input }));
  } finally {
    await ep.close();
  }
  const rows = engine.store.servingLog.window('ep-bg', 0, Date.now());
  assert.equal(rows.length, 2);
  assert.deepEqual(rows.map(r => [r.model_name, r.model_version]), [[null, null], [null, null]], 'a file has no registry name or version');
  engine.close();
});

test('logSample 0 writes nothing; failed requests are not logged; no store means no log', async () => {
  const engine = openEngine(tempWorkspace());
  const off = await serve(IRIS, { logSample: 0 }, engine, 'ep-off');
  const on = await serve(IRIS, { logSample: 1 }, engine, 'ep-on');
  const noStore = await serve(IRIS, { logSample: 1 }, undefined, 'ep-none');
  try {
    predictions(await invoke(off.url, { inputs: iris.input }));
    assert.equal((await invoke(on.url, { inputs: [[1, 2]] })).status, 400);
    predictions(await invoke(noStore.url, { inputs: iris.input }));
  } finally {
    await Promise.all([off.close(), on.close(), noStore.close()]);
  }
  assert.equal(engine.store.servingLog.window('ep-off', 0, Date.now()).length, 0);
  assert.equal(engine.store.servingLog.window('ep-on', 0, Date.now()).length, 0);
  engine.close();
});

test('RequestLog: a fraction samples about that share of requests, in one transaction per flush', () => {
  const engine = openEngine(tempWorkspace());
  try {
    const log = new RequestLog(engine.store, 'sampled', 0.25);
    for (let i = 0; i < 4000; i++) log.record(() => ({ time: 1000 + i, model_name: 'm', model_version: '1', latency_ms: 1, status: 200, inputs: `{"i":${i}}`, outputs: '[]' }));
    log.flush();
    const n = engine.store.servingLog.window('sampled', 0, 10_000).length;
    assert.ok(n > 800 && n < 1200, `${n} of 4000 at 25 %`);
    log.flush();
    assert.equal(engine.store.servingLog.window('sampled', 0, 10_000).length, n, 'a second flush writes nothing again');
  } finally {
    engine.close();
  }
});
