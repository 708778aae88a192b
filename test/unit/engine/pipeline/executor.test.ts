// reproduce() on real dvc.yaml files, real child processes and a real store: what runs and in which order, what
// is skipped, failure and cancel semantics, parallel jobs, persist outs, and the runs each execution records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openEngine, startTestServer, tempWorkspace } from '../../../helpers/workspace';
import { loadPipeline } from '../../../../src/engine/pipeline/definition';
import { reproduce, type ReproOptions } from '../../../../src/engine/pipeline/executor';
import { pipelineStatus } from '../../../../src/engine/pipeline/status';
import type { PipelineEvent } from '../../../../src/engine/pipeline/types';
import type { Engine } from '../../../../src/engine/engine';

const STEP_JS = `// node step.js OUT [IN...]: OUT = the INs' contents + "|"; the stage's name goes to order.log
const fs = require('fs'), path = require('path');
const [out, ...ins] = process.argv.slice(2);
fs.appendFileSync('order.log', out + '\\n');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, ins.map(f => fs.readFileSync(f, 'utf8')).join('') + '|');
`;
const TRAIN_JS = `const fs = require('fs');
fs.appendFileSync('order.log', 'model.txt\\n');
const lr = /lr: *(\\S+)/.exec(fs.readFileSync('params.yaml', 'utf8'))[1];
fs.writeFileSync('model.txt', fs.readFileSync('data/prepared.txt', 'utf8') + 'lr=' + lr);
fs.writeFileSync('metrics.json', JSON.stringify({ acc: 0.75, loss: { train: 0.5, val: 0.25 } }));
fs.writeFileSync('curve.csv', 'step,loss\\n0,1\\n1,0.5\\n2,0.25\\n');
console.log('training with lr ' + lr);
`;
const DVC_YAML = `stages:
  prepare:
    cmd: node step.js data/prepared.txt data/raw.txt
    deps: [step.js, data/raw.txt]
    outs: [data/prepared.txt]
  train:
    cmd: node train.js
    deps: [train.js, data/prepared.txt]
    params: [train.lr]
    outs: [model.txt]
    metrics:
      - metrics.json:
          cache: false
    plots:
      - curve.csv:
          cache: false
  report:
    cmd: node step.js report.txt model.txt
    deps: [model.txt]
    outs: [report.txt]
  other:
    cmd: node step.js other.txt data/raw2.txt
    deps: [data/raw2.txt]
    outs: [other.txt]
`;

interface Project { ws: string; engine: Engine; write(rel: string, text: string): void; read(rel: string): string; exists(rel: string): boolean }

function project(yaml = DVC_YAML, files: Record<string, string> = {}): Project {
  const ws = tempWorkspace();
  const write = (rel: string, text: string) => { fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true }); fs.writeFileSync(path.join(ws, rel), text); };
  write('dvc.yaml', yaml);
  write('step.js', STEP_JS);
  write('train.js', TRAIN_JS);
  write('params.yaml', 'train:\n  lr: 0.01\n');
  write('data/raw.txt', 'raw');
  write('data/raw2.txt', 'raw2');
  for (const [k, v] of Object.entries(files)) write(k, v);
  return { ws, engine: openEngine(ws), write, read: rel => fs.readFileSync(path.join(ws, rel), 'utf8'), exists: rel => fs.existsSync(path.join(ws, rel)) };
}

async function repro(pr: Project, opts: Partial<ReproOptions> = {}) {
  const events: PipelineEvent[] = [];
  const r = await reproduce(pr.engine, pr.ws, loadPipeline(path.join(pr.ws, 'dvc.yaml')), { trackingUri: 'http://127.0.0.1:9', ...opts, onEvent: e => events.push(e) });
  const order = pr.exists('order.log') ? pr.read('order.log').trim().split('\n') : [];
  fs.rmSync(path.join(pr.ws, 'order.log'), { force: true });
  return { r, events, order };
}

const tagsOf = (engine: Engine, runId: string) => Object.fromEntries(engine.runs.get(runId).data.tags.map(t => [t.key, t.value]));

