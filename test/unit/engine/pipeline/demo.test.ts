// The demo pipeline seeded into a workspace and run stage by stage as real processes (node scripts/*.js in the
// workspace, as the executor runs them): splits, metrics, ROC, an ONNX model that ONNX Runtime loads and that agrees
// with the scripts' own forward pass, the loss history logged to a real tracking server, and reproduce() end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { demoPipelineRoot, seedDemoPipeline } from '../../../../src/engine/pipeline/demo';
import { loadPipeline } from '../../../../src/engine/pipeline/definition';
import { reproduce } from '../../../../src/engine/pipeline/executor';
import { ModelSession } from '../../../../src/engine/serving/modelSession';
import { predict, readLogReg } from '../../../../src/demoPipeline/onnxLogReg';
import { startTestServer, tempWorkspace } from '../../../helpers/workspace';

const ROOT = demoPipelineRoot(__dirname)!;

/** Runs `node scripts/<stage>.js` in ws without any MLFLOW_* variables unless given. */
function runStage(ws: string, stage: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MLFLOW_')));
  return new Promise(resolve => {
    execFile(process.execPath, [`scripts/${stage}.js`], { cwd: ws, env: { ...clean, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const csvRows = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n').map(l => l.split(','));

async function seededAndRun(): Promise<string> {
  const ws = tempWorkspace('mlops-demo-pipeline-');
  seedDemoPipeline(ws, ROOT);
  for (const stage of ['prepare', 'train', 'evaluate']) {
    const r = await runStage(ws, stage);
    assert.equal(r.code, 0, `${stage}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^${stage}: `));
  }
  return ws;
}

test('seeding copies the definition, data and built scripts, and never overwrites a file', () => {
  const ws = tempWorkspace();
  const first = seedDemoPipeline(ws, ROOT);
  for (const f of ['dvc.yaml', 'params.yaml', 'data/iris.csv', 'scripts/prepare.js', 'scripts/train.js', 'scripts/evaluate.js']) {
    assert.ok(first.written.includes(f), f);
    assert.ok(fs.existsSync(path.join(ws, f)), f);
  }
  assert.deepEqual(first.skipped, []);
  fs.writeFileSync(path.join(ws, 'params.yaml'), 'train:\n  lr: 0.01\n');
  const again = seedDemoPipeline(ws, ROOT);
  assert.deepEqual(again.written, []);
  assert.deepEqual(again.skipped.sort(), first.written.sort());
  assert.equal(fs.readFileSync(path.join(ws, 'params.yaml'), 'utf8'), 'train:\n  lr: 0.01\n');
});

test('seeding without built scripts fails with a clear message', () => {
  const root = tempWorkspace();
  fs.mkdirSync(path.join(root, 'media/demo/pipeline'), { recursive: true });
  fs.writeFileSync(path.join(root, 'media/demo/pipeline/dvc.yaml'), 'stages: {}\n');
  assert.equal(demoPipelineRoot(path.join(root, 'media/demo')), root);
  assert.throws(() => seedDemoPipeline(tempWorkspace(), root), /demo pipeline scripts are not built .*node esbuild\.mjs/);
});

test('prepare → train → evaluate: stratified splits, metrics, a monotone ROC curve', async () => {
  const ws = await seededAndRun();
  const [header, ...train] = csvRows(path.join(ws, 'data/prepared/train.csv'));
  const [, ...testRows] = csvRows(path.join(ws, 'data/prepared/test.csv'));
  assert.deepEqual(header, ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'label']);
  assert.equal(train.length, 70);
  assert.equal(testRows.length, 30);
  assert.equal(testRows.filter(r => r[4] === '1').length, 15); // split 0.3 of each 50-row class
  // Together the splits are exactly the versicolor and virginica rows of the source.
  const source = csvRows(path.join(ws, 'data/iris.csv')).slice(1).filter(r => r[4] !== 'setosa')
    .map(r => [...r.slice(0, 4).map(Number), r[4] === 'virginica' ? 1 : 0].join());
  assert.deepEqual([...train, ...testRows].map(r => r.map(Number).join()).sort(), source.sort());

  const metrics = JSON.parse(fs.readFileSync(path.join(ws, 'metrics/eval.json'), 'utf8'));
  assert.deepEqual(Object.keys(metrics), ['accuracy', 'auc', 'logloss']);
  assert.ok(metrics.accuracy > 0.85 && metrics.accuracy <= 1, `accuracy ${metrics.accuracy}`);
  assert.ok(metrics.auc > 0.95 && metrics.auc <= 1, `auc ${metrics.auc}`);
  assert.ok(metrics.logloss > 0 && metrics.logloss < 0.3, `logloss ${metrics.logloss}`);

  const [rocHeader, ...roc] = csvRows(path.join(ws, 'plots/roc.csv'));
  assert.deepEqual(rocHeader, ['fpr', 'tpr', 'threshold']);
  const pts = roc.map(r => r.map(Number));
  assert.deepEqual(pts[0].slice(0, 2), [0, 0]);
  assert.deepEqual(pts.at(-1)!.slice(0, 2), [1, 1]);
  for (let k = 1; k < pts.length; k++) {
    assert.ok(pts[k][0] >= pts[k - 1][0] && pts[k][1] >= pts[k - 1][1], `ROC not monotone at row ${k + 2}`);
    assert.ok(pts[k][2] < pts[k - 1][2], `thresholds not decreasing at row ${k + 2}`);
  }
  let area = 0;
  for (let k = 1; k < pts.length; k++) area += (pts[k][0] - pts[k - 1][0]) * (pts[k][1] + pts[k - 1][1]) / 2;
  assert.ok(Math.abs(area - metrics.auc) < 1e-5, `area under roc.csv ${area} vs auc ${metrics.auc}`);

  const scaler = JSON.parse(fs.readFileSync(path.join(ws, 'model/scaler.json'), 'utf8'));
  assert.deepEqual(scaler.features, header.slice(0, 4));
  assert.equal(scaler.mean.length, 4);
});

test('model.onnx runs in ONNX Runtime with the serving conventions and matches the scripts\' forward pass', async () => {
  const ws = await seededAndRun();
  const file = path.join(ws, 'model/model.onnx');
  const session = await ModelSession.load(file);
  try {
    assert.deepEqual(session.inputs, [{ name: 'input', type: 'float32', shape: ['N', 4] }]);
    assert.deepEqual(session.outputs, [{ name: 'label', type: 'int64', shape: ['N'] }, { name: 'probabilities', type: 'float32', shape: ['N', 2] }]);
    assert.ok(session.batchable);
    const [, ...rows] = csvRows(path.join(ws, 'data/prepared/test.csv'));
    const x = rows.map(r => r.slice(0, 4).map(Number));
    const out = await session.run({ input: new session.ortLib.Tensor('float32', Float32Array.from(x.flat()), [x.length, 4]) });
    const ours = predict(readLogReg(fs.readFileSync(file), file), x);
    const probs = out.probabilities.data as Float32Array;
    const labels = Array.from(out.label.data as BigInt64Array, Number);
    let worst = 0;
    ours.forEach((p, i) => { worst = Math.max(worst, Math.abs(p[0] - probs[2 * i]), Math.abs(p[1] - probs[2 * i + 1])); });
    assert.ok(worst < 1e-5, `max |Δ| ${worst}`);
    assert.deepEqual(labels, ours.map(p => (p[1] > p[0] ? 1 : 0)));
    const accuracy = labels.filter((l, i) => l === Number(rows[i][4])).length / labels.length;
    const metrics = JSON.parse(fs.readFileSync(path.join(ws, 'metrics/eval.json'), 'utf8'));
    assert.ok(Math.abs(accuracy - metrics.accuracy) < 1e-6, `ONNX Runtime accuracy ${accuracy} vs eval.json ${metrics.accuracy}`);
  } finally {
    await session.release();
  }
});

test('train logs its loss history to the run named by MLFLOW_RUN_ID', async () => {
  const server = await startTestServer();
  try {
    const ws = tempWorkspace();
    seedDemoPipeline(ws, ROOT);
    assert.equal((await runStage(ws, 'prepare')).code, 0);
    const created = await server.call('POST', 'runs/create', { experiment_id: '0', run_name: 'train' });
    assert.equal(created.status, 200);
    const runId: string = created.body.run.info.run_id;
    const r = await runStage(ws, 'train', { MLFLOW_TRACKING_URI: server.url, MLFLOW_EXPERIMENT_ID: '0', MLFLOW_RUN_ID: runId });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`logged to run ${runId}`));
    const h = await server.call('GET', `metrics/get-history?run_id=${runId}&metric_key=loss&max_results=1000`);
    assert.equal(h.status, 200);
    const points = h.body.metrics as { step: number; value: number }[];
    assert.equal(points.length, 300); // train.epochs
    assert.deepEqual(points.map(p => p.step).sort((a, b) => a - b), Array.from({ length: 300 }, (_, i) => i));
    const byStep = [...points].sort((a, b) => a.step - b.step);
    assert.ok(Math.abs(byStep[0].value - Math.log(2)) < 1e-9, `epoch 0 loss ${byStep[0].value} (zero weights: log 2)`);
    assert.ok(byStep[299].value < 0.2, `final loss ${byStep[299].value}`);
    for (let k = 1; k < byStep.length; k++) assert.ok(byStep[k].value <= byStep[k - 1].value + 1e-12, `loss rose at epoch ${k}`);

    const gone = await runStage(ws, 'train', { MLFLOW_TRACKING_URI: server.url, MLFLOW_RUN_ID: 'no-such-run' });
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^train: .*runs\/log-batch answered 404/);
  } finally {
    await server.close();
  }
});

test('bad params, missing inputs and bad data end in one clear line on stderr', async () => {
  const ws = tempWorkspace();
  seedDemoPipeline(ws, ROOT);
  let r = await runStage(ws, 'evaluate');
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'evaluate: model/model.onnx not found (run the train stage first)\n');
  fs.writeFileSync(path.join(ws, 'params.yaml'), fs.readFileSync(path.join(ws, 'params.yaml'), 'utf8').replace('split: 0.3', 'split: 1.5'));
  r = await runStage(ws, 'prepare');
  assert.equal(r.stderr, 'prepare: params.yaml: prepare.split must be a number in (0, 1), got 1.5\n');
  fs.copyFileSync(path.join(ROOT, 'media/demo/pipeline/params.yaml'), path.join(ws, 'params.yaml'));
  const iris = path.join(ws, 'data/iris.csv');
  fs.writeFileSync(iris, fs.readFileSync(iris, 'utf8').replace('7.0,3.2,4.7,1.4,versicolor', '7.0,oops,4.7,1.4,versicolor'));
  r = await runStage(ws, 'prepare');
  assert.equal(r.stderr, "prepare: data/iris.csv:52: sepal_width is not a number: 'oops'\n");
  r = await runStage(ws, 'train');
  assert.equal(r.stderr, 'train: data/prepared/train.csv not found (run the stage that writes it first)\n');
});

