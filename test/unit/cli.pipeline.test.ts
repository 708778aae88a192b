// `mlops repro` / `mlops status` through the real command line (dist/cli.js): the printed stream, exit codes
// 0 / 1 / 130, the tracking server the stages log to, status text and JSON, definition errors as file:line:col.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openEngine, tempWorkspace } from '../helpers/workspace';
import { CLI, exited, spawnServer } from '../helpers/engineProcess';
import { reproArgs } from '../../src/host/pipeline/reproArgs';

interface Result { code: number | null; out: string; err: string }

function mlops(ws: string, ...args: string[]): Result {
  const r = spawnSync(process.execPath, [CLI, '--workspace', ws, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// The stage POSTs a metric to MLFLOW_TRACKING_URI (whichever server the CLI chose) and writes its output.
const TRAIN_JS = `const e = process.env, fs = require('fs');
const lr = /lr: *(\\S+)/.exec(fs.readFileSync('params.yaml', 'utf8'))[1];
console.log('training lr=' + lr);
fetch(e.MLFLOW_TRACKING_URI + '/api/2.0/mlflow/runs/log-metric', { method: 'POST', headers: { 'Content-Type': 'application/json', ...(e.MLFLOW_TRACKING_TOKEN ? { Authorization: 'Bearer ' + e.MLFLOW_TRACKING_TOKEN } : {}) },
  body: JSON.stringify({ run_id: e.MLFLOW_RUN_ID, key: 'from_stage', value: Number(lr), step: 0, timestamp: Date.now() }) })
  .then(r => { if (!r.ok) process.exit(4); fs.writeFileSync('model.txt', 'lr=' + lr); });
`;

function workspace(extraStages = ''): string {
  const ws = tempWorkspace();
  fs.writeFileSync(path.join(ws, 'dvc.yaml'), `stages:
  prepare:
    cmd: node -e "require('fs').writeFileSync('prepared.txt', 'p')"
    outs: [prepared.txt]
  train:
    cmd: node train.js
    deps: [prepared.txt, train.js]
    params: [train.lr]
    outs: [model.txt]
${extraStages}`);
  fs.writeFileSync(path.join(ws, 'train.js'), TRAIN_JS);
  fs.writeFileSync(path.join(ws, 'params.yaml'), 'train:\n  lr: 0.01\n');
  return ws;
}

function runsOf(ws: string) {
  const e = openEngine(ws);
  try {
    const exp = e.experiments.getByName('pipeline: dvc.yaml');
    return e.search.search({ experimentIds: [exp.experiment_id], maxResults: 100 }).runs;
  } finally {
    e.close();
  }
}

test('repro: stage headers, output, summary; exit 0; the stage logs into its run through an in-process server', () => {
  const ws = workspace();
  const r = mlops(ws, 'repro');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Running stage 'prepare' \(run [0-9a-f]{32}\):\n> node -e .*\nStage 'prepare' finished in \d+\.\d s\n/);
  assert.match(r.out, /Running stage 'train' \(run [0-9a-f]{32}\):\n> node train\.js\ntraining lr=0\.01\nStage 'train' finished/);
  assert.match(r.out, /\n2 ran, 0 skipped \(up to date\), 0 failed\n$/);
  const train = runsOf(ws).find(x => x.info.run_name === 'train')!;
  assert.equal(train.info.status, 'FINISHED');
  assert.deepEqual(train.data.metrics.map(m => [m.key, m.value]), [['from_stage', 0.01]]);
  assert.equal(fs.existsSync(path.join(ws, '.mlops', 'server.json')), false, 'the in-process server is gone');

  const again = mlops(ws, 'repro');
  assert.equal(again.code, 0);
  assert.equal(again.out, "Stage 'prepare' is up to date, skipping\nStage 'train' is up to date, skipping\n0 ran, 2 skipped (up to date), 0 failed\n");
});

test('repro uses the running workspace server (token included) when there is one', async () => {
  const ws = workspace();
  const server = await spawnServer(ws, ['--token', 'sekret']);
  try {
    const r = mlops(ws, 'repro', 'train');
    assert.equal(r.code, 0, r.out + r.err);
    const info = JSON.parse(fs.readFileSync(path.join(ws, '.mlops', 'server.json'), 'utf8')) as { pid: number };
    assert.equal(info.pid, server.child.pid, 'server.json still the external server');
    const train = runsOf(ws).find(x => x.info.run_name === 'train')!;
    assert.deepEqual(train.data.metrics.map(m => m.key), ['from_stage']);
  } finally {
    server.child.kill('SIGTERM');
    await exited(server.child);
  }
});

test('status: one line per stage with its reasons; --json; exit 0', () => {
  const ws = workspace();
  assert.equal(mlops(ws, 'status').out, 'prepare: never run\ntrain: never run\n');
  assert.equal(mlops(ws, 'repro').code, 0);
  assert.equal(mlops(ws, 'status').out, 'prepare: up to date\ntrain: up to date\n');
  fs.writeFileSync(path.join(ws, 'params.yaml'), 'train:\n  lr: 0.02\n');
  const r = mlops(ws, 'status');
  assert.equal(r.code, 0);
  assert.equal(r.out, 'prepare: up to date\ntrain: changed — params changed: train.lr 0.01 → 0.02\n');
  const j = mlops(ws, 'status', '--json');
  assert.equal(j.code, 0);
  const body = JSON.parse(j.out) as { file: string; stages: { stage: string; state: string; reasons: string[]; lastRunId?: string }[] };
  assert.equal(body.file, 'dvc.yaml');
  assert.deepEqual(body.stages.map(s => [s.stage, s.state, s.reasons]), [['prepare', 'up-to-date', []], ['train', 'changed', ['params changed: train.lr 0.01 → 0.02']]]);
  assert.match(body.stages[1].lastRunId!, /^[0-9a-f]{32}$/);
});

test('repro --dry prints the plan and changes nothing; -f -s -j options', () => {
  const ws = workspace();
  const d = mlops(ws, 'repro', '--dry');
  assert.equal(d.code, 0);
  assert.equal(d.out, "would run 'prepare': never run\nwould run 'train': never run\ndry run: 2 would run, 0 skipped\n");
  assert.equal(fs.existsSync(path.join(ws, 'prepared.txt')), false);
  assert.equal(mlops(ws, 'repro').code, 0);
  const s = mlops(ws, 'repro', 'train', '-f', '-s', '-j', '2');
  assert.equal(s.code, 0, s.err);
  assert.match(s.out, /^Running stage 'train'/);
  assert.doesNotMatch(s.out, /Running stage 'prepare'/);
  assert.match(s.out, /\[train\] training lr=0\.01\n/, 'output prefixed with the stage when running in parallel');
  assert.match(s.out, /1 ran, 0 skipped \(up to date\), 0 failed\n$/);
  assert.equal(mlops(ws, 'repro', '-j', 'x').code, 2);
});

test('a failing stage: exit 1, its error on stderr, downstream not run', () => {
  const ws = workspace(`  bad:\n    cmd: node -e "process.exit(3)"\n    deps: [model.txt]\n  after:\n    cmd: echo after > after.txt\n    deps: [model.txt]\n    outs: [after.txt]\n`);
  const r = mlops(ws, 'repro', 'bad', 'after');
  assert.equal(r.code, 1);
  assert.match(r.err, /Stage 'bad' failed: exit code 3/);
  assert.match(r.out, /2 ran, 0 skipped \(up to date\), 1 failed, 1 not run\n$/);
  assert.equal(fs.existsSync(path.join(ws, 'after.txt')), false);
  assert.equal(runsOf(ws).find(x => x.info.run_name === 'bad')!.info.status, 'FAILED');
  const st = mlops(ws, 'status');
  assert.match(st.out, /^bad: failed \(exit code 3\)$/m, 'status says why it failed');
  const j = JSON.parse(mlops(ws, 'status', '--json').out) as { stages: { stage: string; state: string; reasons: string[]; lastError?: string; lastExitCode?: number }[] };
  const bad = j.stages.find(x => x.stage === 'bad')!;
  assert.deepEqual([bad.state, bad.reasons[0], bad.lastError, bad.lastExitCode], ['failed', 'failed: exit code 3', 'exit code 3', 3]);
});

test('missing dependency or params key: repro refuses the stage naming what is missing; status shows why', () => {
  const ws = workspace(`  lonely:\n    cmd: echo x > lonely.txt\n    deps: [nofile.csv]\n    params: [lr]\n    outs: [lonely.txt]\n`);
  assert.equal(mlops(ws, 'status').out, 'prepare: never run\ntrain: never run\nlonely: never run — deps missing: nofile.csv; params missing: lr in params.yaml\n');
  const r = mlops(ws, 'repro', 'lonely');
  assert.equal(r.code, 1);
  assert.equal(r.err, "Stage 'lonely' not run: missing dependency 'nofile.csv' (no stage produces it); params missing: lr in params.yaml\n");
  assert.match(r.out, /0 ran, 0 skipped \(up to date\), 1 failed\n$/);
  assert.equal(fs.existsSync(path.join(ws, 'lonely.txt')), false);
  fs.writeFileSync(path.join(ws, 'nofile.csv'), 'a\n');
  fs.writeFileSync(path.join(ws, 'params.yaml'), 'train:\n  lr: 0.01\nlr: 1\n');
  assert.equal(mlops(ws, 'repro', 'lonely').code, 0);
  assert.match(mlops(ws, 'status').out, /^lonely: up to date$/m);
  fs.rmSync(path.join(ws, 'nofile.csv'));
  assert.match(mlops(ws, 'status').out, /^lonely: changed — deps missing: nofile\.csv$/m);
  assert.equal(mlops(ws, 'repro', 'lonely').code, 1, 'still refused with a lock');
});

test('the arguments the VS Code runner builds from mlops.pipeline.experiment and .jobs: runs in that experiment, 2 at once', () => {
  const ws = tempWorkspace();
  fs.writeFileSync(path.join(ws, 'dvc.yaml'), 'stages:\n  a:\n    cmd: echo a\n  b:\n    cmd: echo b\n');
  const args = reproArgs(CLI, ws, 'http://127.0.0.1:9', { experiment: ' my pipeline ', jobs: 2 });
  assert.deepEqual(args.slice(3), ['repro', '-j', '2', '--experiment', 'my pipeline', '--tracking-uri', 'http://127.0.0.1:9']);
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\[a\] a$/m, 'output prefixed by stage: -j 2 was taken');
  const e = openEngine(ws);
  try {
    const exp = e.experiments.getByName('my pipeline');
    assert.deepEqual(e.search.search({ experimentIds: [exp.experiment_id], maxResults: 10 }).runs.map(x => x.info.run_name).sort(), ['a', 'b']);
  } finally {
    e.close();
  }
  // Settings left at their defaults add nothing: the engine's experiment, one job.
  assert.deepEqual(reproArgs(CLI, ws, 'u', { experiment: '', jobs: 1, stages: ['a'], single: true }).slice(3), ['repro', 'a', '-s', '--tracking-uri', 'u']);
});

test('a definition error prints file:line:col: message and exits 1', () => {
  const ws = tempWorkspace();
  fs.writeFileSync(path.join(ws, 'dvc.yaml'), 'stages:\n  a:\n    cmd: echo a\n    outs: [x]\n  b:\n    cmd: echo b\n    outs: [x]\n');
  const r = spawnSync(process.execPath, [CLI, '--workspace', ws, 'repro'], { encoding: 'utf8', cwd: ws });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^dvc\.yaml:\d+:\d+: .+\n$/);
  const s = spawnSync(process.execPath, [CLI, '--workspace', ws, 'status'], { encoding: 'utf8', cwd: ws });
  assert.equal(s.status, 1);
  assert.equal(s.stderr, r.stderr);
  const none = mlops(tempWorkspace(), 'status');
  assert.equal(none.code, 1);
  assert.match(none.err, /no dvc\.yaml in /);
});

