// The Endpoint: start-up from a file or a registry ref, invoke() without HTTP, and hot swap when the alias or
// stage it follows moves — under concurrent load, with no failed request and exact per-version metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Endpoint } from '../../../../src/engine/serving/endpoint';
import { MlflowError } from '../../../../src/engine/errors';
import { openEngine, tempWorkspace } from '../../../helpers/workspace';
import { registerIris } from '../../../helpers/registryFixtures';
import { IRIS, assertIris, get, invoke, iris, metricSum, parseMetrics, predictions, serve, type Reply } from '../../../helpers/serving';

const NAME = 'iris-classifier';

/** A workspace with two registered versions of iris-classifier (the same iris model, two artifact folders). */
async function twoVersions() {
  const engine = openEngine(tempWorkspace());
  await registerIris(engine, { name: NAME });
  await registerIris(engine, { name: NAME });
  return engine;
}

test('invoke() without HTTP: 200 with predictions, or a 4xx body; never throws for client input', async () => {
  const ep = new Endpoint(undefined, { ref: IRIS }, 'direct');
  await ep.start();
  try {
    const good = await ep.invoke('application/json', JSON.stringify({ inputs: iris.input }));
    assert.equal(good.status, 200);
    assertIris((good.body as { predictions: unknown }).predictions);
    const bad = await ep.invoke('application/json', '{"inputs": [[1]]}');
    assert.equal(bad.status, 400);
    assert.match((bad.body as { message: string }).message, /input 'input' expects dimension 1 to be 4/);
    assert.equal(ep.loaded.label, 'file');
    assert.equal(ep.loaded.file, IRIS);
  } finally {
    await ep.close();
  }
});

test('start() fails with a reason for a missing file, a non-ONNX file, an unknown alias, and a registry ref without a workspace', async () => {
  const start = (ref: string, engine?: ReturnType<typeof openEngine>) => new Endpoint(engine, { ref }, 'x').start();
  await assert.rejects(start('/no/such/model.onnx'), (e: MlflowError) => e.code === 'RESOURCE_DOES_NOT_EXIST' && /does not exist/.test(e.message));
  const notOnnx = path.join(tempWorkspace(), 'model.txt');
  fs.writeFileSync(notOnnx, 'hello');
  await assert.rejects(start(notOnnx), /is not an \.onnx file/);
  await assert.rejects(start(`models:/${NAME}@champion`), /needs a workspace with a model registry/);
  const engine = await twoVersions();
  try {
    await assert.rejects(start(`models:/${NAME}@nope`, engine), (e: MlflowError) => e instanceof MlflowError && /nope/.test(e.message));
    await assert.rejects(start('models:/unknown-model/1', engine), MlflowError);
  } finally {
    engine.close();
  }
});

test('a folder holding model.onnx and a pinned registry version are served', async () => {
  const engine = await twoVersions();
  try {
    const dir = await serve(path.dirname(IRIS));
    try { assertIris(predictions(await invoke(dir.url, { inputs: iris.input }))); } finally { await dir.close(); }
    const pinned = await serve(`models:/${NAME}/2`, {}, engine);
    try {
      assert.deepEqual((await get(pinned.url, '/version')).body.model_version, '2');
      const meta = (await get(pinned.url, '/metadata')).body;
      assert.equal(meta.name, NAME);
      assert.equal(meta.version, '2');
      assert.equal(path.basename(meta.file), 'model.onnx');
      assert.equal(await pinned.endpoint.checkSwap(), false, 'nothing to swap to');
    } finally {
      await pinned.close();
    }
  } finally {
    engine.close();
  }
});

