// A demo workspace: a few experiments, runs with long metric histories, one run still RUNNING.
import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from '../engine';

/** The demo's ONNX model (iris logistic regression), shipped in media/demo/. */
function demoModel(): string | undefined {
  for (const p of [path.join(__dirname, '..', 'media', 'demo', 'iris-logreg.onnx'), path.join(__dirname, '..', '..', '..', 'media', 'demo', 'iris-logreg.onnx')]) {
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

const DEMO_POLICY = `# Governance gates for promotions (MLOps Workbench). Edit freely.
version: 1
stages:
  Production:
    - metrics.acc >= 0.85
    - lineage complete
    - rollback available
aliases:
  champion:
    - metrics.acc >= 0.8
`;

/** Registers two versions of iris-classifier from demo runs: v1 Production, v2 Staging and @champion. */
export async function seedDemoRegistry(engine: Engine): Promise<number> {
  const model = demoModel();
  const exp = engine.store.experiments.getByName('iris-classifier');
  if (!model || !exp || engine.store.registry.modelRow('iris-classifier')) return 0;
  const policy = path.join(engine.store.paths.root, 'policy.yaml');
  if (!fs.existsSync(policy)) fs.writeFileSync(policy, DEMO_POLICY);
  const runs = engine.search.search({ experimentIds: [exp.experiment_id], filter: "attributes.status = 'FINISHED'", orderBy: ['attributes.start_time ASC'], maxResults: 2 }).runs;
  engine.registry.createModel('iris-classifier', 'Iris species classifier (logistic regression, ONNX)', [{ key: 'team', value: 'demo' }]);
  for (const run of runs) {
    const dir = path.join(engine.artifacts.localDir(run.info.artifact_uri), 'model');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(model, path.join(dir, 'model.onnx'));
    await engine.registry.createVersion({ name: 'iris-classifier', source: `runs:/${run.info.run_id}/model`, runId: run.info.run_id, userId: 'demo' });
  }
  const why = { override: true, reason: 'demo seed (no git repository in the demo workspace)', user: 'demo' };
  engine.promotion.transition('iris-classifier', 1, 'Production', why);
  if (runs.length > 1) {
    engine.promotion.transition('iris-classifier', 2, 'Staging', why);
    engine.promotion.setAlias('iris-classifier', 'champion', 2, why);
  }
  return runs.length;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

export function seedDemo(engine: Engine, opts: { points?: number } = {}): { experiments: number; runs: number; runningRunId: string } {
  const points = opts.points ?? 2000;
  const rand = rng(42);
  const specs = [
    { name: 'iris-classifier', models: ['logreg', 'svm', 'mlp'], runs: 6 },
    { name: 'churn-xgboost', models: ['xgb', 'lgbm'], runs: 5 },
    { name: 'sentiment-bert', models: ['bert-base', 'distilbert'], runs: 3 },
  ];
  let runs = 0;
  let running = '';
  const t0 = Date.now() - 3 * 24 * 3600 * 1000;
  for (const [ei, spec] of specs.entries()) {
    const existing = engine.store.experiments.getByName(spec.name);
    const expId = existing?.experiment_id ?? engine.experiments.create(spec.name, undefined, [{ key: 'mlflow.note.content', value: `Demo experiment ${spec.name}` }]);
    for (let i = 0; i < spec.runs; i++) {
      const model = spec.models[i % spec.models.length];
      const lr = [0.1, 0.03, 0.01, 0.003][i % 4];
      const start = t0 + (ei * 10 + i) * 3600 * 1000;
      const run = engine.runs.create({ experimentId: expId, startTime: start, runName: `${model}-lr${lr}-${i}`, userId: 'demo', tags: [{ key: 'model', value: model }] });
      const id = run.info.run_id;
      engine.runData.logBatch(id, { metrics: [], params: [{ key: 'model', value: model }, { key: 'lr', value: String(lr) }, { key: 'epochs', value: String(points) }, { key: 'batch_size', value: String([32, 64, 128][i % 3]) }], tags: [] });
      const ceiling = 0.8 + 0.18 * rand();
      const isRunning = ei === 0 && i === spec.runs - 1;
      const n = isRunning ? Math.floor(points / 2) : points;
      for (let s = 0; s < n; s += 250) {
        const metrics = [];
        for (let step = s; step < Math.min(n, s + 250); step++) {
          const p = 1 - Math.exp(-step / (points / (4 + 20 * lr)));
          const ts = start + step * 1000;
          metrics.push({ key: 'loss', value: 1.2 * (1 - p) + 0.05 + 0.03 * (rand() - 0.5), step, timestamp: ts });
          metrics.push({ key: 'acc', value: Math.min(0.999, ceiling * p + 0.02 * (rand() - 0.5)), step, timestamp: ts });
          if (step % 10 === 0) metrics.push({ key: 'val_acc', value: Math.min(0.999, (ceiling - 0.03) * p + 0.03 * (rand() - 0.5)), step, timestamp: ts });
        }
        for (let k = 0; k < metrics.length; k += 1000) engine.runData.logBatch(id, { metrics: metrics.slice(k, k + 1000), params: [], tags: [] });
      }
      engine.runData.logInputs(id, [{ dataset: { name: `${spec.name}-train`, digest: `d${ei}a1b2c3`, source_type: 'local', source: `data/${spec.name}.csv`, schema: '{"mlflow_colspec":[{"name":"x","type":"double"}]}' }, tags: [{ key: 'mlflow.data.context', value: 'training' }] }]);
      if (isRunning) running = id;
      else engine.runs.update(id, { status: i === 2 ? 'FAILED' : 'FINISHED', endTime: start + n * 1000 });
      runs++;
    }
  }
  return { experiments: specs.length, runs, runningRunId: running };
}