function processAlive(pid: number): boolean {
  try { process.kill(pid, 0); } catch { return false; }
  try { return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return true; }
}

test('SIGTERM (or SIGINT) cancels: stage tree killed, run KILLED, exit 130', async () => {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    const ws = tempWorkspace();
    fs.writeFileSync(path.join(ws, 'dvc.yaml'), `stages:\n  slow:\n    cmd: sh -c 'sleep 30 & echo $! > bg.pid; sleep 30'\n`);
    const child = spawn(process.execPath, [CLI, '--workspace', ws, 'repro'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', d => (out += d));
    const pidFile = path.join(ws, 'bg.pid');
    const t0 = Date.now();
    while (!fs.existsSync(pidFile) || !fs.readFileSync(pidFile, 'utf8').trim()) {
      assert.ok(Date.now() - t0 < 20_000, 'stage started');
      await new Promise(r => setTimeout(r, 20));
    }
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
    child.kill(sig);
    assert.equal(await exited(child), 130);
    assert.equal(processAlive(grandchild), false);
    assert.match(out, /Stage 'slow' killed after \d+\.\d s\n0 ran, 0 skipped \(up to date\), 1 failed — cancelled\n$/);
    const e = openEngine(ws);
    const run = e.search.search({ experimentIds: [e.experiments.getByName('pipeline: dvc.yaml').experiment_id], maxResults: 10 }).runs[0];
    assert.equal(run.info.status, 'KILLED');
    assert.equal(e.store.pipeline.lastExecutions('dvc.yaml').get('slow')?.state, 'killed');
    e.close();
  }
});
