// Monitors end to end in one engine: a run's dataset input as the reference, an endpoint's request log as the
// current data, the stored check and its history, concurrent runs joining one job, due schedules, and mistakes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { dueMonitors, listMonitors, monitorHistory, runCheck, runMonitor, volumeAlert } from '../../../../src/engine/drift/monitorService';
import { demoCustomersCsv } from '../../../../src/engine/drift/demo';
import { MonitorsError } from '../../../../src/engine/drift/monitors';
import { MlflowError } from '../../../../src/engine/errors';
import { openEngine } from '../../../helpers/workspace';

const engine = openEngine();
const ws = engine.workspace;
after(() => { engine.close(); fs.rmSync(ws, { recursive: true, force: true }); });

const NOW = Date.UTC(2025, 2, 1, 12);
fs.mkdirSync(path.join(ws, 'data'));
fs.writeFileSync(path.join(ws, 'data', 'train.csv'), demoCustomersCsv(4000, 7));
fs.writeFileSync(path.join(ws, 'data', 'today.csv'), demoCustomersCsv(2500, 11, 6));
const runId = engine.runs.create({ experimentId: '0', runName: 'train', tags: [] }).info.run_id;
engine.runData.logInputs(runId, [{ dataset: { name: 'customers', digest: 'abc123', source_type: 'local', source: 'data/train.csv' }, tags: [] }]);

// The serving log: 200 requests with one row each over the last 50 minutes, 'x' shifted after the first 100.
const rows = Array.from({ length: 200 }, (_, i) => ({
  endpoint: 'scorer', time: NOW - 50 * 60_000 + i * 15_000, model_name: null, model_version: null, latency_ms: 2, status: 200,
  inputs: JSON.stringify({ dataframe_split: { columns: ['x', 'k'], data: [[(i % 37) / 3 + (i >= 100 ? 8 : 0), i % 2 ? 'a' : 'b']] } }), outputs: '[0.5]',
}));
engine.store.servingLog.insertMany(rows);

fs.writeFileSync(path.join(ws, '.mlops', 'monitors.yaml'), `monitors:
  nightly:
    reference: {run: ${runId}, dataset: customers}
    current: {file: data/today.csv}
    schedule: 30m
    thresholds:
      income: {test: psi, threshold: 0.2}
  serving:
    reference: {endpoint: scorer, window: 60m}
    current: endpoint:scorer@25m
    columns: [x, k]
  manual:
    reference: data/train.csv
    current: data/train.csv
`);

test('a run input against a file: the stored check, its history and the monitor list', async () => {
  assert.deepEqual(listMonitors(engine).map(s => [s.monitor.name, s.lastCheck]), [['nightly', undefined], ['serving', undefined], ['manual', undefined]]);
  const c = await runMonitor(engine, 'nightly', { now: NOW });
  assert.equal(c.monitor, 'nightly');
  assert.equal(c.time, NOW);
  assert.deepEqual(c.report.driftedColumns, ['session_minutes']);
  assert.equal(c.report.reference.source, `run ${runId} input customers`);
  assert.equal(c.report.columns.find(x => x.column === 'income')!.verdict.test, 'psi');
  assert.deepEqual(engine.store.drift.get(c.id)!.report, c.report);
  const [h] = monitorHistory(engine, 'nightly');
  assert.equal(h.id, c.id);
  assert.deepEqual(h.columnResults.map(r => r.column)[0], 'session_minutes');
  assert.equal(listMonitors(engine).find(s => s.monitor.name === 'nightly')!.lastCheck!.id, c.id);
});

test('an endpoint window against an earlier window of the same endpoint', async () => {
  const c = await runMonitor(engine, 'serving', { now: NOW });
  assert.equal(c.report.reference.rows, 200);
  assert.equal(c.report.current.rows, 100, 'the last 25 minutes');
  assert.deepEqual(c.report.columns.map(x => x.column).sort(), ['k', 'x']);
  assert.deepEqual(c.report.driftedColumns, ['x']);
  assert.equal(c.report.columns[0].verdict.test, 'ks', 'a small reference takes a p-value test');
});

test('concurrent runs of one monitor join one job; different monitors run apart', async () => {
  const [a, b, other] = await Promise.all([runMonitor(engine, 'manual'), runMonitor(engine, 'manual'), runMonitor(engine, 'nightly')]);
  assert.equal(a.id, b.id);
  assert.notEqual(a.id, other.id);
  assert.equal(a.drift, false);
  const next = await runMonitor(engine, 'manual');
  assert.ok(next.id > a.id, 'a finished job is not reused');
  assert.deepEqual(monitorHistory(engine, 'manual').map(h => h.id), [next.id, a.id]);
});

