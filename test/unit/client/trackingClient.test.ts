// The TypeScript tracking client against a real in-process server: experiments, buffered logging, batching,
// failures, tokens and retries.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { startTestServer, type TestServer } from '../../helpers/workspace';
import { ApiError, TrackingClient } from '../../../src/client/trackingClient';
import type { KeyValue, Metric } from '../../../src/shared/dto';

const servers: TestServer[] = [];
after(async () => { for (const s of servers) await s.close(); });

async function server(opts: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const s = await startTestServer(opts);
  servers.push(s);
  return s;
}

/** A client that only flushes when asked (the background timer is far away). */
const client = (url: string, opts: { token?: string; retries?: number } = {}) => new TrackingClient({ trackingUri: url, flushIntervalMs: 3_600_000, ...opts });

const history = (s: TestServer, runId: string, key: string) => s.engine.history.history(runId, key).metrics;
const storedParams = (s: TestServer, runId: string) => Object.fromEntries(s.engine.runs.get(runId).data.params.map(p => [p.key, p.value]));
const storedTags = (s: TestServer, runId: string) => Object.fromEntries(s.engine.runs.get(runId).data.tags.map(t => [t.key, t.value]));

interface Proxy {
  url: string;
  batches: { metrics: number; params: number; tags: number }[];
  /** While set, every request is answered with this status (e.g. 503) instead of being forwarded. */
  down?: number;
  close(): Promise<void>;
}

/** A real HTTP proxy in front of the server that records the size of every log-batch request. */
async function recordingProxy(target: string): Promise<Proxy> {
  const batches: Proxy['batches'] = [];
  const proxy = http.createServer((req, res) => {
    if (p.down) { req.resume(); res.writeHead(p.down, { 'Content-Type': 'application/json' }); res.end('{"error_code":"TEMPORARILY_UNAVAILABLE","message":"down"}'); return; }
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c as Buffer));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.url?.endsWith('/runs/log-batch')) {
        const b = JSON.parse(body.toString()) as { metrics?: unknown[]; params?: unknown[]; tags?: unknown[] };
        batches.push({ metrics: b.metrics?.length ?? 0, params: b.params?.length ?? 0, tags: b.tags?.length ?? 0 });
      }
      void fetch(target + req.url, { method: req.method, headers: { 'Content-Type': 'application/json' }, body: body.length ? body : undefined })
        .then(async r => { res.writeHead(r.status, { 'Content-Type': 'application/json' }); res.end(Buffer.from(await r.arrayBuffer())); });
    });
  });
  await new Promise<void>(r => proxy.listen(0, '127.0.0.1', r));
  const { port } = proxy.address() as net.AddressInfo;
  const p: Proxy = { url: `http://127.0.0.1:${port}`, batches, close: () => new Promise(r => proxy.close(() => r())) };
  return p;
}

test('startRun with experimentName creates the experiment once and reuses it', async () => {
  const s = await server();
  const c = client(s.url);
  const a = await c.startRun({ experimentName: 'client-exp', runName: 'first', tags: { team: 'ml' } });
  const b = await c.startRun({ experimentName: 'client-exp' });
  assert.equal(a.experiment_id, b.experiment_id);
  assert.notEqual(a.experiment_id, '0');
  assert.equal(a.run_name, 'first');
  assert.equal(a.status, 'RUNNING');
  const named = (await c.searchExperiments()).experiments!.filter(e => e.name === 'client-exp');
  assert.equal(named.length, 1);
  assert.equal(storedTags(s, a.run_id).team, 'ml');
  assert.equal((await c.searchRuns({ experiment_ids: [a.experiment_id] })).runs?.length, 2);
  assert.equal(await c.getOrCreateExperiment('client-exp'), a.experiment_id);
});

test('logMetric is buffered: nothing reaches the server before flush, everything after', async () => {
  const s = await server();
  const c = client(s.url);
  const { run_id } = await c.startRun();
  for (let step = 0; step < 50; step++) c.logMetric(run_id, 'loss', 1 / (step + 1), step);
  c.logMetrics(run_id, { acc: 0.9, f1: 0.8 }, 7);
  c.logParams(run_id, { lr: 0.01, deep: true });
  c.setTags(run_id, { stage: 'dev' });
  assert.equal(history(s, run_id, 'loss').length, 0);
  assert.deepEqual(storedParams(s, run_id), {});
  await c.flush();
  const loss = history(s, run_id, 'loss');
  assert.deepEqual(loss.map(m => m.step), Array.from({ length: 50 }, (_, i) => i));
  assert.equal(loss[9].value, 0.1);
  assert.equal(history(s, run_id, 'f1')[0].step, 7);
  assert.deepEqual(storedParams(s, run_id), { lr: '0.01', deep: 'true' });
  assert.equal(storedTags(s, run_id).stage, 'dev');
  await c.flush(); // nothing left: a no-op
  assert.equal(history(s, run_id, 'loss').length, 50);
});

