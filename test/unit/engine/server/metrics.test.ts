// metrics/get-history (paged) and metrics/get-history-bulk-interval (down-sampling) over real HTTP.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startTestServer, type TestServer } from '../../../helpers/workspace';
import { fails, ok } from '../../../helpers/replies';

const qs = (o: Record<string, string | number | (string | number)[]>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, String(x));
  return p.toString();
};
const pointKey = (m: any) => `${m.step}|${m.timestamp}|${m.value}`;

describe('metrics/get-history', () => {
  let s: TestServer;
  let run: string;
  const points: { key: string; value: number | string; timestamp: number; step: number }[] = [];
  before(async () => {
    s = await startTestServer();
    run = (await ok(s.call('POST', 'runs/create', { experiment_id: '0', start_time: 1 }))).run.info.run_id;
    // 240 points: several values per step and timestamp, plus NaN and ±Infinity at chosen places.
    for (let i = 0; i < 240; i++) {
      const special = i === 13 ? 'NaN' : i === 50 ? 'Infinity' : i === 51 ? '-Infinity' : undefined;
      points.push({ key: 'loss', value: special ?? Math.round(Math.sin(i) * 1000) / 1000, timestamp: 1000 + Math.floor(i / 3), step: Math.floor(i / 2) });
    }
    for (let i = 0; i < points.length; i += 100) await ok(s.call('POST', 'runs/log-batch', { run_id: run, metrics: points.slice(i, i + 100) }));
  });
  after(async () => { await s.close(); fs.rmSync(s.ws, { recursive: true, force: true }); });

  test('without max_results returns every point with {key, value, timestamp, step} and no token', async () => {
    const b = await ok(s.call('GET', `metrics/get-history?${qs({ run_id: run, metric_key: 'loss' })}`));
    assert.equal(b.next_page_token, undefined);
    assert.equal(b.metrics.length, 240);
    for (const m of b.metrics) {
      assert.deepEqual(Object.keys(m).sort(), ['key', 'step', 'timestamp', 'value']);
      assert.equal(typeof m.step, 'number');
      assert.equal(typeof m.timestamp, 'number');
    }
    assert.deepEqual(new Set(b.metrics.map(pointKey)), new Set(points.map(pointKey)));
    const specials = b.metrics.filter((m: any) => typeof m.value === 'string').map((m: any) => m.value).sort();
    assert.deepEqual(specials, ['-Infinity', 'Infinity', 'NaN']);
  });

  test('run_uuid is accepted instead of run_id', async () => {
    const b = await ok(s.call('GET', `metrics/get-history?${qs({ run_uuid: run, metric_key: 'loss', max_results: 5 })}`));
    assert.equal(b.metrics.length, 5);
  });

  test('max_results + page_token return every point exactly once, for any page size', async () => {
    for (const size of [1, 7, 100, 239, 240, 1000]) {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const b = await ok(s.call('GET', `metrics/get-history?${qs({ run_id: run, metric_key: 'loss', max_results: size, ...(token ? { page_token: token } : {}) })}`));
        assert.ok(b.metrics.length <= size);
        seen.push(...b.metrics.map(pointKey));
        token = b.next_page_token;
        pages++;
      } while (token && pages < 1000);
      assert.equal(seen.length, 240, `page size ${size}`);
      assert.equal(new Set(seen).size, 240, `page size ${size}: no duplicates`);
      assert.equal(pages, Math.ceil(240 / size), `page size ${size}`);
    }
  });

  test('errors: missing metric_key or run_id, bad max_results, bad page_token', async () => {
    await fails(s.call('GET', `metrics/get-history?${qs({ run_id: run })}`), 400, 'INVALID_PARAMETER_VALUE', /metric_key/);
    await fails(s.call('GET', `metrics/get-history?${qs({ metric_key: 'loss' })}`), 400, 'INVALID_PARAMETER_VALUE', /run_id/);
    await fails(s.call('GET', `metrics/get-history?${qs({ run_id: run, metric_key: 'loss', max_results: 0 })}`), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('GET', `metrics/get-history?${qs({ run_id: run, metric_key: 'loss', max_results: 'x' })}`), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('GET', `metrics/get-history?${qs({ run_id: run, metric_key: 'loss', page_token: 'bm9wZQ==' })}`), 400, 'INVALID_PARAMETER_VALUE', /page token/i);
  });

  test('an unknown metric key or run has no points', async () => {
    const b = await ok(s.call('GET', `metrics/get-history?${qs({ run_id: run, metric_key: 'nothing' })}`));
    assert.equal(b.metrics?.length ?? 0, 0);
    const c = await ok(s.call('GET', `metrics/get-history?${qs({ run_id: 'a'.repeat(32), metric_key: 'loss' })}`));
    assert.equal(c.metrics?.length ?? 0, 0);
  });
});