test('first run runs every stage in topological order; the second skips them all', async () => {
  const pr = project();
  const first = await repro(pr);
  assert.equal(first.r.ok, true);
  assert.deepEqual(first.r.ran, ['prepare', 'train', 'report', 'other']);
  assert.deepEqual(first.order, ['data/prepared.txt', 'model.txt', 'report.txt', 'other.txt']);
  assert.equal(pr.read('report.txt'), 'raw|lr=0.01|');
  const plan = first.events.find(e => e.type === 'plan');
  assert.deepEqual(plan && plan.type === 'plan' && plan.stages.map(s => [s.stage, s.action]), [['prepare', 'run'], ['train', 'run'], ['report', 'run'], ['other', 'run']]);
  assert.deepEqual(first.events.filter(e => e.type === 'stage-end').map(e => e.type === 'stage-end' && e.state), ['succeeded', 'succeeded', 'succeeded', 'succeeded']);
  const done = first.events.at(-1)!;
  assert.deepEqual(done, { type: 'done', ok: true, ran: ['prepare', 'train', 'report', 'other'], skipped: [], failed: [], cancelled: false });
  for (const s of ['prepare', 'train', 'report', 'other']) assert.ok(pr.engine.store.pipeline.getLock('dvc.yaml', s)?.runId);
  assert.equal(pr.engine.store.pipeline.lastExecutions('dvc.yaml').get('train')?.state, 'succeeded');

  const second = await repro(pr);
  assert.equal(second.r.ok, true);
  assert.deepEqual(second.r.ran, []);
  assert.deepEqual(second.r.skipped, ['prepare', 'train', 'report', 'other']);
  assert.deepEqual(second.order, []);
  assert.equal(second.events.filter(e => e.type === 'stage-start').length, 0);
  pr.engine.close();
});

test('the run of a stage: experiment per pipeline, tags, params, metrics flattened, plot history, stage.log', async () => {
  const pr = project();
  const { r } = await repro(pr);
  const train = r.stages.find(s => s.stage === 'train')!;
  const run = pr.engine.runs.get(train.runId!);
  assert.equal(run.info.status, 'FINISHED');
  assert.equal(run.info.run_name, 'train');
  assert.equal(pr.engine.experiments.get(run.info.experiment_id).name, 'pipeline: dvc.yaml');
  assert.equal(r.experimentId, run.info.experiment_id);
  const tags = tagsOf(pr.engine, run.info.run_id);
  assert.equal(tags['mlops.pipeline.file'], 'dvc.yaml');
  assert.equal(tags['mlops.pipeline.stage'], 'train');
  assert.equal(tags['mlops.pipeline.cmd'], 'node train.js');
  assert.deepEqual(Object.keys(JSON.parse(tags['mlops.pipeline.deps'])), ['train.js', 'data/prepared.txt']);
  const lock = pr.engine.store.pipeline.getLock('dvc.yaml', 'train')!;
  assert.deepEqual(JSON.parse(tags['mlops.pipeline.outs']), lock.outs);
  assert.deepEqual(Object.keys(lock.outs), ['model.txt'], 'cache: false outs are not in the lock');
  assert.deepEqual(run.data.params, [{ key: 'train.lr', value: '0.01' }]);
  const metrics = Object.fromEntries(run.data.metrics.map(m => [m.key, m.value]));
  assert.deepEqual(metrics, { acc: 0.75, 'loss.train': 0.5, 'loss.val': 0.25, 'curve.loss': 0.25 });
  assert.deepEqual(pr.engine.store.metrics.history(run.info.run_id, 'curve.loss', 10).metrics.map(m => [m.step, m.value]), [[0, 1], [1, 0.5], [2, 0.25]]);
  const dir = pr.engine.artifacts.localDir(run.info.artifact_uri);
  assert.equal(fs.readFileSync(path.join(dir, 'stage.log'), 'utf8'), '$ node train.js\ntraining with lr 0.01\n');
  assert.ok(fs.existsSync(path.join(dir, 'plots', 'curve.csv')));
  pr.engine.close();
});

