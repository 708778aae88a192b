// A registered model version backed by real artifacts: a run with params, metrics, a dataset input and git
// tags, test/fixtures/iris-logreg.onnx (+ a small MLmodel file) in its artifact folder, registered from it.
import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from '../../src/engine/engine';
import type { ModelVersion } from '../../src/shared/dto';
import { ROOT } from './engineProcess';

export const IRIS_ONNX = path.join(ROOT, 'test', 'fixtures', 'iris-logreg.onnx');
export const MLMODEL = 'artifact_path: model\nflavors:\n  onnx:\n    data: model.onnx\n';

export interface IrisOptions {
  name?: string;
  acc?: number;
  /** Git state recorded on the run (lineage); omitted when undefined. */
  git?: { commit: string; dirty: boolean };
}

/** Registers a new version of `name` (default iris) from a fresh run; creates the model on first use. */
export async function registerIris(engine: Engine, opts: IrisOptions = {}): Promise<{ runId: string; version: ModelVersion }> {
  const name = opts.name ?? 'iris';
  const run = engine.runs.create({ experimentId: '0', runName: 'train-logreg', tags: [] });
  const runId = run.info.run_id;
  engine.runData.logParam(runId, 'C', '1.0');
  engine.runData.logMetric(runId, { key: 'acc', value: opts.acc ?? 0.95, step: 0, timestamp: Date.now() });
  engine.runData.logInputs(runId, [{ dataset: { name: 'iris', digest: 'd1g3st', source_type: 'local', source: 'data/iris.csv' }, tags: [] }]);
  if (opts.git) {
    engine.runData.setTag(runId, 'mlflow.source.git.commit', opts.git.commit);
    engine.runData.setTag(runId, 'mlflow.source.git.dirty', String(opts.git.dirty));
  }
  const dir = path.join(engine.artifacts.localDir(run.info.artifact_uri), 'model');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(IRIS_ONNX, path.join(dir, 'model.onnx'));
  fs.writeFileSync(path.join(dir, 'MLmodel'), MLMODEL);
  try { engine.registry.getModel(name); } catch { engine.registry.createModel(name, 'Iris species classifier', [{ key: 'team', value: 'ml' }]); }
  const version = await engine.registry.createVersion({ name, source: `runs:/${runId}/model`, runId, tags: [{ key: 'quality', value: 'good' }] });
  return { runId, version };
}