describe('metrics/get-history-bulk-interval', () => {
  const N = 100_000;
  const MIN_STEP = 31_337;
  const MAX_STEP = 77_777;
  let s: TestServer;
  let big: string;
  let small: string;
  before(async () => {
    s = await startTestServer();
    const mk = async () => (await ok(s.call('POST', 'runs/create', { experiment_id: '0', start_time: 1 }))).run.info.run_id;
    big = await mk();
    small = await mk();
    for (let start = 0; start < N; start += 1000) {
      const metrics = [];
      for (let step = start; step < start + 1000; step++) {
        const value = step === MIN_STEP ? -1000 : step === MAX_STEP ? 1000 : Math.sin(step / 500) * 10 + (step % 7) / 10;
        metrics.push({ key: 'loss', value, timestamp: 1_700_000_000_000 + step, step });
      }
      await ok(s.call('POST', 'runs/log-batch', { run_id: big, metrics }));
    }
    await ok(s.call('POST', 'runs/log-batch', { run_id: small, metrics: Array.from({ length: 10 }, (_, i) => ({ key: 'loss', value: i, timestamp: 5 + i, step: i * 3 })) }));
  });
  after(async () => { await s.close(); fs.rmSync(s.ws, { recursive: true, force: true }); });
  const bulk = (q: Record<string, string | number | (string | number)[]>) => s.call('GET', `metrics/get-history-bulk-interval?${qs(q)}`);

  test('down-samples a 100,000-point series to <= max_results, keeping the global min and max, first and last', async () => {
    for (const max of [10, 500, 2500]) {
      const b = await ok(bulk({ run_ids: [big], metric_key: 'loss', max_results: max }));
      const pts = b.metrics;
      assert.ok(pts.length > 1 && pts.length <= max, `max_results=${max}: got ${pts.length}`);
      const values = pts.map((m: any) => m.value);
      assert.ok(values.includes(-1000), `max_results=${max}: global min kept`);
      assert.ok(values.includes(1000), `max_results=${max}: global max kept`);
      assert.ok(pts.some((m: any) => m.step === MIN_STEP) && pts.some((m: any) => m.step === MAX_STEP));
      assert.equal(pts[0].step, 0);
      assert.equal(pts[pts.length - 1].step, N - 1);
      for (let i = 1; i < pts.length; i++) assert.ok(pts[i].step > pts[i - 1].step, 'ordered by step');
      assert.deepEqual(Object.keys(pts[0]).sort(), ['key', 'run_id', 'step', 'timestamp', 'value']);
      assert.equal(pts[0].run_id, big);
      assert.equal(pts[0].timestamp, 1_700_000_000_000);
    }
  });

  test('defaults to at most 2500 points per run; several runs come back in request order with run_id', async () => {
    const b = await ok(bulk({ run_ids: [small, big], metric_key: 'loss' }));
    const smallPts = b.metrics.filter((m: any) => m.run_id === small);
    const bigPts = b.metrics.filter((m: any) => m.run_id === big);
    assert.ok(bigPts.length <= 2500 && bigPts.length > 100);
    assert.deepEqual(smallPts.map((m: any) => m.step), [0, 3, 6, 9, 12, 15, 18, 21, 24, 27], 'a short series is returned whole');
    assert.equal(b.metrics[0].run_id, small);
    assert.equal(b.metrics[b.metrics.length - 1].run_id, big);
  });

  test('start_step/end_step restrict the range (inclusive) and still respect max_results', async () => {
    const b = await ok(bulk({ run_ids: [big], metric_key: 'loss', start_step: 31_000, end_step: 31_999, max_results: 100 }));
    assert.ok(b.metrics.length <= 100 && b.metrics.length > 10);
    assert.ok(b.metrics.every((m: any) => m.step >= 31_000 && m.step <= 31_999));
    assert.ok(b.metrics.some((m: any) => m.step === MIN_STEP && m.value === -1000));
    const whole = await ok(bulk({ run_ids: [big], metric_key: 'loss', start_step: 10, end_step: 19 }));
    assert.deepEqual(whole.metrics.map((m: any) => m.step), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  test('an unknown run or key contributes no points', async () => {
    const b = await ok(bulk({ run_ids: ['b'.repeat(32)], metric_key: 'loss' }));
    assert.equal(b.metrics?.length ?? 0, 0);
    const c = await ok(bulk({ run_ids: [big], metric_key: 'nope' }));
    assert.equal(c.metrics?.length ?? 0, 0);
  });

  test('validates run_ids (missing, more than 100), metric_key, max_results (1..2500) and the step range', async () => {
    await fails(bulk({ metric_key: 'loss' }), 400, 'INVALID_PARAMETER_VALUE', /run_ids/);
    const many = Array.from({ length: 101 }, (_, i) => `run${i}`);
    await fails(bulk({ run_ids: many, metric_key: 'loss' }), 400, 'INVALID_PARAMETER_VALUE', /at most 100 run_ids\. Received 101/);
    await ok(bulk({ run_ids: many.slice(0, 100), metric_key: 'loss' }));
    await fails(bulk({ run_ids: [big] }), 400, 'INVALID_PARAMETER_VALUE', /metric_key/);
    for (const max of [0, -1, 2501]) {
      await fails(bulk({ run_ids: [big], metric_key: 'loss', max_results: max }), 400, 'INVALID_PARAMETER_VALUE', /max_results must be between 1 and 2500/);
    }
    await ok(bulk({ run_ids: [big], metric_key: 'loss', max_results: 1 }));
    await fails(bulk({ run_ids: [big], metric_key: 'loss', start_step: 5 }), 400, 'INVALID_PARAMETER_VALUE', /both must be specified/);
    await fails(bulk({ run_ids: [big], metric_key: 'loss', end_step: 5 }), 400, 'INVALID_PARAMETER_VALUE', /both must be specified/);
    await fails(bulk({ run_ids: [big], metric_key: 'loss', start_step: 9, end_step: 3 }), 400, 'INVALID_PARAMETER_VALUE', /end_step must be greater than start_step/);
  });

  test('the /ajax-api/2.0 prefix serves bulk-interval (the UI path)', async () => {
    const r = await s.call('GET', `/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval?${qs({ run_ids: [small], metric_key: 'loss' })}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.metrics.length, 10);
  });
});