test('a changed param reruns that stage and its downstream only; a changed dep reruns only its stage', async () => {
  const pr = project();
  await repro(pr);
  pr.write('params.yaml', 'train:\n  lr: 0.02\n');
  const a = await repro(pr);
  assert.deepEqual(a.r.ran, ['train', 'report']);
  assert.deepEqual(a.r.skipped, ['prepare', 'other']);
  const plan = a.events.find(e => e.type === 'plan');
  assert.ok(plan?.type === 'plan');
  assert.deepEqual(plan.stages.find(s => s.stage === 'train')!.reasons, ['params changed: train.lr 0.01 → 0.02']);
  assert.equal(pr.read('report.txt'), 'raw|lr=0.02|');

  pr.write('data/raw2.txt', 'raw2 edited');
  const b = await repro(pr);
  assert.deepEqual(b.r.ran, ['other']);
  assert.deepEqual(b.order, ['other.txt']);
  pr.engine.close();
});

test('a rerun upstream stage that produces the same outs lets its downstream skip (re-checked before start)', async () => {
  const pr = project();
  await repro(pr);
  pr.write('step.js', STEP_JS + '// a comment: same behaviour\n');
  const r = await repro(pr);
  assert.deepEqual(r.r.ran, ['prepare']);
  assert.deepEqual(r.r.skipped, ['train', 'report', 'other']);
  const plan = r.events.find(e => e.type === 'plan');
  assert.deepEqual(plan?.type === 'plan' && plan.stages.map(s => s.action), ['run', 'run', 'run', 'skip']);
  const skips = r.events.filter(e => e.type === 'stage-skip').map(e => e.type === 'stage-skip' && e.stage);
  assert.deepEqual(skips, ['train', 'report'], 'planned after their upstream, found up to date');
  pr.engine.close();
});

test('--force runs every selected stage; a single target runs with its upstream; --single runs only it', async () => {
  const pr = project();
  await repro(pr);
  assert.deepEqual((await repro(pr, { force: true })).r.ran, ['prepare', 'train', 'report', 'other']);
  const pr2 = project();
  const t = await repro(pr2, { targets: ['train'] });
  assert.deepEqual(t.r.ran, ['prepare', 'train']);
  assert.equal(pr2.exists('report.txt'), false);
  assert.equal(pr2.exists('other.txt'), false);
  const s = await repro(pr2, { targets: ['train'], single: true, force: true });
  assert.deepEqual(s.r.ran, ['train']);
  assert.deepEqual(s.order, ['model.txt']);
  await assert.rejects(repro(pr2, { targets: ['nope'] }), /unknown stage 'nope'/);
  pr.engine.close();
  pr2.engine.close();
});

test('dry: emits the plan and changes nothing', async () => {
  const pr = project();
  const { r, events } = await repro(pr, { dry: true });
  assert.equal(r.ok, true);
  assert.deepEqual(r.ran, []);
  assert.deepEqual(r.notRun, ['prepare', 'train', 'report', 'other']);
  assert.deepEqual(events.map(e => e.type), ['plan', 'done']);
  assert.equal(pr.exists('data/prepared.txt'), false);
  assert.equal(pr.engine.search.search({ experimentIds: ['0'], maxResults: 10 }).runs.length, 0);
  assert.equal(pr.engine.store.pipeline.getLock('dvc.yaml', 'prepare'), undefined);
  pr.engine.close();
});

test('a failing stage (exit 3) stops the pipeline: run FAILED, no lock, downstream not run', async () => {
  const pr = project(DVC_YAML.replace('cmd: node train.js', 'cmd: node train.js && node -e "process.exit(3)"'));
  const { r, events } = await repro(pr);
  assert.equal(r.ok, false);
  assert.deepEqual(r.ran, ['prepare']);
  assert.deepEqual(r.failed, ['train']);
  assert.deepEqual(r.notRun, ['report', 'other']);
  const train = r.stages.find(s => s.stage === 'train')!;
  assert.equal(train.exitCode, 3);
  assert.equal(train.error, 'exit code 3');
  assert.equal(pr.engine.runs.get(train.runId!).info.status, 'FAILED');
  assert.equal(tagsOf(pr.engine, train.runId!)['mlops.error'], 'exit code 3');
  assert.equal(pr.engine.store.pipeline.getLock('dvc.yaml', 'train'), undefined);
  assert.equal(pr.engine.store.pipeline.lastExecutions('dvc.yaml').get('train')?.state, 'failed');
  assert.equal(pr.exists('report.txt'), false);
  const end = events.find(e => e.type === 'stage-end' && e.stage === 'train');
  assert.deepEqual(end && end.type === 'stage-end' && [end.state, end.exitCode], ['failed', 3]);
  pr.engine.close();
});

