// monitors.yaml: the schema an ML engineer writes (sources as mappings or one-line refs, durations, per-column
// tests and thresholds) and every mistake reported as file:line:col.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadMonitors, MonitorsError, parseMonitors } from '../../../../src/engine/drift/monitors';
import { parseDuration, parseSourceRef, formatSourceRef } from '../../../../src/engine/drift/sourceRef';
import { tempWorkspace } from '../../../helpers/workspace';

const FULL = `version: 1
monitors:
  iris-serving:
    description: serving vs training
    reference: {file: data/train.csv}
    current: {endpoint: iris, window: 2h}
    columns: [sepal_length, petal_width]
    schedule: 15m
    drift_share: 0.5
    thresholds:
      default: {missing: 0.1}
      petal_width: {test: psi, threshold: 0.2, bins: 12}
  nightly:
    reference: run:abc123:train
    current:
      run: def456
      dataset: d41d8cd9
    thresholds:
      plan: {test: chi2, threshold: 0.01, categorical: true}
      id: {ignore: true}
`;

function fails(text: string, line: number, col: number, message: RegExp): void {
  assert.throws(() => parseMonitors(text, 'm.yaml'), (e: unknown) => {
    assert.ok(e instanceof MonitorsError, String(e));
    assert.match(e.reason, message);
    assert.deepEqual([e.file, e.line, e.col], ['m.yaml', line, col], e.message);
    assert.equal(e.message, `m.yaml:${line}:${col}: ${e.reason}`);
    return true;
  });
}