test('dueMonitors: scheduled monitors whose last check is older than the schedule', async () => {
  const last = listMonitors(engine).find(s => s.monitor.name === 'nightly')!.lastCheck!;
  assert.deepEqual(dueMonitors(engine, last.time + 29 * 60_000).map(m => m.name), []);
  assert.deepEqual(dueMonitors(engine, last.time + 30 * 60_000).map(m => m.name), ['nightly']);
});

test('data-quality alerts count: a constant reference under `default: {test: psi}`, a one-row current, volume_change', async () => {
  const file = path.join(ws, '.mlops', 'monitors.yaml');
  const before = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(path.join(ws, 'data', 'const-ref.csv'), `x,y\n${Array.from({ length: 200 }, (_, i) => `1.5,${i % 9}`).join('\n')}\n`);
  fs.writeFileSync(path.join(ws, 'data', 'const-cur.csv'), `x,y\n${Array.from({ length: 200 }, (_, i) => `${i % 20 === 0 ? 'inf' : i % 20 === 10 ? 2.5 : 1.5},${i % 9}`).join('\n')}\n`);
  fs.writeFileSync(path.join(ws, 'data', 'one.csv'), 'x,y\n1.5,3\n');
  fs.writeFileSync(file, `monitors:
  constant:
    reference: data/const-ref.csv
    current: data/const-cur.csv
    thresholds:
      default: {test: psi}
  shrunk:
    reference: data/const-ref.csv
    current: data/one.csv
  shrunk-ok:
    reference: data/const-ref.csv
    current: data/one.csv
    volume_change: false
`);
  try {
    const c = await runMonitor(engine, 'constant', { now: NOW });
    const x = c.report.columns.find(col => col.column === 'x')!;
    assert.equal(x.note, undefined);
    assert.equal(x.verdict.test, 'ks');
    assert.ok(Number.isFinite(x.verdict.pValue));
    assert.equal(c.alert, true);
    assert.equal(c.report.alert, true);
    const s = await runMonitor(engine, 'shrunk', { now: NOW });
    assert.deepEqual([s.drift, s.alert], [false, true]);
    assert.match(s.report.qualityAlerts.join('\n'), /^volume -99\.5 %: 1 row against 200/m);
    const ok = await runMonitor(engine, 'shrunk-ok', { now: NOW });
    assert.ok(!ok.report.qualityAlerts.some(a => a.startsWith('volume')), ok.report.qualityAlerts.join('\n'));
  } finally {
    fs.writeFileSync(file, before);
  }
});

test('volumeAlert: the configured threshold, else the default except between a request window and a data set', () => {
  const file = { kind: 'file' as const, path: 'a.csv' };
  const endpoint = { kind: 'endpoint' as const, endpoint: 'e', windowMinutes: 60 };
  assert.equal(volumeAlert(file, file), undefined);
  assert.equal(volumeAlert(endpoint, endpoint), undefined);
  assert.equal(volumeAlert({ kind: 'run', runId: 'r' }, file), undefined);
  assert.equal(volumeAlert(file, endpoint), false);
  assert.equal(volumeAlert(endpoint, file), false);
  assert.equal(volumeAlert(file, endpoint, 0.3), 0.3);
  assert.equal(volumeAlert(file, file, false), false);
});

test('ad-hoc checks and mistakes', async () => {
  const r = await runCheck(engine, { reference: { kind: 'file', path: 'data/train.csv' }, current: { kind: 'file', path: 'data/today.csv' }, columns: ['age', 'plan'] });
  assert.deepEqual(r.columns.map(c => c.column).sort(), ['age', 'plan']);
  await assert.rejects(runMonitor(engine, 'nope'), (e: unknown) => e instanceof MlflowError && e.code === 'RESOURCE_DOES_NOT_EXIST' && /no monitor 'nope' .*\(monitors: nightly, serving, manual\)/.test(e.message));
  await assert.rejects(runCheck(engine, { reference: { kind: 'run', runId, dataset: 'other' }, current: { kind: 'file', path: 'data/today.csv' } }),
    (e: unknown) => e instanceof MlflowError && e.code === 'RESOURCE_DOES_NOT_EXIST');
  fs.writeFileSync(path.join(ws, '.mlops', 'monitors.yaml'), 'monitors:\n  x:\n    reference: a.csv\n');
  assert.throws(() => listMonitors(engine), (e: unknown) => e instanceof MonitorsError && e.line === 2 && /needs 'current'/.test(e.reason));
  assert.equal(monitorHistory(engine, 'nightly').length, 2, 'history outlives a broken file');
});