test('hot swap under load: 8 requests in flight for 2 s while the alias moves; none fails, versions and counts exact', async () => {
  const engine = await twoVersions();
  engine.promotion.setAlias(NAME, 'champion', 1);
  const ep = await serve(`models:/${NAME}@champion`, { swapPollMs: 60_000 }, engine);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  try {
    assert.equal((await get(ep.url, '/version')).body.model_version, '1');
    let sent = 0;
    const failures: string[] = [];
    const end = Date.now() + 2000;
    const worker = async (w: number) => {
      for (let i = w; Date.now() < end; i += 8) {
        sent++;
        const r: Reply | Error = await invoke(ep.url, { inputs: [iris.input[i % 7]] }, 'application/json', '/invocations', agent).catch((e: Error) => e);
        if (r instanceof Error) failures.push(r.message);
        else if (r.status !== 200) failures.push(`${r.status} ${r.text}`);
        else if (r.body.predictions.label[0] !== iris.label[i % 7]) failures.push(`wrong label for row ${i % 7}`);
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
    await sleep(700);
    const before = sent;
    engine.promotion.setAlias(NAME, 'champion', 2);
    assert.equal(await ep.endpoint.checkSwap(), true);
    assert.equal(ep.endpoint.loaded.version, '2');
    await load;

    assert.deepEqual(failures, []);
    assert.ok(before > 50 && sent - before > 50, `requests before/after the swap: ${before}/${sent - before}`);
    assert.equal((await get(ep.url, '/version')).body.model_version, '2');
    assert.equal((await get(ep.url, '/metadata')).body.version, '2');
    const m = parseMetrics((await get(ep.url, '/metrics')).text);
    const v1 = m.get(`mlops_requests_total{model="${NAME}",version="1"}`) ?? 0;
    const v2 = m.get(`mlops_requests_total{model="${NAME}",version="2"}`) ?? 0;
    assert.ok(v1 > 0 && v2 > 0, `by version: 1 → ${v1}, 2 → ${v2}`);
    assert.equal(v1 + v2, sent, 'every request counted once');
    assert.equal(metricSum(m, 'mlops_request_errors_total'), 0);
    assert.equal(metricSum(m, 'mlops_request_latency_ms_count'), sent);
    assert.equal(metricSum(m, 'mlops_batch_size_sum'), sent);
    assert.ok((m.get(`mlops_batch_size_count{model="${NAME}",version="2"}`) ?? 0) > 0, 'batches after the swap carry the new version');
  } finally {
    agent.destroy();
    await ep.close();
    engine.close();
  }
});

test('the poll follows a stage: promoting another version to Production swaps without a call', async () => {
  const engine = await twoVersions();
  engine.promotion.transition(NAME, 1, 'Production');
  const ep = await serve(`models:/${NAME}/Production`, { swapPollMs: 50 }, engine);
  try {
    assert.equal((await get(ep.url, '/version')).body.model_version, '1');
    engine.promotion.transition(NAME, 2, 'Production', { archiveExisting: true });
    const deadline = Date.now() + 5000;
    while (ep.endpoint.loaded.version !== '2' && Date.now() < deadline) await sleep(20);
    assert.equal((await get(ep.url, '/version')).body.model_version, '2');
    assertIris(predictions(await invoke(ep.url, { inputs: iris.input })));
  } finally {
    await ep.close();
    engine.close();
  }
});

test('a swap to a version without an .onnx file fails safely: the old version keeps serving', async () => {
  const engine = await twoVersions();
  engine.promotion.setAlias(NAME, 'champion', 1);
  const ep = await serve(`models:/${NAME}@champion`, { swapPollMs: 60_000 }, engine);
  try {
    const { version } = await registerIris(engine, { name: NAME });
    const file = path.join(engine.artifacts.localDir(engine.registry.downloadUri(NAME, Number(version.version))), 'model.onnx');
    fs.rmSync(file);
    engine.promotion.setAlias(NAME, 'champion', Number(version.version));
    assert.equal(await ep.endpoint.checkSwap(), false);
    assert.equal((await get(ep.url, '/version')).body.model_version, '1');
    assertIris(predictions(await invoke(ep.url, { inputs: iris.input })));
    engine.promotion.setAlias(NAME, 'champion', 2);
    assert.equal(await ep.endpoint.checkSwap(), true);
    assert.equal((await get(ep.url, '/version')).body.model_version, '2');
  } finally {
    await ep.close();
    engine.close();
  }
});

test('the served version records its measured p50/p99 as tags, and the serving.p99_ms gate reads them', async () => {
  const engine = await twoVersions();
  try {
    const ws = path.dirname(engine.store.paths.db);
    fs.writeFileSync(path.join(ws, 'policy.yaml'), 'version: 1\nstages:\n  Production:\n    - serving.p99_ms <= 50\n');
    const gate = () => engine.promotion.evaluate(NAME, 2, { stage: 'Production' })[0];
    assert.equal(gate().passed, false, 'no measurement yet');
    const served = await serve(`models:/${NAME}/2`, {}, engine);
    try {
      const agent = new http.Agent({ keepAlive: true });
      for (let i = 0; i < 150; i++) assertIris(predictions(await invoke(served.url, { inputs: [iris.input[i % 7]] }, 'application/json', '/invocations', agent)), [i % 7]);
      served.endpoint.recordLatency();
      assert.equal(engine.registry.getVersion(NAME, 2).tags?.find(t => t.key === 'mlops.serving.p99_ms'), undefined, 'fewer than 200 requests: nothing recorded');
      for (let i = 0; i < 100; i++) await invoke(served.url, { inputs: [iris.input[0]] }, 'application/json', '/invocations', agent);
      agent.destroy();
    } finally {
      await served.close(); // close() records the figures
    }
    const tags = Object.fromEntries((engine.registry.getVersion(NAME, 2).tags ?? []).map(t => [t.key, t.value]));
    assert.equal(tags['mlops.serving.requests'], '250');
    assert.ok(Number(tags['mlops.serving.p99_ms']) > 0 && Number(tags['mlops.serving.p99_ms']) <= 50, `p99 ${tags['mlops.serving.p99_ms']}`);
    assert.ok(Number(tags['mlops.serving.p50_ms']) <= Number(tags['mlops.serving.p99_ms']));
    assert.equal(gate().passed, true, JSON.stringify(gate()));
    assert.equal(engine.registry.getVersion(NAME, 1).tags?.find(t => t.key === 'mlops.serving.p99_ms'), undefined, 'only the served version');
  } finally {
    engine.close();
  }
});
