// DVC's public example-get-started project shape (prepare → featurize → train → evaluate, nested params.yaml),
// run end to end with stand-in Node scripts: the right DAG, the right order, outputs and metrics, caching,
// and a nested param change re-running exactly the stages that read it and their downstream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openEngine, tempWorkspace } from '../../../helpers/workspace';
import { loadPipeline } from '../../../../src/engine/pipeline/definition';
import { buildDag } from '../../../../src/engine/pipeline/dag';
import { reproduce } from '../../../../src/engine/pipeline/executor';

const FIXTURE = path.join(__dirname, '../../../../../test/fixtures/pipelines/get-started');

// Each stand-in appends its name to order.log and writes what the real stage would (dirs, model, metrics, plots).
const SCRIPTS: Record<string, string> = {
  'prepare.js': `const fs = require('fs'); const [src, out] = process.argv.slice(2);
fs.appendFileSync('order.log', 'prepare\\n'); fs.mkdirSync(out, { recursive: true });
const rows = fs.readFileSync(src, 'utf8').split('\\n').filter(l => l.includes('<row'));
fs.writeFileSync(out + '/train.tsv', rows.slice(0, 8).join('\\n')); fs.writeFileSync(out + '/test.tsv', rows.slice(8).join('\\n'));`,
  'featurize.js': `const fs = require('fs'); const a = process.argv.slice(2);
fs.appendFileSync('order.log', 'featurize\\n'); fs.mkdirSync(a[1], { recursive: true });
const mf = a[a.indexOf('--max-features') + 1], ng = a[a.indexOf('--ngrams') + 1];
for (const f of ['train', 'test']) fs.writeFileSync(a[1] + '/' + f + '.pkl', fs.readFileSync(a[0] + '/' + f + '.tsv', 'utf8').length + ':' + mf + ':' + ng);`,
  'train.js': `const fs = require('fs'); const [feat, model] = process.argv.slice(2);
fs.appendFileSync('order.log', 'train\\n'); fs.writeFileSync(model, 'model of ' + fs.readFileSync(feat + '/train.pkl', 'utf8'));`,
  'evaluate.js': `const fs = require('fs'); const [model] = process.argv.slice(2);
fs.appendFileSync('order.log', 'evaluate\\n'); fs.mkdirSync('eval/plots', { recursive: true });
fs.writeFileSync('eval/metrics.json', JSON.stringify({ avg_prec: { train: 0.9, test: 0.85 }, roc_auc: { train: 0.95, test: 0.9 } }));
fs.writeFileSync('eval/plots/prc.json', JSON.stringify([{ precision: 1, recall: 0 }, { precision: 0.8, recall: 0.5 }, { precision: 0.6, recall: 1 }]));
fs.writeFileSync('eval/plots/importance.png', fs.readFileSync(model));`,
};

function project(): string {
  const ws = tempWorkspace();
  fs.cpSync(FIXTURE, ws, { recursive: true });
  fs.mkdirSync(path.join(ws, 'scripts'));
  for (const [f, text] of Object.entries(SCRIPTS)) fs.writeFileSync(path.join(ws, 'scripts', f), text);
  fs.mkdirSync(path.join(ws, 'data'));
  fs.writeFileSync(path.join(ws, 'data/data.xml'), Array.from({ length: 10 }, (_, i) => `<row Id="${i}" Body="post ${i}"/>`).join('\n'));
  return ws;
}

const order = (ws: string) => {
  const f = path.join(ws, 'order.log');
  const o = fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n') : [];
  fs.rmSync(f, { force: true });
  return o;
};

test('example-get-started: DAG prepare → featurize → train → evaluate (evaluate also reads data/features)', () => {
  const p = loadPipeline(path.join(project(), 'dvc.yaml'));
  const dag = buildDag(p);
  assert.deepEqual(dag.order, ['prepare', 'featurize', 'train', 'evaluate']);
  assert.deepEqual(dag.upstream.get('evaluate')?.slice().sort(), ['featurize', 'train']);
  assert.equal(p.stages.find(s => s.name === 'featurize')!.cmd[0], 'node scripts/featurize.js data/prepared data/features --max-features 100 --ngrams 1');
});

test('example-get-started runs with stand-in scripts, caches, and re-runs from featurize when featurize.max_features changes', async () => {
  const ws = project();
  const engine = openEngine(ws);
  try {
    const file = path.join(ws, 'dvc.yaml');
    const first = await reproduce(engine, ws, loadPipeline(file), { trackingUri: 'http://127.0.0.1:9' });
    assert.equal(first.ok, true, JSON.stringify(first.stages));
    assert.deepEqual(order(ws), ['prepare', 'featurize', 'train', 'evaluate']);
    assert.equal(fs.readFileSync(path.join(ws, 'model.pkl'), 'utf8').endsWith(':100:1'), true);
    const evalRun = engine.runs.get(first.stages.find(s => s.stage === 'evaluate')!.runId!);
    const metrics = Object.fromEntries(evalRun.data.metrics.map(m => [m.key, m.value]));
    assert.equal(metrics['avg_prec.test'], 0.85);
    assert.equal(metrics['roc_auc.train'], 0.95);
    const trainRun = engine.runs.get(first.stages.find(s => s.stage === 'train')!.runId!);
    assert.deepEqual(trainRun.data.params.map(p => `${p.key}=${p.value}`).sort(), ['train.min_split=0.01', 'train.n_est=50', 'train.seed=20170428']);

    const second = await reproduce(engine, ws, loadPipeline(file), { trackingUri: 'http://127.0.0.1:9' });
    assert.deepEqual(second.ran, []);
    assert.deepEqual(order(ws), []);

    fs.writeFileSync(path.join(ws, 'params.yaml'), fs.readFileSync(path.join(ws, 'params.yaml'), 'utf8').replace('max_features: 100', 'max_features: 200'));
    const third = await reproduce(engine, ws, loadPipeline(file), { trackingUri: 'http://127.0.0.1:9' });
    assert.equal(third.ok, true);
    assert.deepEqual(order(ws), ['featurize', 'train', 'evaluate']);
    assert.deepEqual(third.skipped, ['prepare']);
    assert.equal(fs.readFileSync(path.join(ws, 'model.pkl'), 'utf8').endsWith(':200:1'), true);
  } finally {
    engine.close();
  }
});