describe('parseMonitors', () => {
  test('a full file: sources, columns, schedule, drift share, defaults and per-column settings', () => {
    const f = parseMonitors(FULL, 'm.yaml');
    assert.equal(f.monitors.length, 2);
    const [a, b] = f.monitors;
    assert.equal(a.name, 'iris-serving');
    assert.deepEqual([a.line, a.col], [3, 3]);
    assert.equal(a.description, 'serving vs training');
    assert.deepEqual(a.reference, { kind: 'file', path: 'data/train.csv' });
    assert.deepEqual(a.current, { kind: 'endpoint', endpoint: 'iris', windowMinutes: 120 });
    assert.deepEqual(a.columns, ['sepal_length', 'petal_width']);
    assert.equal(a.scheduleMinutes, 15);
    assert.equal(a.driftShare, 0.5);
    assert.deepEqual(a.defaults, { maxMissingShare: 0.1 });
    assert.deepEqual(a.settings, { petal_width: { test: 'psi', threshold: 0.2, bins: 12 } });
    assert.deepEqual(b.reference, { kind: 'run', runId: 'abc123', dataset: 'train' });
    assert.deepEqual(b.current, { kind: 'run', runId: 'def456', dataset: 'd41d8cd9' });
    assert.equal(b.columns, undefined);
    assert.equal(b.scheduleMinutes, undefined);
    assert.deepEqual(b.settings, { plan: { test: 'chisquare', threshold: 0.01, categorical: true }, id: { ignore: true } });
  });

  test('volume_change: a share > 0 (may exceed 1) or false; unset is the default', () => {
    const text = (v: string) => `monitors:\n  a:\n    reference: x.csv\n    current: y.csv\n    volume_change: ${v}\n`;
    assert.equal(parseMonitors(text('0.2'), 'm.yaml').monitors[0].maxVolumeChange, 0.2);
    assert.equal(parseMonitors(text('3'), 'm.yaml').monitors[0].maxVolumeChange, 3);
    assert.equal(parseMonitors(text('false'), 'm.yaml').monitors[0].maxVolumeChange, false);
    assert.equal(parseMonitors(FULL, 'm.yaml').monitors[0].maxVolumeChange, undefined);
    for (const bad of ['0', '-0.5', 'lots', 'true', '.inf']) fails(text(bad), 5, 20, /'volume_change' must be a share > 0 .* or false/);
    fails('monitors:\n  a:\n    reference: x.csv\n    current: y.csv\n    volume_change:\n', 5, 19, /'volume_change' must be a share > 0/);
  });

  test('test: z (also ztest, z_test) is the two-proportion Z-test, a p-value test', () => {
    const text = (t: string) => `monitors:\n  a:\n    reference: x.csv\n    current: y.csv\n    thresholds:\n      flag: {${t}}\n`;
    assert.deepEqual(parseMonitors(text('test: z'), 'm.yaml').monitors[0].settings, { flag: { test: 'z' } });
    assert.deepEqual(parseMonitors(text('test: ztest, threshold: 0.01'), 'm.yaml').monitors[0].settings, { flag: { test: 'z', threshold: 0.01 } });
    assert.deepEqual(parseMonitors(text('test: Z_Test'), 'm.yaml').monitors[0].settings, { flag: { test: 'z' } });
    fails(text('test: z, threshold: 2'), 6, 34, /threshold of 'z' is a p-value and must be in \(0, 1\)/);
    fails(text('test: zz'), 6, 20, /unknown test 'zz' \(expected psi, ks, wasserstein, jensenshannon, chisquare, z\)/);
  });

  test('empty file, empty monitors and comments only are no monitors', () => {
    for (const t of ['', '# nothing\n', 'monitors:\n', 'version: 1\nmonitors: {}\n']) assert.deepEqual(parseMonitors(t, 'm.yaml').monitors, []);
  });

  test('mistakes are reported at their line and column', () => {
    fails('monitors:\n  a:\n    reference: x.csv\n    current: y.csv\n    schedul: 15m\n', 5, 5, /unknown key 'schedul' in monitor 'a'/);
    fails('monitors:\n  a:\n    reference: x.csv\n    current: y.csv\n    schedule: soon\n', 5, 15, /'schedule' must be a duration/);
    fails('monitors:\n  a:\n    reference: x.csv\n    current: y.csv\n    schedule: 30s\n', 5, 15, /at least 1m/);
    fails('monitors:\n  a:\n    reference: x.csv\n    current: {endpoint: e, window: forever}\n', 4, 36, /window must be a duration/);
    fails('monitors:\n  a:\n    reference: x.csv\n    current: y.csv\n    thresholds:\n      c: {test: ttest}\n', 6, 17, /unknown test 'ttest' \(expected psi, ks/);
    fails('monitors:\n  a:\n    reference: x.csv\n    current: y.csv\n    thresholds:\n      c: {test: ks, threshold: 5}\n', 6, 32, /p-value and must be in \(0, 1\)/);
    fails('monitors:\n  a:\n    reference: x.csv\n    current: y.csv\n    thresholds:\n      c: {threshold: -1}\n', 6, 22, /threshold must be a number > 0/);
    fails('monitors:\n  a:\n    reference: x.csv\n    current: y.csv\n    thresholds:\n      c: {missing: 5}\n', 6, 20, /missing must be a share in \[0, 1\]/);
    fails('monitors:\n  a:\n    reference: x.csv\n    current: y.csv\n    thresholds:\n      c: {bins: 1}\n', 6, 17, /bins must be an integer from 2 to 1000/);
    fails('monitors:\n  a:\n    reference: x.csv\n    current: y.csv\n    thresholds:\n      c: {colour: red}\n', 6, 11, /unknown setting 'colour'/);
    fails('monitors:\n  a:\n    reference: x.csv\n    current: y.csv\n    columns: [b]\n    thresholds:\n      c: {bins: 5}\n', 7, 7, /column 'c' is not in this monitor's columns/);
    fails('monitors:\n  a:\n    reference: x.csv\n    current: y.csv\n    drift_share: 1.5\n', 5, 18, /drift_share' must be a number in \(0, 1\]/);
    fails('monitors:\n  a:\n    reference: x.csv\n', 2, 3, /monitor 'a' needs 'current'/);
    fails('monitors:\n  a:\n    reference: {file: x.csv, run: r}\n    current: y.csv\n', 3, 16, /exactly one of file, run or endpoint/);
    fails('monitors:\n  a:\n    reference: {file: x.csv, window: 1h}\n    current: y.csv\n', 3, 30, /'window' does not apply to a file source/);
    fails('monitors:\n  a:\n    reference: endpoint:e@never\n    current: y.csv\n', 3, 16, /bad window 'never'/);
    fails('monitors:\n  a b:\n    reference: x.csv\n    current: y.csv\n', 2, 3, /monitor name 'a b'/);
    fails('monitors:\n  a:\n    reference: x.csv\n    current: y.csv\n  a:\n    reference: x.csv\n    current: y.csv\n', 5, 3, /unique/);
    fails('monitor:\n  a: {}\n', 1, 1, /unknown key 'monitor' \(expected version, monitors\)/);
    fails('version: 2\n', 1, 10, /unsupported version/);
    fails('monitors:\n  a:\n    reference: [x\n', 4, 1, /./);
    fails('- a\n', 1, 1, /must be a mapping/);
  });

  test('loadMonitors: no file is no monitors; a bad file names its path', () => {
    const ws = tempWorkspace();
    assert.deepEqual(loadMonitors(ws).monitors, []);
    fs.mkdirSync(path.join(ws, '.mlops'));
    fs.writeFileSync(path.join(ws, '.mlops', 'monitors.yaml'), 'monitors:\n  a: 3\n');
    assert.throws(() => loadMonitors(ws), (e: unknown) => e instanceof MonitorsError && e.file === path.join(ws, '.mlops', 'monitors.yaml') && e.line === 2);
    fs.rmSync(ws, { recursive: true, force: true });
  });
});

describe('source references and durations', () => {
  test('parseSourceRef: files, runs with and without a dataset, endpoints with a window', () => {
    assert.deepEqual(parseSourceRef('data/x.csv'), { kind: 'file', path: 'data/x.csv' });
    assert.deepEqual(parseSourceRef('file:C:/x.parquet'), { kind: 'file', path: 'C:/x.parquet' });
    assert.deepEqual(parseSourceRef('run:abc'), { kind: 'run', runId: 'abc', dataset: undefined });
    assert.deepEqual(parseSourceRef('run:abc:train:v2'), { kind: 'run', runId: 'abc', dataset: 'train:v2' });
    assert.deepEqual(parseSourceRef('endpoint:iris'), { kind: 'endpoint', endpoint: 'iris' });
    assert.deepEqual(parseSourceRef('endpoint:iris@6h'), { kind: 'endpoint', endpoint: 'iris', windowMinutes: 360 });
    for (const bad of ['', 'run:', 'endpoint:@1h', 'endpoint:x@0m', 'endpoint:x@1y']) assert.ok('error' in parseSourceRef(bad), bad);
    for (const s of ['data/x.csv', 'run:abc:train', 'endpoint:iris@90m']) assert.equal(formatSourceRef(parseSourceRef(s) as never), s);
  });

  test('parseDuration', () => {
    assert.equal(parseDuration('15m'), 15);
    assert.equal(parseDuration('90s'), 1.5);
    assert.equal(parseDuration('1.5h'), 90);
    assert.equal(parseDuration('1d'), 1440);
    assert.equal(parseDuration(30), 30);
    assert.equal(parseDuration('45'), 45);
    for (const bad of ['0m', '-1m', 'm', '15y', 'abc', 0, -3, NaN, null]) assert.equal(parseDuration(bad), undefined, String(bad));
  });
});
