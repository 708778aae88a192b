// The real `mlops` command line (dist/cli.js) as a child process: commands, JSON output, and failures that
// exit non-zero with one line on stderr naming the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { tempWorkspace } from '../helpers/workspace';
import { CLI, exited } from '../helpers/engineProcess';
import { serverInfoPath } from '../../src/engine/serve';
import type { Experiment, Run } from '../../src/shared/dto';

interface Result { code: number | null; out: string; err: string }

function mlops(ws: string, ...args: string[]): Result {
  const r = spawnSync(process.execPath, [CLI, '--workspace', ws, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Runs a command that must succeed; returns its stdout. */
function ok(ws: string, ...args: string[]): string {
  const r = mlops(ws, ...args);
  assert.equal(r.code, 0, `mlops ${args.join(' ')} exited ${r.code}: ${r.err}`);
  return r.out;
}

function json<T>(ws: string, ...args: string[]): T {
  return JSON.parse(ok(ws, ...args)) as T;
}

/** Runs a command that must fail with exactly one stderr line matching `reason`; returns that line. */
function fails(ws: string, args: string[], reason: RegExp): string {
  const r = mlops(ws, ...args);
  assert.notEqual(r.code, 0, `mlops ${args.join(' ')} should fail`);
  const lines = r.err.split('\n').filter(l => l.trim());
  assert.equal(lines.length, 1, `expected one stderr line, got:\n${r.err}`);
  assert.match(lines[0], reason);
  assert.equal(r.out, '', 'nothing on stdout when a command fails');
  return lines[0];
}

const acc = (r: Run) => r.data.metrics.find(m => m.key === 'acc')?.value as number;

/** A workspace seeded with `demo --points 50` (14 runs), shared by the read-only tests below. */
const demoWs = (() => {
  let ws: string | undefined;
  return () => {
    if (!ws) { ws = tempWorkspace(); ok(ws, 'demo', '--points', '50'); }
    return ws;
  };
})();

function demoRunId(): string {
  return json<Run[]>(demoWs(), 'runs', 'list', '--json')[0].info.run_id;
}

test('--help exits 0 and lists every command', () => {
  const out = ok(tempWorkspace(), '--help');
  for (const cmd of ['init', 'server', 'experiments', 'runs', 'log', 'demo']) assert.match(out, new RegExp(`^\\s+${cmd}\\b`, 'm'), `--help lists ${cmd}`);
});

test('init creates .mlops/tracking.db and says where', () => {
  const ws = tempWorkspace();
  const out = ok(ws, 'init');
  const db = path.join(ws, '.mlops', 'tracking.db');
  assert.ok(fs.statSync(db).size > 0);
  assert.ok(out.includes(db), out);
  assert.ok(fs.statSync(path.join(ws, '.mlops', 'artifacts')).isDirectory());
});

test('without a store, read and write commands say to run init and create nothing; init creates it', () => {
  const ws = tempWorkspace();
  for (const args of [['experiments', 'list'], ['runs', 'list'], ['experiments', 'create', 'x'], ['log', 'metric', 'r', 'k', '1']]) {
    fails(ws, args, /no tracking store at .*tracking\.db: run `mlops init`/);
    assert.equal(fs.existsSync(path.join(ws, '.mlops')), false, `${args.join(' ')} created .mlops/`);
  }
  assert.match(ok(ws, 'init'), /initialised .*tracking\.db/);
  assert.ok(fs.existsSync(path.join(ws, '.mlops', 'tracking.db')));
});

test('experiments create prints the id; list shows it, as text and as JSON', () => {
  const ws = tempWorkspace();
  ok(ws, 'init');
  const id = ok(ws, 'experiments', 'create', 'cli-exp').trim();
  assert.match(id, /^\d+$/);
  assert.match(ok(ws, 'experiments', 'list'), new RegExp(`^\\s*${id}\\s+cli-exp\\s+runs=0$`, 'm'));
  const list = json<Experiment[]>(ws, 'experiments', 'list', '--json');
  assert.deepEqual(list.map(e => [e.experiment_id, e.name]).sort(), [['0', 'Default'], [id, 'cli-exp']]);
});

test('demo then runs list with a filter and an order: every run has acc > 0.5, sorted by acc descending', () => {
  const ws = demoWs();
  const all = json<Run[]>(ws, 'runs', 'list', '--json');
  assert.equal(all.length, 14);
  const runs = json<Run[]>(ws, 'runs', 'list', '-f', 'metrics.acc > 0.5', '-o', 'metrics.acc DESC', '--json');
  assert.ok(runs.length > 0);
  assert.equal(runs.length, all.filter(r => acc(r) > 0.5).length, 'the filter keeps exactly the runs with acc > 0.5');
  for (const r of runs) assert.ok(acc(r) > 0.5, `${r.info.run_id} acc=${acc(r)}`);
  const values = runs.map(acc);
  assert.deepEqual(values, [...values].sort((a, b) => b - a));
  assert.match(ok(ws, 'runs', 'list', '-f', 'metrics.acc > 0.5', '-n', '2').split('\n')[0], /^run_id\s+name\s+status\s+duration\s+acc/);
});

test('runs show prints the params', () => {
  const ws = demoWs();
  const run = json<Run[]>(ws, 'runs', 'list', '--json')[0];
  const out = ok(ws, 'runs', 'show', run.info.run_id);
  assert.match(out, new RegExp(`^run ${run.info.run_id}`));
  assert.match(out, /^ {2}params:$/m);
  for (const p of run.data.params) assert.match(out, new RegExp(`^ {4}${p.key} = ${p.value.replace('.', '\\.')}$`, 'm'));
});

test('log metric, param and tag write into the run', () => {
  const ws = tempWorkspace();
  ok(ws, 'demo', '--points', '50');
  const id = json<Run[]>(ws, 'runs', 'list', '--json')[0].info.run_id;
  assert.equal(ok(ws, 'log', 'metric', id, 'k', '1.5', '--step', '3'), '');
  ok(ws, 'log', 'metric', id, 'nan_k', 'NaN');
  ok(ws, 'log', 'param', id, 'cli_param', 'v1');
  ok(ws, 'log', 'param', id, 'cli_param', 'v1'); // the same value again is allowed
  ok(ws, 'log', 'tag', id, 'cli_tag', 'first');
  ok(ws, 'log', 'tag', id, 'cli_tag', 'second'); // tags overwrite
  const run = json<Run>(ws, 'runs', 'show', id, '--json');
  const k = run.data.metrics.find(m => m.key === 'k');
  assert.equal(k?.value, 1.5);
  assert.equal(k?.step, 3);
  assert.equal(run.data.metrics.find(m => m.key === 'nan_k')?.value, 'NaN');
  assert.equal(run.data.params.find(p => p.key === 'cli_param')?.value, 'v1');
  assert.equal(run.data.tags.find(t => t.key === 'cli_tag')?.value, 'second');
});

test('failures exit non-zero with one stderr line naming the reason', () => {
  const ws = demoWs();
  const id = demoRunId();
  const lr = json<Run>(ws, 'runs', 'show', id, '--json').data.params.find(p => p.key === 'lr')!.value;
  fails(ws, ['log', 'metric', 'no-such-run', 'k', '1'], /RESOURCE_DOES_NOT_EXIST.*no-such-run/);
  fails(ws, ['runs', 'show', 'no-such-run'], /RESOURCE_DOES_NOT_EXIST.*no-such-run/);
  fails(ws, ['log', 'param', id, 'lr', `${lr}9`], /INVALID_PARAMETER_VALUE: Changing param values is not allowed.*'lr'/);
  fails(ws, ['runs', 'list', '-f', 'metrics.acc >>> 0.5'], /INVALID_PARAMETER_VALUE: Invalid search expression/);
  fails(ws, ['runs', 'list', '-f', "params.model = 'unterminated"], /INVALID_PARAMETER_VALUE/);
  fails(ws, ['log', 'metric', id, 'k', 'abc'], /metric value must be a number, got 'abc'/);
  fails(ws, ['log', 'metric', id, 'k', ''], /metric value must be a number/);
  fails(ws, ['log', 'metric', id, 'k', '1', '--step', 'x'], /step must be an integer, got 'x'/);
  fails(ws, ['runs', 'list', '-n', '1.5'], /max must be an integer/);
  fails(ws, ['experiments', 'create', 'iris-classifier'], /RESOURCE_ALREADY_EXISTS/);
  // nothing above was written
  const after = json<Run>(ws, 'runs', 'show', id, '--json');
  assert.equal(after.data.params.find(p => p.key === 'lr')?.value, lr);
  assert.equal(after.data.metrics.some(m => m.key === 'k'), false);
});

test('an unknown subcommand exits non-zero and names it first', () => {
  const ws = tempWorkspace();
  for (const args of [['frobnicate'], ['runs', 'frob']]) {
    const r = mlops(ws, ...args);
    assert.notEqual(r.code, 0);
    assert.match(r.err.split('\n')[0], new RegExp(`unknown command '${args.at(-1)}'`));
    assert.equal(r.out, '');
  }
  assert.equal(fs.existsSync(path.join(ws, '.mlops')), false, 'a usage error touches no store');
});

test('a corrupt tracking.db is refused by name and left byte for byte as it was', () => {
  const variants = { random: crypto.randomBytes(8192), badPages: Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), crypto.randomBytes(8176)]) };
  for (const [name, bytes] of Object.entries(variants)) {
    const ws = tempWorkspace();
    const db = path.join(ws, '.mlops', 'tracking.db');
    fs.mkdirSync(path.dirname(db));
    fs.writeFileSync(db, bytes);
    for (const args of [['experiments', 'list'], ['init'], ['log', 'metric', 'r', 'k', '1']]) {
      const line = fails(ws, args, /^mlops: /);
      assert.ok(line.includes(db), `${name}, ${args[0]}: message names the file: ${line}`);
      assert.match(line, /left untouched/);
    }
    assert.ok(fs.readFileSync(db).equals(bytes), `${name}: the file's bytes are unchanged`);
    assert.deepEqual(fs.readdirSync(path.dirname(db)), ['tracking.db'], `${name}: no -wal/-shm created beside it`);
  }
});

