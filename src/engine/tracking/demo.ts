// A demo workspace: a few experiments, runs with long metric histories, one run still RUNNING.
import type { Engine } from '../engine';

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
