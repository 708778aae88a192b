// The endpoint's HTTP surface besides scoring: /ping, /health, /version, /metadata, /stats, content types,
// keep-alive, and binding to loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { VERSION } from '../../../../src/engine/server/handlers/meta';
import { ECHO, IRIS, MULTI, get, invoke, iris, predictions, serve, type Served } from '../../../helpers/serving';

let irisEp: Served;
let multiEp: Served;
let echoEp: Served;

before(async () => {
  [irisEp, multiEp, echoEp] = await Promise.all([serve(IRIS, { maxBatch: 32, maxWaitMs: 3 }), serve(MULTI), serve(ECHO)]);
});
after(async () => {
  await Promise.all([irisEp, multiEp, echoEp].map(s => s?.close()));
});

test('/ping is an empty 200 and /health says OK', async () => {
  const ping = await get(irisEp.url, '/ping');
  assert.equal(ping.status, 200);
  assert.equal(ping.text, '');
  const health = await get(irisEp.url, '/health');
  assert.equal(health.status, 200);
  assert.equal(health.text, 'OK');
  assert.match(String(health.headers['content-type']), /^text\/plain/);
  assert.equal((await get(irisEp.url, '/ping?probe=1')).status, 200, 'a query string does not change the route');
});

test('/version gives the server version and, for a file, no model version', async () => {
  const r = await get(irisEp.url, '/version');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { server: VERSION, model_version: null });
});

test('/metadata gives the ref, file, input and output names, types and shapes, and the batching settings', async () => {
  const r = await get(irisEp.url, '/metadata');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, {
    ref: IRIS, name: null, version: null, file: IRIS,
    inputs: [{ name: 'input', type: 'float32', shape: ['N', 4] }],
    outputs: [{ name: 'label', type: 'int64', shape: ['N'] }, { name: 'probabilities', type: 'float32', shape: ['N', 3] }],
    batchable: true, max_batch: 32, max_wait_ms: 3,
  });
});

test('/metadata of the multi-input and string models lists every tensor', async () => {
  const m = (await get(multiEp.url, '/metadata')).body;
  assert.deepEqual(m.inputs, [
    { name: 'x', type: 'float32', shape: ['N', 3] }, { name: 'scale', type: 'float64', shape: ['N', 1] },
    { name: 'count', type: 'int64', shape: ['N', 1] }, { name: 'flag', type: 'bool', shape: ['N', 1] },
  ]);
  assert.deepEqual(m.outputs.map((o: { name: string; type: string }) => `${o.name}:${o.type}`), ['y:float32', 'scaled:float64', 'count_plus:int64', 'not_flag:bool', 'total:float32']);
  assert.equal(m.max_batch, 64, 'default max batch');
  assert.equal(m.max_wait_ms, 0, 'default max wait: adaptive');
  const e = (await get(echoEp.url, '/metadata')).body;
  assert.deepEqual([e.inputs, e.outputs], [[{ name: 'text', type: 'string', shape: ['N', 1] }], [{ name: 'text_out', type: 'string', shape: ['N', 1] }]]);
});

test('/stats summarises requests, errors and latency for the VS Code view', async () => {
  const before = (await get(echoEp.url, '/stats')).body;
  await invoke(echoEp.url, { inputs: { text: [['a']] } });
  await invoke(echoEp.url, { inputs: { text: [[1]] } });
  const s = (await get(echoEp.url, '/stats')).body;
  assert.equal(s.requests - before.requests, 2);
  assert.equal(s.errors - before.errors, 1);
  assert.equal(s.ref, ECHO);
  assert.equal(s.version, null);
  assert.ok(s.p50_ms > 0 && s.p99_ms >= s.p50_ms, JSON.stringify(s));
  assert.ok(s.rps > 0 && s.uptime_s >= 0, JSON.stringify(s));
});

test('replies are JSON with a Content-Length, and a keep-alive connection serves many requests', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const sockets = new Set<unknown>();
    agent.on('free', s => sockets.add(s));
    for (let i = 0; i < 20; i++) {
      const r = await invoke(irisEp.url, { inputs: [iris.input[i % 7]] }, 'application/json', '/invocations', agent);
      assert.equal(predictions(r).label[0], iris.label[i % 7]);
      assert.match(String(r.headers['content-type']), /^application\/json/);
      assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.text));
    }
    assert.equal(sockets.size, 1, 'one socket for twenty requests');
  } finally {
    agent.destroy();
  }
});

test('the endpoint listens on 127.0.0.1 only', () => {
  const a = irisEp.server.address() as { address: string; port: number };
  assert.equal(a.address, '127.0.0.1');
  assert.equal(irisEp.url, `http://127.0.0.1:${a.port}`);
});