test('the background timer flushes without being asked', async () => {
  const s = await server();
  const c = new TrackingClient({ trackingUri: s.url, flushIntervalMs: 20 });
  const { run_id } = await c.startRun();
  c.logMetric(run_id, 'bg', 1);
  for (let i = 0; i < 100 && history(s, run_id, 'bg').length === 0; i++) await new Promise(r => setTimeout(r, 20));
  assert.equal(history(s, run_id, 'bg').length, 1);
  await c.close();
});

test('2,500 metrics + 150 params + 120 tags in one logBatch go as MLflow-sized requests and all arrive', async () => {
  const s = await server();
  const proxy = await recordingProxy(s.url);
  try {
    const c = client(proxy.url);
    const { run_id } = await c.startRun();
    const ts = Date.now();
    const metrics: Metric[] = Array.from({ length: 2500 }, (_, i) => ({ key: `m${i % 5}`, value: i, step: Math.floor(i / 5), timestamp: ts }));
    const params: KeyValue[] = Array.from({ length: 150 }, (_, i) => ({ key: `p${i}`, value: `v${i}` }));
    const tags: KeyValue[] = Array.from({ length: 120 }, (_, i) => ({ key: `t${i}`, value: `w${i}` }));
    c.logBatch(run_id, { metrics, params, tags });
    await c.flush();
    assert.ok(proxy.batches.length >= 3, `${proxy.batches.length} requests`);
    for (const b of proxy.batches) {
      assert.ok(b.metrics <= 1000 && b.params <= 100 && b.tags <= 100 && b.metrics + b.params + b.tags <= 1000, JSON.stringify(b));
    }
    const sum = (k: 'metrics' | 'params' | 'tags') => proxy.batches.reduce((n, b) => n + b[k], 0);
    assert.deepEqual([sum('metrics'), sum('params'), sum('tags')], [2500, 150, 120]);
    for (let k = 0; k < 5; k++) {
      const h = history(s, run_id, `m${k}`);
      assert.equal(h.length, 500);
      assert.deepEqual(h.map(m => m.value), Array.from({ length: 500 }, (_, i) => i * 5 + k));
    }
    const p = storedParams(s, run_id);
    assert.equal(Object.keys(p).length, 150);
    assert.equal(p.p149, 'v149');
    const t = storedTags(s, run_id);
    assert.equal(Object.keys(t).filter(k => /^t\d+$/.test(k)).length, 120);
    assert.equal(t.t119, 'w119');
  } finally {
    await proxy.close();
  }
});

test('NaN and ±Infinity round-trip', async () => {
  const s = await server();
  const c = client(s.url);
  const { run_id } = await c.startRun();
  [NaN, Infinity, -Infinity, 0, -1.5e-300].forEach((v, step) => c.logMetric(run_id, 'odd', v, step));
  await c.flush();
  assert.deepEqual(history(s, run_id, 'odd').map(m => m.value), ['NaN', 'Infinity', '-Infinity', 0, -1.5e-300]);
  const run = await c.getRun(run_id);
  assert.equal(run.data.metrics.find(m => m.key === 'odd')?.value, -1.5e-300);
  const points = await c.metricIntervals([run_id], 'odd');
  assert.deepEqual(points.map(m => m.value), ['NaN', 'Infinity', '-Infinity', 0, -1.5e-300]);
});

test('endRun flushes, then marks the run FINISHED with an end time', async () => {
  const s = await server();
  const c = client(s.url);
  const { run_id } = await c.startRun();
  const before = Date.now();
  c.logMetric(run_id, 'last', 42, 9);
  await c.endRun(run_id);
  assert.equal(history(s, run_id, 'last')[0].value, 42);
  const info = (await c.getRun(run_id)).info;
  assert.equal(info.status, 'FINISHED');
  assert.ok(info.end_time !== undefined && info.end_time >= before, `end_time ${info.end_time}`);
  const failed = await c.startRun();
  await c.endRun(failed.run_id, 'FAILED');
  assert.equal((await c.getRun(failed.run_id)).info.status, 'FAILED');
});

test('a changed param value: flush rejects with INVALID_PARAMETER_VALUE, and the good data still arrives', async () => {
  const s = await server();
  const c = client(s.url);
  const { run_id } = await c.startRun();
  c.logParams(run_id, { lr: 0.1 });
  await c.flush();
  for (let step = 0; step < 20; step++) c.logMetric(run_id, 'loss', step, step);
  c.logParams(run_id, { lr: 0.2, epochs: 5 });
  c.setTags(run_id, { stage: 'tuning' });
  await assert.rejects(c.flush(), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 400);
    assert.equal(e.code, 'INVALID_PARAMETER_VALUE');
    assert.match(e.message, /Changing param values is not allowed.*'lr'/);
    return true;
  });
  assert.equal(history(s, run_id, 'loss').length, 20, 'the metrics buffered with the bad param are not lost');
  assert.deepEqual(storedParams(s, run_id), { lr: '0.1', epochs: '5' }, 'only the changed value was refused');
  assert.equal(storedTags(s, run_id).stage, 'tuning');
  c.logMetric(run_id, 'loss', 20, 20);
  await c.flush(); // the refused param is not retried forever
  assert.equal(history(s, run_id, 'loss').length, 21);
  await c.endRun(run_id);
  assert.equal((await c.getRun(run_id)).info.status, 'FINISHED');
});