test('a stage that does not write its outs fails: "outs missing after run"', async () => {
  const pr = project(`stages:\n  a:\n    cmd: echo hi\n    outs: [x.txt, y.txt]\n`);
  const { r } = await repro(pr);
  assert.equal(r.ok, false);
  assert.equal(r.stages[0].error, 'outs missing after run: x.txt, y.txt');
  assert.equal(pr.engine.runs.get(r.stages[0].runId!).info.status, 'FAILED');
  assert.equal(pr.engine.store.pipeline.getLock('dvc.yaml', 'a'), undefined);
  pr.engine.close();
});

const statusOf = (pr: Project, stage: string) =>
  pipelineStatus(pr.engine.store, pr.ws, loadPipeline(path.join(pr.ws, 'dvc.yaml'))).stages.find(s => s.stage === stage)!;

test('a failed stage keeps its error in the status: "failed: exit code 3", lastExitCode', async () => {
  const pr = project(`stages:\n  bad:\n    cmd: node -e "process.exit(3)"\n    deps: [data/raw.txt]\n`);
  await repro(pr);
  const st = statusOf(pr, 'bad');
  assert.equal(st.state, 'failed');
  assert.deepEqual(st.reasons, ['failed: exit code 3', 'never run']);
  assert.deepEqual([st.lastError, st.lastExitCode], ['exit code 3', 3]);
  pr.write('dvc.yaml', `stages:\n  bad:\n    cmd: node -e "0"\n    deps: [data/raw.txt]\n`);
  await repro(pr);
  assert.deepEqual(statusOf(pr, 'bad').reasons, [], 'a later success clears it');
  pr.engine.close();
});

test('a dep no stage produces: the stage is not run (even forced), nothing recorded, status says why', async () => {
  const yaml = `stages:\n  a:\n    cmd: node step.js a.txt nofile.csv\n    deps: [nofile.csv]\n    outs: [a.txt]\n`;
  for (const force of [false, true]) {
    const pr = project(yaml);
    const { r, events, order } = await repro(pr, { force });
    assert.equal(r.ok, false);
    assert.deepEqual(r.failed, ['a']);
    assert.equal(r.stages[0].error, "missing dependency 'nofile.csv' (no stage produces it)");
    assert.deepEqual(order, [], 'the command never ran');
    const end = events.find(e => e.type === 'stage-end');
    assert.deepEqual(end, { type: 'stage-end', stage: 'a', state: 'failed', exitCode: null, runId: '', ms: 0, error: "missing dependency 'nofile.csv' (no stage produces it)" });
    assert.equal(pr.engine.store.pipeline.getLock('dvc.yaml', 'a'), undefined, 'no lock');
    assert.equal(r.experimentId, undefined, 'no run');
    assert.equal(pr.engine.store.pipeline.lastExecutions('dvc.yaml').size, 0);
    const st = statusOf(pr, 'a');
    assert.deepEqual([st.state, st.reasons], ['never-run', ['never run', 'deps missing: nofile.csv']]);
    pr.engine.close();
  }
});

test('a missing params key or params file: not run, the error names the key and the file', async () => {
  const yaml = `stages:\n  a:\n    cmd: node step.js a.txt data/raw.txt\n    deps: [data/raw.txt]\n    params: [lr]\n    outs: [a.txt]\n`;
  const pr = project(yaml);
  let { r, order } = await repro(pr);
  assert.equal(r.stages[0].error, 'params missing: lr in params.yaml');
  assert.deepEqual(order, []);
  assert.deepEqual(statusOf(pr, 'a').reasons, ['never run', 'params missing: lr in params.yaml']);
  fs.rmSync(path.join(pr.ws, 'params.yaml'));
  ({ r } = await repro(pr));
  assert.equal(r.stages[0].error, 'params missing: lr in params.yaml');
  pr.write('params.yaml', 'lr: 0.5\n');
  ({ r, order } = await repro(pr));
  assert.deepEqual([r.ok, order], [true, ['a.txt']]);
  assert.equal(statusOf(pr, 'a').state, 'up-to-date');
  pr.write('params.yaml', 'other: 1\n');
  assert.deepEqual(statusOf(pr, 'a').reasons, ['params missing: lr in params.yaml'], 'not "up to date" once the key is gone');
  pr.engine.close();
});

