// A stage execution as a run, on a real store: experiment per pipeline, tags, flattened params (the stage's own
// values win), metrics files flattened, plots as metric histories + artifacts, stage.log, final status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openEngine, tempWorkspace } from '../../../helpers/workspace';
import { Engine } from '../../../../src/engine/engine';
import type { Pipeline, Stage } from '../../../../src/engine/pipeline/types';
import { ensureExperiment, finishStageRun, pipelineExperimentName, stageParamValues, startStageRun, TAG } from '../../../../src/engine/pipeline/stageTracking';
import { readMetricsFile, readPlotFile } from '../../../../src/engine/pipeline/stageMetrics';

function stage(over: Partial<Stage>): Stage {
  return { name: 'train', cmd: ['python train.py'], wdir: '.', deps: [], outs: [], params: [], metrics: [], plots: [], frozen: false, alwaysChanged: false, pos: { file: 'dvc.yaml', line: 1, col: 1 }, ...over };
}

function setup() {
  const ws = tempWorkspace();
  const root = path.join(ws, 'pipelines', 'a');
  fs.mkdirSync(root, { recursive: true });
  const p: Pipeline = { file: path.join(root, 'dvc.yaml'), root, stages: [] };
  const w = (rel: string, text: string) => { fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true }); fs.writeFileSync(path.join(root, rel), text); };
  return { ws, root, p, w, engine: openEngine(ws) };
}

test('params: flattened dotted keys, whole files, other files prefixed with their name', () => {
  const { p, w } = setup();
  w('params.yaml', 'train:\n  lr: 0.01\n  layers: [64, 32]\n  opt:\n    name: adam\n    beta: 0.9\nseed: 7\n');
  w('conf/extra.json', '{"batch": 32, "aug": {"flip": true}}');
  const s = stage({ params: [{ file: 'params.yaml', keys: ['train.lr', 'train.opt', 'train.layers', 'missing.key'] }, { file: 'conf/extra.json', keys: [] }] });
  assert.deepEqual(stageParamValues(p, s), {
    'train.lr': '0.01', 'train.opt.name': 'adam', 'train.opt.beta': '0.9', 'train.layers': '[64,32]',
    'conf/extra.json:batch': '32', 'conf/extra.json:aug.flip': 'true',
  });
});

test('a stage run: experiment per pipeline, run name, lineage tags, params, metrics, plots, log, status', () => {
  const { ws, p, w, engine } = setup();
  w('params.yaml', 'train:\n  lr: 0.02\n  epochs: 3\n');
  const s = stage({
    cmd: ['node train.js', 'echo done'], deps: ['data.csv'], params: [{ file: 'params.yaml', keys: ['train'] }],
    outs: [{ path: 'model.bin', cache: true, persist: false, kind: 'out' }, { path: 'eval/metrics.json', cache: false, persist: false, kind: 'metric' }],
    metrics: ['eval/metrics.json', 'missing.json'], plots: ['eval/curve.csv', 'eval/points.json'],
  });
  const name = pipelineExperimentName(ws, p);
  assert.equal(name, 'pipeline: pipelines/a/dvc.yaml');
  const expId = ensureExperiment(engine, name);
  assert.equal(ensureExperiment(engine, name), expId, 'reused');
  const runId = startStageRun(engine, { workspace: ws, pipeline: p, stage: s, experimentId: expId, deps: { 'data.csv': 'abc123' } });
  const started = engine.runs.get(runId);
  assert.equal(started.info.status, 'RUNNING');
  assert.equal(started.info.run_name, 'train');
  const tags = Object.fromEntries(started.data.tags.map(t => [t.key, t.value]));
  assert.equal(tags[TAG.file], 'pipelines/a/dvc.yaml');
  assert.equal(tags[TAG.stage], 'train');
  assert.equal(tags[TAG.cmd], 'node train.js\necho done');
  assert.deepEqual(JSON.parse(tags[TAG.deps]), { 'data.csv': 'abc123' });

  // What the stage itself logged through MLFLOW_RUN_ID: a param with another value, a metric also in metrics.json.
  engine.runData.logParam(runId, 'train.lr', '0.5');
  engine.runData.logParam(runId, 'train.epochs', '3');
  engine.runData.logMetric(runId, { key: 'acc', value: 0.5, step: 9, timestamp: 1 });
  w('eval/metrics.json', JSON.stringify({ acc: 0.9, loss: { train: 0.1, val: 0.2 }, ok: true, note: 'x', list: [1, 2] }));
  w('eval/curve.csv', 'step,loss,acc\n0,1.0,0.5\n1,0.5,0.7\n2,0.25,0.8\n');
  w('eval/points.json', JSON.stringify([{ fpr: 0, tpr: 0 }, { fpr: 0.5, tpr: 0.9 }]));
  const log = path.join(ws, 'stage.log');
  fs.writeFileSync(log, '$ node train.js\nepoch 1\n');

  const warnings = finishStageRun(engine, runId, { pipeline: p, stage: s, status: 'FINISHED', logFile: log, outs: { 'model.bin': 'def456' } });
  assert.deepEqual(warnings, []);
  const r = engine.runs.get(runId);
  assert.equal(r.info.status, 'FINISHED');
  assert.ok(r.info.end_time);
  const params = Object.fromEntries(r.data.params.map(x => [x.key, x.value]));
  assert.deepEqual(params, { 'train.lr': '0.5', 'train.epochs': '3' }, 'the stage\'s own value kept, no failure');
  const metrics = Object.fromEntries(r.data.metrics.map(m => [m.key, m.value]));
  assert.deepEqual(metrics, { acc: 0.5, 'loss.train': 0.1, 'loss.val': 0.2, ok: 1, 'curve.loss': 0.25, 'curve.acc': 0.8, 'points.fpr': 0.5, 'points.tpr': 0.9 });
  const hist = engine.store.metrics.history(runId, 'curve.loss', 100).metrics.map(m => [m.step, m.value]);
  assert.deepEqual(hist, [[0, 1], [1, 0.5], [2, 0.25]]);
  const rtags = Object.fromEntries(r.data.tags.map(t => [t.key, t.value]));
  assert.deepEqual(JSON.parse(rtags[TAG.outs]), { 'model.bin': 'def456' });
  const dir = engine.artifacts.localDir(r.info.artifact_uri);
  assert.equal(fs.readFileSync(path.join(dir, 'stage.log'), 'utf8'), '$ node train.js\nepoch 1\n');
  assert.equal(fs.readFileSync(path.join(dir, 'plots/eval/curve.csv'), 'utf8'), 'step,loss,acc\n0,1.0,0.5\n1,0.5,0.7\n2,0.25,0.8\n');
  assert.deepEqual(engine.artifacts.listRun(r.info.artifact_uri, 'plots/eval').map(f => f.path), ['plots/eval/curve.csv', 'plots/eval/points.json']);
  engine.close();
});