test('the same param logged twice with the same value before a flush is not refused', async () => {
  const s = await server();
  const c = client(s.url);
  const { run_id } = await c.startRun();
  c.logParams(run_id, { seed: 7 });
  c.logParams(run_id, { seed: 7, model: 'cnn' });
  await c.flush();
  assert.deepEqual(storedParams(s, run_id), { seed: '7', model: 'cnn' });
});

test('a refused batch for one run does not hold back another run', async () => {
  const s = await server();
  const c = client(s.url);
  const first = await c.startRun();
  const second = await c.startRun();
  c.logMetric('no-such-run', 'x', 1);
  c.logMetric(first.run_id, 'x', 1);
  c.logMetric(second.run_id, 'x', 2);
  await assert.rejects(c.flush(), (e: unknown) => e instanceof ApiError && e.code === 'RESOURCE_DOES_NOT_EXIST');
  assert.equal(history(s, first.run_id, 'x').length, 1);
  assert.equal(history(s, second.run_id, 'x').length, 1);
  await c.close();
});

test('while the server answers 503, nothing is dropped: the whole buffer arrives, in order, once it is back', async () => {
  const s = await server();
  const proxy = await recordingProxy(s.url);
  try {
    const c = client(proxy.url, { retries: 0 });
    const { run_id } = await c.startRun();
    for (let step = 0; step < 1500; step++) c.logMetric(run_id, 'loss', step, step);
    c.logParams(run_id, { lr: 0.1 });
    proxy.down = 503;
    await assert.rejects(c.flush(), (e: unknown) => e instanceof ApiError && e.status === 503);
    await assert.rejects(c.flush(), (e: unknown) => e instanceof ApiError && e.status === 503);
    assert.equal(history(s, run_id, 'loss').length, 0);
    proxy.down = undefined;
    await c.flush();
    assert.deepEqual(history(s, run_id, 'loss').map(m => m.step), Array.from({ length: 1500 }, (_, i) => i));
    assert.deepEqual(storedParams(s, run_id), { lr: '0.1' });
  } finally {
    await proxy.close();
  }
});

test('with a token server: the client with the token works, one without gets 401', async () => {
  const s = await server({ token: 't0k' });
  const withToken = client(s.url, { token: 't0k' });
  const { run_id } = await withToken.startRun({ experimentName: 'secured' });
  withToken.logMetric(run_id, 'm', 1);
  await withToken.endRun(run_id);
  assert.equal(history(s, run_id, 'm').length, 1);
  const saved = process.env.MLFLOW_TRACKING_TOKEN;
  delete process.env.MLFLOW_TRACKING_TOKEN;
  try {
    const without = client(s.url);
    await assert.rejects(without.startRun(), (e: unknown) => e instanceof ApiError && e.status === 401 && e.code === 'UNAUTHENTICATED');
    await assert.rejects(client(s.url, { token: 'wrong' }).getRun(run_id), (e: unknown) => e instanceof ApiError && e.status === 401);
  } finally {
    if (saved !== undefined) process.env.MLFLOW_TRACKING_TOKEN = saved;
  }
});

test('a closed port: rejects with a clear "cannot reach" ApiError after the retries', async () => {
  const probe = net.createServer();
  await new Promise<void>(r => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise(r => probe.close(r));
  const c = client(`http://127.0.0.1:${port}/`, { retries: 1 });
  assert.equal(c.trackingUri, `http://127.0.0.1:${port}`);
  await assert.rejects(c.startRun({ experimentId: '0' }), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 0);
    assert.equal(e.code, 'UNAVAILABLE');
    assert.match(e.message, new RegExp(`^cannot reach http://127\\.0\\.0\\.1:${port}`));
    return true;
  });
  c.logMetric('r1', 'm', 1);
  await assert.rejects(c.flush(), /cannot reach/);
  await assert.rejects(c.flush(), /cannot reach/, 'unsent data stays queued while the server is unreachable');
});

test('a client without an http(s) tracking URI is refused at construction', () => {
  const saved = process.env.MLFLOW_TRACKING_URI;
  delete process.env.MLFLOW_TRACKING_URI;
  try {
    assert.throws(() => new TrackingClient(), /needs an http\(s\) trackingUri/);
    assert.throws(() => new TrackingClient({ trackingUri: 'file:///tmp/mlruns' }), /needs an http\(s\) trackingUri/);
  } finally {
    if (saved !== undefined) process.env.MLFLOW_TRACKING_URI = saved;
  }
});