/** Starts `mlops server --port 0` and resolves with the parsed "listening" line. */
function startCli(ws: string, extra: string[] = []): Promise<{ child: ChildProcess; line: Record<string, unknown> }> {
  const child = spawn(process.execPath, [CLI, '--workspace', ws, 'server', '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', d => {
      out += d;
      if (out.includes('\n')) resolve({ child, line: JSON.parse(out.split('\n')[0]) as Record<string, unknown> });
    });
    child.on('exit', code => reject(new Error(`server exited with ${code}`)));
  });
}

test('server --port 0 prints a JSON listening line, serves /health and exits cleanly on SIGTERM', async () => {
  const ws = tempWorkspace();
  const { child, line } = await startCli(ws);
  let code: number | null;
  try {
    assert.equal(line.event, 'listening');
    assert.equal(line.tokenRequired, false);
    assert.match(String(line.url), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(Number(line.port) > 0);
    assert.equal(line.pid, child.pid);
    assert.equal(JSON.parse(fs.readFileSync(serverInfoPath(ws), 'utf8')).port, line.port);
    const res = await fetch(`${String(line.url)}/health`);
    assert.equal(res.status, 200);
    assert.equal((await res.text()).trim(), 'OK');
  } finally {
    child.kill('SIGTERM');
    code = await exited(child);
  }
  assert.equal(code, 0);
  assert.equal(fs.existsSync(serverInfoPath(ws)), false, 'server.json removed');
});

test('server --token: the listening line says a token is required but never prints it', async () => {
  const ws = tempWorkspace();
  const { child, line } = await startCli(ws, ['--token', 'secret-t0k']);
  try {
    assert.equal(line.tokenRequired, true);
    assert.ok(!JSON.stringify(line).includes('secret-t0k'));
    const url = `${String(line.url)}/api/2.0/mlflow/experiments/search`;
    assert.equal((await fetch(url, { method: 'POST', body: '{}' })).status, 401);
    const authed = await fetch(url, { method: 'POST', body: '{}', headers: { Authorization: 'Bearer secret-t0k', 'Content-Type': 'application/json' } });
    assert.equal(authed.status, 200);
  } finally {
    child.kill('SIGTERM');
    assert.equal(await exited(child), 0);
  }
});

test('demo --files-only adds the missing pipeline and drift files, keeps edited ones, and creates no store', () => {
  const ws = tempWorkspace();
  fs.mkdirSync(path.join(ws, 'data/drift'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'params.yaml'), 'mine: true\n');
  const first = json<{ pipelineFiles: number; driftFiles: number }>(ws, 'demo', '--files-only');
  assert.ok(first.pipelineFiles > 0 && first.driftFiles > 0, JSON.stringify(first));
  assert.equal(fs.readFileSync(path.join(ws, 'params.yaml'), 'utf8'), 'mine: true\n', 'a user file is never overwritten');
  for (const f of ['dvc.yaml', 'scripts/train.js', 'data/drift/reference.csv', '.mlops/monitors.yaml']) assert.ok(fs.existsSync(path.join(ws, f)), f);
  assert.equal(fs.existsSync(path.join(ws, '.mlops/tracking.db')), false);
  assert.deepEqual(json(ws, 'demo', '--files-only'), { pipelineFiles: 0, driftFiles: 0 });
});
