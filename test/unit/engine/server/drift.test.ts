// drift/check, drift/checks/get and monitors/* over real HTTP: reports, stored checks, monitors.yaml problems as
// data (list) or 400 (run), and every client mistake as an MLflow error (400 / 404), never a 500.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from '../../../helpers/workspace';
import { fails, ok } from '../../../helpers/replies';
import { seedDemoDrift, DEMO_DRIFTED_COLUMN, DEMO_CURRENT, DEMO_REFERENCE } from '../../../../src/engine/drift/demo';

const API = '/api/2.0/mlops';
let s: TestServer;
before(async () => { s = await startTestServer(); seedDemoDrift(s.ws); });
after(async () => { await s.close(); fs.rmSync(s.ws, { recursive: true, force: true }); });

describe('POST drift/check', () => {
  test('compares two files (one-line and mapping sources); stores only when asked', async () => {
    const body = await ok(s.call('POST', `${API}/drift/check`, { reference: DEMO_REFERENCE, current: { file: DEMO_CURRENT } }));
    assert.deepEqual(body.report.driftedColumns, [DEMO_DRIFTED_COLUMN]);
    assert.equal(body.report.drift, true);
    assert.equal(body.report.reference.source, DEMO_REFERENCE);
    assert.equal(body.check_id, undefined);
    const stored = await ok(s.call('POST', `${API}/drift/check`, { reference: DEMO_REFERENCE, current: DEMO_CURRENT, store: true, columns: ['age', DEMO_DRIFTED_COLUMN] }));
    assert.equal(typeof stored.check_id, 'number');
    assert.deepEqual(stored.report.columns.map((c: { column: string }) => c.column), [DEMO_DRIFTED_COLUMN, 'age']);
    const got = await ok(s.call('GET', `${API}/drift/checks/get?id=${stored.check_id}`));
    assert.deepEqual(got.check.report, stored.report);
    assert.equal(got.check.monitor, undefined);
    assert.equal(got.check.drift, true);
  });

  test('settings and drift_share change the verdict', async () => {
    const body = await ok(s.call('POST', `${API}/drift/check`, {
      reference: DEMO_REFERENCE, current: DEMO_CURRENT, settings: { [DEMO_DRIFTED_COLUMN]: { test: 'psi', threshold: 5 }, default: { missing: 0.001 } },
    }));
    const c = body.report.columns.find((x: { column: string }) => x.column === DEMO_DRIFTED_COLUMN);
    assert.deepEqual([c.verdict.test, c.verdict.threshold, c.verdict.drift], ['psi', 5, false]);
    assert.equal(body.report.drift, false);
    assert.ok(body.report.qualityAlerts.some((a: string) => /^income: missing/.test(a)), 'default missing threshold applies');
    const share = await ok(s.call('POST', `${API}/drift/check`, { reference: DEMO_REFERENCE, current: DEMO_CURRENT, drift_share: 0.5 }));
    assert.equal(share.report.drift, false);
  });

  test('volume_change: a tighter threshold raises a volume alert (alert, not drift); false turns it off', async () => {
    const vol = (v: unknown) => ok(s.call('POST', `${API}/drift/check`, { reference: DEMO_REFERENCE, current: DEMO_CURRENT, columns: ['age'], volume_change: v }));
    const tight = await vol(0.2); // the demo's current set has 37.5 % fewer rows
    assert.ok(tight.report.qualityAlerts.some((a: string) => /volume/i.test(a)), JSON.stringify(tight.report.qualityAlerts));
    assert.equal(tight.report.alert, true);
    const off = await vol(false);
    assert.ok(!off.report.qualityAlerts.some((a: string) => /volume/i.test(a)));
    await fails(s.call('POST', `${API}/drift/check`, { reference: DEMO_REFERENCE, current: DEMO_CURRENT, volume_change: -1 }), 400, 'INVALID_PARAMETER_VALUE', /'volume_change'/);
    await fails(s.call('POST', `${API}/drift/check`, { reference: DEMO_REFERENCE, current: DEMO_CURRENT, volume_change: 'lots' }), 400, 'INVALID_PARAMETER_VALUE', /'volume_change'/);
  });

  test('client mistakes are 400 / 404 with MLflow error bodies', async () => {
    const check = (b: unknown) => s.call('POST', `${API}/drift/check`, b);
    await fails(check({ current: DEMO_CURRENT }), 400, 'INVALID_PARAMETER_VALUE', /'reference'/);
    await fails(check({ reference: DEMO_REFERENCE }), 400, 'INVALID_PARAMETER_VALUE', /'current'/);
    await fails(check({ reference: 42, current: DEMO_CURRENT }), 400, 'INVALID_PARAMETER_VALUE', /reference: a source is/);
    await fails(check({ reference: { file: 'a.csv', run: 'r' }, current: DEMO_CURRENT }), 400, 'INVALID_PARAMETER_VALUE', /exactly one of file, run or endpoint/);
    await fails(check({ reference: 'endpoint:x@soon', current: DEMO_CURRENT }), 400, 'INVALID_PARAMETER_VALUE', /bad window/);
    await fails(check({ reference: DEMO_REFERENCE, current: DEMO_CURRENT, settings: { age: { test: 'ttest' } } }), 400, 'INVALID_PARAMETER_VALUE', /unknown test 'ttest'/);
    await fails(check({ reference: DEMO_REFERENCE, current: DEMO_CURRENT, drift_share: 2 }), 400, 'INVALID_PARAMETER_VALUE', /drift_share/);
    await fails(check({ reference: DEMO_REFERENCE, current: DEMO_CURRENT, columns: ['nope'] }), 400, 'INVALID_PARAMETER_VALUE', /no column 'nope'/);
    await fails(check({ reference: 'data/missing.csv', current: DEMO_CURRENT }), 404, 'RESOURCE_DOES_NOT_EXIST', /missing\.csv/);
    await fails(check({ reference: 'run:nosuchrun', current: DEMO_CURRENT }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(check({ reference: 'endpoint:nobody', current: DEMO_CURRENT }), 404, 'RESOURCE_DOES_NOT_EXIST', /no logged requests/);
    fs.writeFileSync(path.join(s.ws, 'bad.csv'), 'a,b\n1,2\n3\n');
    await fails(check({ reference: 'bad.csv', current: DEMO_CURRENT }), 400, 'INVALID_PARAMETER_VALUE', /line 3/);
    await fails(s.call('GET', `${API}/drift/checks/get`), 400, 'INVALID_PARAMETER_VALUE', /'id'/);
    await fails(s.call('GET', `${API}/drift/checks/get?id=abc`), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('GET', `${API}/drift/checks/get?id=99999`), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});

describe('monitors', () => {
  test('list → run → list shows the last check → history per column', async () => {
    const before = await ok(s.call('GET', `${API}/monitors/list`));
    assert.equal(before.error, undefined);
    const m = before.monitors.find((x: { name: string }) => x.name === 'customers');
    assert.deepEqual({ ...m, description: undefined }, {
      name: 'customers', description: undefined, reference: DEMO_REFERENCE, current: DEMO_CURRENT, columns: [], schedule_minutes: 60,
    });
    const run = await ok(s.call('POST', `${API}/monitors/run`, { name: 'customers' }));
    assert.equal(run.check.monitor, 'customers');
    assert.equal(run.check.drift, true);
    assert.deepEqual(run.check.report.driftedColumns, [DEMO_DRIFTED_COLUMN]);
    const income = run.check.report.columns.find((c: { column: string }) => c.column === 'income');
    assert.deepEqual([income.verdict.test, income.verdict.threshold], ['psi', 0.2], 'thresholds from monitors.yaml');
    await ok(s.call('POST', `${API}/monitors/run`, { name: 'customers' }));
    const after = await ok(s.call('GET', `${API}/monitors/list`));
    const last = after.monitors.find((x: { name: string }) => x.name === 'customers').last_check;
    assert.deepEqual(Object.keys(last).sort(), ['drift', 'drifted_columns', 'id', 'time']);
    assert.equal(last.drifted_columns, 1);
    assert.ok(last.id > run.check.id);
    const h = await ok(s.call('GET', `${API}/monitors/history?name=customers&max_results=5`));
    assert.equal(h.checks.length, 2);
    assert.ok(h.checks[0].id > h.checks[1].id, 'newest first');
    const col = h.checks[0].columns[DEMO_DRIFTED_COLUMN];
    assert.equal(col.test, 'wasserstein');
    assert.equal(col.drift, true);
    assert.ok(col.statistic > 0.1 && col.threshold === 0.1);
    assert.equal(h.checks[0].columns.income.test, 'psi');
    assert.equal((await ok(s.call('GET', `${API}/monitors/history?name=customers&max_results=1`))).checks.length, 1);
    assert.deepEqual((await ok(s.call('GET', `${API}/monitors/history?name=nobody`))).checks, []);
  });

  test('mistakes: unknown monitor 404, missing name 400, bad max_results 400', async () => {
    await fails(s.call('POST', `${API}/monitors/run`, { name: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST', /no monitor 'nope' in .*monitors\.yaml \(monitors: customers\)/);
    await fails(s.call('POST', `${API}/monitors/run`, {}), 400, 'INVALID_PARAMETER_VALUE', /'name'/);
    await fails(s.call('GET', `${API}/monitors/history?name=customers&max_results=0`), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('GET', `${API}/monitors/history`), 400, 'INVALID_PARAMETER_VALUE', /'name'/);
  });

  test('a broken monitors.yaml: list answers the error as data, run is a 400 naming file:line:col', async () => {
    const file = path.join(s.ws, '.mlops', 'monitors.yaml');
    const good = fs.readFileSync(file, 'utf8');
    try {
      fs.writeFileSync(file, 'monitors:\n  m:\n    reference: a.csv\n    current: b.csv\n    schedule: often\n');
      const list = await ok(s.call('GET', `${API}/monitors/list`));
      assert.deepEqual(list.monitors, []);
      assert.deepEqual(list.error, { message: "'schedule' must be a duration such as 15m, 1h or 1d", file: '.mlops/monitors.yaml', line: 5, col: 15 });
      await fails(s.call('POST', `${API}/monitors/run`, { name: 'm' }), 400, 'INVALID_PARAMETER_VALUE', /monitors\.yaml:5:15: 'schedule' must be a duration/);
      assert.equal((await ok(s.call('GET', `${API}/monitors/history?name=customers`))).checks.length, 2, 'history stays readable');
    } finally {
      fs.writeFileSync(file, good);
    }
  });
});
