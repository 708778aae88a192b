// `mlops drift` and `mlops monitor` through the real command line (dist/cli.js): the table sorted by severity,
// --json, exit codes 0 / 1 (--fail-on-drift) / 2 (bad input), stored monitor checks, and `mlops demo`'s drift files.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempWorkspace } from '../helpers/workspace';
import { CLI } from '../helpers/engineProcess';
import { seedDemoDrift, DEMO_DRIFTED_COLUMN, DEMO_REFERENCE, DEMO_CURRENT } from '../../src/engine/drift/demo';

interface Result { code: number | null; out: string; err: string }
function mlops(ws: string, ...args: string[]): Result {
  const r = spawnSync(process.execPath, [CLI, '--workspace', ws, ...args], { encoding: 'utf8', timeout: 60_000, cwd: ws });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const ws = tempWorkspace();
seedDemoDrift(ws);
after(() => fs.rmSync(ws, { recursive: true, force: true }));

describe('mlops drift', () => {
  test('prints the columns by severity, the verdicts and the data-set verdict; exit 0 without --fail-on-drift', () => {
    const r = mlops(ws, 'drift', '--reference', DEMO_REFERENCE, '--current', DEMO_CURRENT);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.split('\n');
    const header = lines.findIndex(l => /^column\s+test\s+statistic/.test(l));
    assert.ok(header > 0, r.out);
    assert.match(lines[header + 1], new RegExp(`^${DEMO_DRIFTED_COLUMN}\\s+wasserstein\\s+[\\d.]+\\s+>0\\.1\\s+DRIFT$`));
    assert.equal(lines.filter(l => /\sDRIFT$/.test(l)).length, 1);
    assert.equal(lines.filter(l => /\sok$/.test(l)).length, 5);
    assert.match(r.out, /reference {2}data\/drift\/reference\.csv {2}4000 rows/);
    assert.match(r.out, /current {4}data\/drift\/current\.csv {2}2500 rows \(-37\.5 %\)/);
    assert.match(r.out, new RegExp(`data-set drift: DETECTED — 1 of 6 columns drifted \\(${DEMO_DRIFTED_COLUMN}\\)`));
    assert.ok(!fs.existsSync(path.join(ws, '.mlops', 'tracking.db')), 'a file-only check creates no store');
  });

  test('--fail-on-drift exits 1 on drift and 0 without; --json prints the report; --columns narrows', () => {
    assert.equal(mlops(ws, 'drift', '-r', DEMO_REFERENCE, '-c', DEMO_CURRENT, '--fail-on-drift').code, 1);
    const same = mlops(ws, 'drift', '-r', DEMO_REFERENCE, '-c', DEMO_REFERENCE, '--fail-on-drift');
    assert.equal(same.code, 0, same.err);
    assert.match(same.out, /data-set drift: not detected — 0 of 6 columns drifted/);
    const j = mlops(ws, 'drift', '-r', DEMO_REFERENCE, '-c', DEMO_CURRENT, '--json', '--columns', 'age, plan');
    assert.equal(j.code, 0, j.err);
    const { report } = JSON.parse(j.out);
    assert.deepEqual(report.columns.map((c: { column: string }) => c.column).sort(), ['age', 'plan']);
    assert.equal(report.drift, false);
    const abs = mlops(ws, 'drift', '-r', path.join(ws, DEMO_REFERENCE), '-c', `file:${DEMO_CURRENT}`, '--json', '--drift-share', '0.5');
    assert.equal(abs.code, 0, abs.err);
    assert.equal(JSON.parse(abs.out).report.reference.source, DEMO_REFERENCE, 'paths inside the workspace are shown relative to it');
    assert.equal(JSON.parse(abs.out).report.drift, false, '1 of 6 < 0.5');
  });

  test('a two-valued column on a small reference takes the Z-test: its p-value in the table, z and z_pvalue in --json', () => {
    const rows = (ones: number) => Array.from({ length: 200 }, (_, i) => `${i < ones ? 'yes' : 'no'},${i % 2}`);
    fs.writeFileSync(path.join(ws, 'bin-ref.csv'), `churned,even\n${rows(60).join('\n')}\n`);
    fs.writeFileSync(path.join(ws, 'bin-cur.csv'), `churned,even\n${rows(110).join('\n')}\n`);
    const r = mlops(ws, 'drift', '-r', 'bin-ref.csv', '-c', 'bin-cur.csv');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^churned\s+z\s+p=[\d.e-]+\s+p<0\.05\s+DRIFT$/m);
    assert.match(r.out, /^even\s+z\s+p=1\s+p<0\.05\s+ok$/m);
    const { report } = JSON.parse(mlops(ws, 'drift', '-r', 'bin-ref.csv', '-c', 'bin-cur.csv', '--json').out);
    const churned = report.columns.find((c: { column: string }) => c.column === 'churned');
    assert.ok(churned.stats.z < 0 && churned.stats.z_pvalue < 1e-6, JSON.stringify(churned.stats));
    assert.deepEqual([churned.verdict.test, churned.verdict.pValue], ['z', churned.stats.z_pvalue]);
  });

  test('bad input exits 2 with one clear line', () => {
    const cases: [string[], RegExp][] = [
      [['-r', 'data/nope.csv', '-c', DEMO_CURRENT], /nope\.csv: no such file/],
      [['-r', DEMO_REFERENCE, '-c', DEMO_CURRENT, '--columns', 'age,nope'], /no column 'nope'/],
      [['-r', 'endpoint:', '-c', DEMO_CURRENT], /--reference: 'endpoint:': missing endpoint name/],
      [['-r', DEMO_REFERENCE, '-c', DEMO_CURRENT, '--drift-share', '3'], /--drift-share must be a number in \(0, 1\]/],
      [['-r', DEMO_REFERENCE], /--current is required/],
      [['-r', 'run:abc', '-c', DEMO_CURRENT], /no tracking store/],
    ];
    for (const [args, message] of cases) {
      const r = mlops(ws, 'drift', ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.out} ${r.err}`);
      assert.match(r.err, message);
      assert.ok(!/\n\s+at /.test(r.err), `no stack trace: ${r.err}`);
    }
  });
});

describe('mlops monitor', () => {
  test('list, run (stored, --json, --fail-on-drift), history', () => {
    const list = mlops(ws, 'monitor', 'list');
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /customers\s+data\/drift\/reference\.csv\s+data\/drift\/current\.csv\s+60m\s+never/);
    const run = mlops(ws, 'monitor', 'run', 'customers');
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /data-set drift: DETECTED/);
    assert.match(run.out, /stored as check \d+/);
    assert.equal(mlops(ws, 'monitor', 'run', 'customers', '--fail-on-drift').code, 1);
    const j = mlops(ws, 'monitor', 'run', 'customers', '--json');
    const parsed = JSON.parse(j.out);
    assert.equal(parsed.monitor, 'customers');
    assert.deepEqual(parsed.report.driftedColumns, [DEMO_DRIFTED_COLUMN]);
    const h = mlops(ws, 'monitor', 'history', 'customers', '-n', '2');
    assert.equal(h.code, 0, h.err);
    const rows = h.out.trim().split('\n').slice(1);
    assert.equal(rows.length, 2);
    assert.match(rows[0], new RegExp(`^${parsed.check_id}\\s+\\S+ \\S+\\s+DRIFT\\s+1/6\\s+${DEMO_DRIFTED_COLUMN} wasserstein=`));
    assert.match(mlops(ws, 'monitor', 'list').out, /customers .* DRIFT \(1\/6 columns, check \d+\)/);
    assert.equal(JSON.parse(mlops(ws, 'monitor', 'history', 'customers', '--json').out).length, 3);
  });

  test('unknown monitor and a broken monitors.yaml exit 2 naming the problem', () => {
    const r = mlops(ws, 'monitor', 'run', 'nope');
    assert.equal(r.code, 2);
    assert.match(r.err, /no monitor 'nope'/);
    const file = path.join(ws, '.mlops', 'monitors.yaml');
    const good = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, 'monitors:\n  m:\n    reference: a.csv\n    current: b.csv\n    thresholds:\n      x: {test: magic}\n');
    try {
      for (const args of [['list'], ['run', 'm']]) {
        const b = mlops(ws, 'monitor', ...args);
        assert.equal(b.code, 2);
        assert.match(b.err, /^mlops: \.mlops\/monitors\.yaml:6:17: unknown test 'magic'/);
      }
    } finally {
      fs.writeFileSync(file, good);
    }
  });
});

test('mlops demo writes the drift pair and monitors.yaml, and never overwrites them', () => {
  const demo = tempWorkspace();
  try {
    const r = mlops(demo, 'demo', '--points', '5');
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).driftFiles, 3);
    for (const f of [DEMO_REFERENCE, DEMO_CURRENT, '.mlops/monitors.yaml']) assert.ok(fs.existsSync(path.join(demo, f)), f);
    const again = mlops(demo, 'demo', '--points', '5');
    assert.equal(JSON.parse(again.out).driftFiles, 0);
    assert.equal(mlops(demo, 'monitor', 'run', 'customers', '--fail-on-drift').code, 1);
  } finally {
    fs.rmSync(demo, { recursive: true, force: true });
  }
});

describe('data-quality alerts and untested columns on the command line', () => {
  const w = tempWorkspace();
  after(() => fs.rmSync(w, { recursive: true, force: true }));
  let s = 12345;
  const u = () => ((s = (s * 1664525 + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const csv = (name: string, header: string, rows: string[]) => fs.writeFileSync(path.join(w, name), `${header}\n${rows.join('\n')}\n`);
  // a drifts (KS on 300 rows), b does not, g1..g3 are all missing in current (no test: a note).
  csv('ref.csv', 'a,b,g1,g2,g3', Array.from({ length: 300 }, () => [u(), u(), u(), u(), u()].map(v => v.toFixed(4)).join(',')));
  csv('cur.csv', 'a,b,g1,g2,g3', Array.from({ length: 300 }, () => `${(u() + 0.5).toFixed(4)},${u().toFixed(4)},,,`));
  csv('one.csv', 'a,b,g1,g2,g3', ['0.5,0.5,0.5,0.5,0.5']);
  fs.mkdirSync(path.join(w, '.mlops'));
  fs.writeFileSync(path.join(w, '.mlops', 'monitors.yaml'), 'monitors:\n  m:\n    reference: ref.csv\n    current: cur.csv\n  small:\n    reference: ref.csv\n    current: one.csv\n');

  test('history and list count the tested columns, as the report does, and label p-values p=', () => {
    const run = mlops(w, 'monitor', 'run', 'm');
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /data-set drift: DETECTED — 1 of 2 columns drifted \(a\)/);
    const h = mlops(w, 'monitor', 'history', 'm');
    assert.equal(h.code, 0, h.err);
    assert.match(h.out.split('\n')[1], /\s+DRIFT\s+1\/2\s+a ks p=[\d.e-]+$/);
    assert.doesNotMatch(h.out, /ks=/);
    assert.match(mlops(w, 'monitor', 'list').out, /m .* DRIFT \(1\/2 columns, check \d+\)/);
  });

  test('--fail-on-drift exits 1 on a data-quality alert alone (a one-row current); --volume-change tunes it; bad input stays 2', () => {
    const one = mlops(w, 'drift', '-r', 'ref.csv', '-c', 'one.csv', '--fail-on-drift');
    assert.equal(one.code, 1, one.out + one.err);
    assert.match(one.out, /volume -99\.7 %: 1 row against 300 in the reference \(alert beyond ±50 %\)/);
    assert.match(one.out, /data-set drift: not detected — 0 of 0 columns drifted\ndata quality: 1 alert/);
    const json = JSON.parse(mlops(w, 'drift', '-r', 'ref.csv', '-c', 'one.csv', '--json').out);
    assert.deepEqual([json.report.drift, json.report.alert], [false, true]);
    assert.equal(mlops(w, 'drift', '-r', 'ref.csv', '-c', 'one.csv', '--fail-on-drift', '--volume-change', 'off').code, 0);
    assert.equal(mlops(w, 'drift', '-r', 'ref.csv', '-c', 'ref.csv', '--fail-on-drift').code, 0);
    const bad = mlops(w, 'drift', '-r', 'ref.csv', '-c', 'one.csv', '--fail-on-drift', '--volume-change', '-1');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--volume-change must be a share > 0/);
    assert.equal(mlops(w, 'drift', '-r', 'ref.csv', '-c', 'nope.csv', '--fail-on-drift').code, 2);
    assert.equal(mlops(w, 'monitor', 'run', 'small', '--fail-on-drift').code, 1);
    assert.equal(mlops(w, 'monitor', 'run', 'small').code, 0);
  });
});
