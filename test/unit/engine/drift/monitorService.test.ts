// Monitors end to end in one engine: a run's dataset input as the reference, an endpoint's request log as the
// current data, the stored check and its history, concurrent runs joining one job, due schedules, and mistakes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { dueMonitors, listMonitors, monitorHistory, runCheck, runMonitor } from '../../../../src/engine/drift/monitorService';
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
