// /metrics (Prometheus text): the counters equal exactly the scoring requests sent — by model version, errors
// by HTTP status — the latency histogram counts the successes and the batch-size histogram the ONNX runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_BODY_BYTES } from '../../../../src/engine/serving/server';
import { EndpointMetrics } from '../../../../src/engine/serving/metrics';
import { IRIS, get, invoke, iris, metricSum, parseMetrics, predictions, request, serve } from '../../../helpers/serving';

const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*\{([a-z_]+="[^"\n]*",?)+\} -?[0-9.e+-]+$/;

test('counters, errors by code and both histograms match the requests sent, in valid exposition format', async () => {
  const ep = await serve(IRIS, { maxBatch: 1 });
  try {
    const empty = await get(ep.url, '/metrics');
    assert.equal(empty.status, 200);
    assert.match(String(empty.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    for (const name of ['mlops_requests_total counter', 'mlops_request_errors_total counter', 'mlops_request_latency_ms histogram', 'mlops_batch_size histogram']) {
      assert.ok(empty.text.includes(`# TYPE ${name}`), name);
    }
    assert.equal(metricSum(parseMetrics(empty.text), 'mlops_requests_total'), 0);

    // 3 one-row and 2 seven-row successes; 4 bad inputs and one body too big (400); 2 not scoring (403, 404).
    for (const i of [0, 3, 6]) assert.equal(predictions(await invoke(ep.url, { inputs: [iris.input[i]] })).label[0], iris.label[i]);
    for (let i = 0; i < 2; i++) predictions(await invoke(ep.url, { instances: iris.input }));
    for (const bad of ['', '{', { inputs: [[1, 2, 3]] }, { inputs: [['x', 1, 2, 3]] }]) assert.equal((await invoke(ep.url, bad)).status, 400);
    assert.equal((await request(ep.url, 'POST', '/invocations', Buffer.alloc(MAX_BODY_BYTES + 1, 0x20), { 'Content-Type': 'application/json' })).status, 400);
    assert.equal((await request(ep.url, 'POST', '/invocations', '{}', { Host: 'evil.example' })).status, 403);
    assert.equal((await get(ep.url, '/invocations')).status, 404);

    const text = (await get(ep.url, '/metrics')).text;
    const m = parseMetrics(text);
    const lbl = `model="${IRIS}",version="file"`;
    assert.equal(m.get(`mlops_requests_total{${lbl}}`), 10);
    assert.equal(m.get(`mlops_request_errors_total{model="${IRIS}",code="400"}`), 5);
    assert.equal(metricSum(m, 'mlops_request_errors_total'), 5, 'no other error code');

    assert.equal(m.get(`mlops_request_latency_ms_count{${lbl}}`), 5, 'latency of the successes');
    assert.equal(m.get(`mlops_request_latency_ms_bucket{${lbl},le="+Inf"}`), 5);
    assert.ok(m.get(`mlops_request_latency_ms_sum{${lbl}}`)! > 0);
    const latencyBuckets = [...m].filter(([k]) => k.startsWith('mlops_request_latency_ms_bucket')).map(([, v]) => v);
    assert.ok(latencyBuckets.every((v, i) => i === 0 || v >= latencyBuckets[i - 1]), 'cumulative buckets');

    assert.equal(m.get(`mlops_batch_size_count{${lbl}}`), 5, 'one ONNX run per success with maxBatch 1');
    assert.equal(m.get(`mlops_batch_size_sum{${lbl}}`), 3 + 2 * 7);
    assert.equal(m.get(`mlops_batch_size_bucket{${lbl},le="1"}`), 3);
    assert.equal(m.get(`mlops_batch_size_bucket{${lbl},le="4"}`), 3);
    assert.equal(m.get(`mlops_batch_size_bucket{${lbl},le="8"}`), 5);
    assert.equal(m.get(`mlops_batch_size_bucket{${lbl},le="+Inf"}`), 5);

    for (const line of text.trimEnd().split('\n')) {
      if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
      assert.match(line, SAMPLE);
    }
  } finally {
    await ep.close();
  }
});

test('counts stay exact under 200 concurrent requests, half of them bad', async () => {
  const ep = await serve(IRIS, { maxBatch: 16, maxWaitMs: 5 });
  try {
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => invoke(ep.url, i % 2 ? { inputs: [iris.input[i % 7]] } : { inputs: [[i]] })));
    assert.equal(replies.filter(r => r.status === 200).length, 100);
    assert.equal(replies.filter(r => r.status === 400).length, 100);
    const m = parseMetrics((await get(ep.url, '/metrics')).text);
    assert.equal(metricSum(m, 'mlops_requests_total'), 200);
    assert.equal(metricSum(m, 'mlops_request_errors_total', { code: '400' }), 100);
    assert.equal(metricSum(m, 'mlops_request_latency_ms_count'), 100);
    assert.equal(metricSum(m, 'mlops_batch_size_sum'), 100, 'every good row ran exactly once');
    assert.ok(metricSum(m, 'mlops_batch_size_count') <= 100);
  } finally {
    await ep.close();
  }
});

test('summary(): the requests/s window counts every request of the last 10 s, however many', () => {
  const t0 = Date.now();
  const m = new EndpointMetrics();
  for (let i = 0; i < 25_000; i++) m.request('1', 0.5, i % 10 ? 200 : 400);
  const s = m.summary();
  const elapsed = Math.min(10, Math.max(1, (Date.now() - t0) / 1000)); // summary() divides by uptime, at least 1 s
  assert.equal(s.requests, 25_000);
  assert.equal(s.errors, 2_500);
  assert.ok(s.rps >= 25_000 / elapsed - 1e-9, `${s.rps} requests/s`);
  assert.equal(s.p50_ms, 0.5);
  assert.equal(s.p99_ms, 0.5);
});
