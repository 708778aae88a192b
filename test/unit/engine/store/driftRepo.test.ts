// Stored drift checks: the report round-trips, one row per column for history, newest first per monitor,
// the latest check of each monitor, pruning, and NaN never stored as a statistic.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Store } from '../../../../src/engine/store/store';
import type { ColumnReport, DriftReport } from '../../../../src/engine/drift/types';
import { tempWorkspace } from '../../../helpers/workspace';

const ws = tempWorkspace();
const store = Store.open(ws);
const repo = store.drift;
after(() => { store.close(); fs.rmSync(ws, { recursive: true, force: true }); });

const column = (name: string, statistic: number, drift: boolean, extra: Partial<ColumnReport> = {}): ColumnReport => ({
  column: name, kind: 'numeric', verdict: { test: 'wasserstein', statistic, threshold: 0.1, drift }, stats: { wasserstein_norm: statistic },
  quality: { referenceMissingShare: 0, currentMissingShare: 0, alerts: [] },
  histogram: { kind: 'numeric', edges: [0, 1], reference: [1], current: [1] }, severity: statistic / 0.1, ...extra,
});
function report(time: number, cols: ColumnReport[]): DriftReport {
  const drifted = cols.filter(c => c.verdict.drift).map(c => c.column);
  return {
    reference: { source: 'ref.csv', rows: 100 }, current: { source: 'cur.csv', rows: 80 }, createdAt: time, columns: cols,
    schema: { added: [], removed: [], retyped: [] }, volume: { reference: 100, current: 80, change: -0.2 },
    driftedColumns: drifted, drift: drifted.length > 0, qualityAlerts: [],
  };
}

test('insert + get: the whole report round-trips; the row summarises it', () => {
  const r = report(1000, [column('a', 0.5, true), column('b', 0.01, false)]);
  const id = repo.insert('m1', r);
  const got = repo.get(id)!;
  assert.deepEqual(got.report, r);
  assert.deepEqual({ ...got, report: undefined }, { id, monitor: 'm1', time: 1000, drift: true, driftedColumns: 1, columns: 2, reference: 'ref.csv', current: 'cur.csv', report: undefined });
  assert.equal(repo.get(id + 999), undefined);
  const adhoc = repo.get(repo.insert(undefined, report(1001, [])))!;
  assert.equal(adhoc.monitor, undefined);
  assert.equal(adhoc.drift, false);
});

test('history: newest first, limited, column rows by severity; a note column has no statistic', () => {
  const m = 'hist';
  repo.insert(m, report(1, [column('x', 0.05, false), column('y', 0.3, true)]));
  repo.insert(m, report(2, [column('x', 0.2, true), column('y', NaN, false, { note: 'all values missing in current', severity: 0 })]));
  repo.insert(m, report(3, [column('x', 0.01, false, { verdict: { test: 'ks', statistic: 0.02, pValue: 0.7, threshold: 0.05, drift: false }, severity: 0.25 })]));
  repo.insert('other', report(4, [column('x', 1, true)]));
  const h = repo.history(m);
  assert.deepEqual(h.map(c => c.time), [3, 2, 1]);
  assert.deepEqual(h[0].columnResults, [{ column: 'x', test: 'ks', statistic: 0.02, pValue: 0.7, threshold: 0.05, drift: false, severity: 0.25 }]);
  assert.deepEqual(h[1].columnResults.map(c => [c.column, c.statistic, c.drift]), [['x', 0.2, true], ['y', undefined, false]]);
  assert.deepEqual(h[2].columnResults.map(c => c.column), ['y', 'x']);
  assert.deepEqual(repo.history(m, 2).map(c => c.time), [3, 2]);
  assert.deepEqual(repo.history('nobody'), []);
});

test('latest: the newest check of each monitor, ad-hoc checks excluded', () => {
  const latest = repo.latest();
  assert.equal(latest.get('hist')!.time, 3);
  assert.equal(latest.get('other')!.time, 4);
  assert.equal(latest.get('m1')!.time, 1000);
  assert.ok(![...latest.keys()].includes(undefined as never));
});

test('pruning keeps the newest checks of that monitor only; deleting a monitor removes its column rows', () => {
  for (let i = 0; i < 5; i++) repo.insert('pruned', report(100 + i, [column('x', i, i > 2)]), 3);
  assert.deepEqual(repo.history('pruned').map(c => c.time), [104, 103, 102]);
  assert.equal(repo.history('hist').length, 3);
  assert.equal(repo.deleteMonitor('pruned'), 3);
  const orphans = store.db.prepare('SELECT count(*) AS n FROM drift_check_columns WHERE check_id NOT IN (SELECT id FROM drift_checks)').get() as { n: number };
  assert.equal(orphans.n, 0);
});