test('a dep another stage produces but has not: the upstream runs first; -s without it names the producer', async () => {
  const pr = project();
  const s = await repro(pr, { targets: ['train'], single: true });
  assert.equal(s.r.ok, false);
  assert.equal(s.r.stages[0].error, "missing dependency 'data/prepared.txt' (an output of stage 'prepare', which has not produced it)");
  assert.deepEqual(s.order, []);
  const t = await repro(pr, { targets: ['train'] });
  assert.deepEqual(t.r.ran, ['prepare', 'train']);
  pr.engine.close();
});

test('a dep inside the stage\'s own output is a definition error: nothing runs, the dep is not deleted', async () => {
  const pr = project(`stages:\n  a:\n    cmd: node step.js x/out.txt x/y\n    deps: [x/y]\n    outs: [x]\n`, { 'x/y': 'input' });
  await assert.rejects(repro(pr), /dvc\.yaml:2:3: dependency 'x\/y' of stage 'a' is inside its output 'x'/);
  assert.equal(pr.read('x/y'), 'input');
  pr.engine.close();
});

function processAlive(pid: number): boolean {
  try { process.kill(pid, 0); } catch { return false; }
  try { return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return true; }
}

test('cancel kills a stage and its grandchild; the run is KILLED, the execution killed, nothing after starts', async () => {
  const pr = project(`stages:\n  slow:\n    cmd: sh -c 'sleep 30 & echo $! > bg.pid; sleep 30'\n  after:\n    cmd: echo after > after.txt\n    deps: [bg.pid]\n`);
  const ac = new AbortController();
  const t0 = Date.now();
  const running = repro(pr, { signal: ac.signal });
  const pidFile = path.join(pr.ws, 'bg.pid');
  while (!fs.existsSync(pidFile) || !fs.readFileSync(pidFile, 'utf8').trim()) await new Promise(r => setTimeout(r, 20));
  const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
  assert.ok(processAlive(grandchild));
  ac.abort();
  const { r, events } = await running;
  assert.ok(Date.now() - t0 < 10_000);
  assert.equal(processAlive(grandchild), false, 'grandchild killed');
  assert.equal(r.ok, false);
  assert.equal(r.cancelled, true);
  assert.deepEqual(r.failed, ['slow']);
  assert.deepEqual(r.notRun, ['after']);
  const slow = r.stages[0];
  assert.equal(slow.outcome, 'killed');
  assert.equal(pr.engine.runs.get(slow.runId!).info.status, 'KILLED');
  assert.equal(pr.engine.store.pipeline.lastExecutions('dvc.yaml').get('slow')?.state, 'killed');
  assert.equal(pr.exists('after.txt'), false);
  assert.deepEqual(events.at(-1), { type: 'done', ok: false, ran: [], skipped: [], failed: ['slow'], cancelled: true });
  pr.engine.close();
});

test('jobs: 2 runs two independent stages at the same time', async () => {
  const slow = (n: string) => `node -e "const fs=require('fs');fs.writeFileSync('${n}.start',String(Date.now()));setTimeout(()=>fs.writeFileSync('${n}.end',String(Date.now())),700)"`;
  const yaml = `stages:\n  a:\n    cmd: ${JSON.stringify(slow('a'))}\n    outs: [a.end]\n  b:\n    cmd: ${JSON.stringify(slow('b'))}\n    outs: [b.end]\n`;
  const pr = project(yaml);
  const { r } = await repro(pr, { jobs: 2 });
  assert.deepEqual(r.ran, ['a', 'b']);
  const t = (f: string) => Number(pr.read(f));
  assert.ok(t('a.start') < t('b.end') && t('b.start') < t('a.end'), 'the two stages overlapped');
  const serial = project(yaml);
  await repro(serial, { jobs: 1 });
  const s = (f: string) => Number(serial.read(f));
  assert.ok(s('b.start') >= s('a.end'), 'with one job they do not');
  pr.engine.close();
  serial.engine.close();
});