test('reproduce() runs the seeded demo pipeline end to end, each stage a run; a params change reruns train and evaluate', async () => {
  const server = await startTestServer();
  try {
    const { ws, engine } = server;
    seedDemoPipeline(ws, ROOT);
    const load = () => loadPipeline(path.join(ws, 'dvc.yaml'));
    const r = await reproduce(engine, ws, load(), { trackingUri: server.url });
    assert.equal(r.ok, true, JSON.stringify(r.stages));
    assert.deepEqual(r.ran, ['prepare', 'train', 'evaluate']);
    const run = (stage: string) => engine.runs.get(r.stages.find(s => s.stage === stage)!.runId!);
    const train = run('train');
    assert.equal(train.info.status, 'FINISHED');
    assert.equal(engine.store.metrics.history(train.info.run_id, 'loss', 1000).metrics.length, 300);
    assert.ok(train.data.params.some(p => p.key === 'train.lr' && p.value === '0.5'), JSON.stringify(train.data.params));
    const evaluated = Object.fromEntries(run('evaluate').data.metrics.map(m => [m.key, m.value]));
    const file = JSON.parse(fs.readFileSync(path.join(ws, 'metrics/eval.json'), 'utf8'));
    for (const k of ['accuracy', 'auc', 'logloss']) assert.equal(evaluated[k], file[k], k);

    const again = await reproduce(engine, ws, load(), { trackingUri: server.url });
    assert.deepEqual([again.ran, again.skipped], [[], ['prepare', 'train', 'evaluate']]);
    const params = path.join(ws, 'params.yaml');
    fs.writeFileSync(params, fs.readFileSync(params, 'utf8').replace('epochs: 300', 'epochs: 50'));
    const changed = await reproduce(engine, ws, load(), { trackingUri: server.url });
    assert.deepEqual([changed.ran, changed.skipped], [['train', 'evaluate'], ['prepare']]);
  } finally {
    await server.close();
  }
});