test('a failed run: FAILED with the error tag and its log; metrics files are not read', () => {
  const { ws, p, w, engine } = setup();
  const s = stage({ metrics: ['m.json'] });
  w('m.json', '{"acc": 1}');
  const runId = startStageRun(engine, { workspace: ws, pipeline: p, stage: s, experimentId: ensureExperiment(engine, 'custom name') });
  const log = path.join(ws, 'x.log');
  fs.writeFileSync(log, 'boom\n');
  finishStageRun(engine, runId, { pipeline: p, stage: s, status: 'FAILED', logFile: log, error: 'exit code 3' });
  const r = engine.runs.get(runId);
  assert.equal(r.info.status, 'FAILED');
  assert.equal(r.data.metrics.length, 0);
  assert.equal(r.data.tags.find(t => t.key === 'mlops.error')?.value, 'exit code 3');
  assert.equal(engine.experiments.get(r.info.experiment_id).name, 'custom name');
  engine.close();
});

test('malformed metrics/plots files become a warning tag, not a failure', () => {
  const { ws, p, w, engine } = setup();
  const s = stage({ metrics: ['bad.json'], plots: ['bad.csv'] });
  w('bad.json', '{"acc": ');
  w('bad.csv', 'a,b\n"1,2\n');
  const runId = startStageRun(engine, { workspace: ws, pipeline: p, stage: s, experimentId: '0' });
  const warnings = finishStageRun(engine, runId, { pipeline: p, stage: s, status: 'FINISHED' });
  assert.equal(warnings.length, 2);
  assert.match(warnings[0], /^metrics bad\.json: /);
  assert.match(warnings[1], /^plots bad\.csv: /);
  assert.equal(engine.runs.get(runId).info.status, 'FINISHED');
  engine.close();
});

test('readers: YAML metrics, TSV plots with an x column as step, non-numeric columns ignored', () => {
  const dir = tempWorkspace();
  fs.writeFileSync(path.join(dir, 'm.yaml'), 'top:\n  a: 1\n  b: {c: 2.5}\nflag: false\nname: run\n');
  assert.deepEqual(readMetricsFile(path.join(dir, 'm.yaml')), { 'top.a': 1, 'top.b.c': 2.5, flag: 0 });
  fs.writeFileSync(path.join(dir, 'p.tsv'), 'x\ty\tlabel\n10\t1\ta\n20\t2\tb\n');
  assert.deepEqual(readPlotFile(path.join(dir, 'p.tsv')), [{ key: 'p.y', points: [{ step: 10, value: 1 }, { step: 20, value: 2 }] }]);
});

test('with git lineage on, the stage run carries the commit', () => {
  const { ws, p } = setup();
  const git = (...args: string[]) => execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args], { cwd: ws, encoding: 'utf8' }).trim();
  git('init', '-q');
  fs.writeFileSync(path.join(ws, 'README'), 'x');
  git('add', 'README');
  git('commit', '-q', '-m', 'one');
  const engine = Engine.open(ws, { git: true });
  const runId = startStageRun(engine, { workspace: ws, pipeline: p, stage: stage({}), experimentId: '0' });
  const tags = Object.fromEntries(engine.runs.get(runId).data.tags.map(t => [t.key, t.value]));
  assert.equal(tags['mlflow.source.git.commit'], git('rev-parse', 'HEAD'));
  engine.close();
});