test('outs are deleted before the stage runs unless persist: true', async () => {
  const yaml = `stages:\n  a:\n    cmd: node check.js\n    outs:\n      - keep.txt:\n          persist: true\n      - fresh.txt\n`;
  const check = `const fs=require('fs');fs.writeFileSync('seen.json',JSON.stringify({keep:fs.existsSync('keep.txt'),fresh:fs.existsSync('fresh.txt')}));fs.appendFileSync('keep.txt','x');fs.writeFileSync('fresh.txt','y');`;
  const pr = project(yaml, { 'check.js': check, 'keep.txt': 'old', 'fresh.txt': 'old' });
  const { r } = await repro(pr);
  assert.equal(r.ok, true);
  assert.deepEqual(JSON.parse(pr.read('seen.json')), { keep: true, fresh: false });
  assert.equal(pr.read('keep.txt'), 'oldx');
  pr.engine.close();
});

test('stage env has MLFLOW_*; a metric the stage POSTs to MLFLOW_TRACKING_URI lands in its run', async () => {
  const server = await startTestServer();
  const post = `const e=process.env;require('fs').writeFileSync('env.json',JSON.stringify({uri:e.MLFLOW_TRACKING_URI,exp:e.MLFLOW_EXPERIMENT_ID,run:e.MLFLOW_RUN_ID,tok:e.MLFLOW_TRACKING_TOKEN}));
fetch(e.MLFLOW_TRACKING_URI+'/api/2.0/mlflow/runs/log-batch',{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify({run_id:e.MLFLOW_RUN_ID,metrics:[{key:'posted',value:42,step:1,timestamp:Date.now()}],params:[{key:'train.lr',value:'chosen-by-stage'}]})}).then(r=>{if(!r.ok)process.exit(5)});`;
  const write = (rel: string, text: string) => fs.writeFileSync(path.join(server.ws, rel), text);
  write('dvc.yaml', 'stages:\n  post:\n    cmd: node post.js\n    params: [train.lr]\n');
  write('params.yaml', 'train:\n  lr: 0.1\n');
  write('post.js', post);
  const p = loadPipeline(path.join(server.ws, 'dvc.yaml'));
  const r = await reproduce(server.engine, server.ws, p, { trackingUri: server.url, experimentName: 'my pipeline', env: { MLFLOW_TRACKING_TOKEN: 't0k' } });
  assert.equal(r.ok, true, JSON.stringify(r.stages));
  const runId = r.stages[0].runId!;
  const env = JSON.parse(fs.readFileSync(path.join(server.ws, 'env.json'), 'utf8'));
  assert.deepEqual(env, { uri: server.url, exp: r.experimentId, run: runId, tok: 't0k' });
  const run = server.engine.runs.get(runId);
  assert.equal(server.engine.experiments.get(run.info.experiment_id).name, 'my pipeline');
  assert.deepEqual(run.data.metrics.map(m => [m.key, m.value, m.step]), [['posted', 42, 1]]);
  assert.deepEqual(run.data.params, [{ key: 'train.lr', value: 'chosen-by-stage' }], 'the stage\'s own param value kept');
  assert.equal(run.info.status, 'FINISHED');
  await server.close();
});

test('frozen stages never run, even forced', async () => {
  const pr = project(`stages:\n  a:\n    cmd: echo a > a.txt\n    outs: [a.txt]\n    frozen: true\n`);
  const { r, events } = await repro(pr, { force: true });
  assert.deepEqual(r.skipped, ['a']);
  const plan = events[0];
  assert.deepEqual(plan.type === 'plan' && plan.stages, [{ stage: 'a', action: 'skip', reasons: ['frozen'] }]);
  assert.equal(pr.exists('a.txt'), false);
  pr.engine.close();
});
