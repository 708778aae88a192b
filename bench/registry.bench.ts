// Registry benchmarks: registration (lineage + ONNX signature), gate evaluation, search, over real HTTP.
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../src/engine/engine';
import { tempWorkspace } from '../test/helpers/workspace';
import { onnxSignature } from '../src/engine/registry/lineage';
import { ROOT } from '../test/helpers/engineProcess';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const row = (name: string, ours: string, limit: string) => console.log(`  ${name.padEnd(50)} ${ours.padEnd(22)} ${limit}`);

async function main(): Promise<void> {
  console.log('\n== Model registry ==');
  row('benchmark', 'ours', 'physical limit');
  const ws = tempWorkspace('mlops-bench-reg-');
  const engine = Engine.open(ws, { git: false });
  const onnx = path.join(ROOT, 'test', 'fixtures', 'iris-logreg.onnx');
  const run = engine.runs.create({ experimentId: '0', tags: [] });
  engine.runData.logBatch(run.info.run_id, { metrics: [{ key: 'auc', value: 0.9, step: 0, timestamp: 1 }], params: [{ key: 'lr', value: '0.1' }], tags: [] });
  const dir = path.join(engine.artifacts.localDir(run.info.artifact_uri), 'model');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(onnx, path.join(dir, 'model.onnx'));
  fs.mkdirSync(path.join(ws, '.mlops'), { recursive: true });
  fs.writeFileSync(path.join(ws, '.mlops', 'policy.yaml'), 'version: 1\nstages:\n  Production:\n    - metrics.auc >= 0.85\n    - lineage complete\n    - rollback available\n');
  engine.registry.createModel('bench');
  const reg: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    await engine.registry.createVersion({ name: 'bench', source: `runs:/${run.info.run_id}/model`, runId: run.info.run_id });
    reg.push(performance.now() - t);
  }
  const sig: number[] = [];
  for (let i = 0; i < 50; i++) { const t = performance.now(); await onnxSignature(path.join(dir, 'model.onnx')); sig.push(performance.now() - t); }
  row('register a version (lineage + ONNX signature)', `median ${median(reg).toFixed(2)} ms`, `ONNX session create+read alone ${median(sig).toFixed(2)} ms`);
  const gates: number[] = [];
  for (let i = 1; i <= 200; i++) { const t = performance.now(); engine.promotion.evaluate('bench', i, { stage: 'Production' }); gates.push(performance.now() - t); }
  row('evaluate 3 gates (policy.yaml read + parse)', `median ${median(gates).toFixed(2)} ms`, '');
  const promo: number[] = [];
  for (let i = 1; i <= 100; i++) { const t = performance.now(); engine.promotion.transition('bench', i, 'Production', { archiveExisting: true, override: true, reason: 'bench' }); promo.push(performance.now() - t); }
  row('promote with archive_existing + audit', `median ${median(promo).toFixed(2)} ms`, '');
  const search: number[] = [];
  for (let i = 0; i < 20; i++) { const t = performance.now(); engine.registry.searchVersions({ filter: "name = 'bench'", maxResults: 1000 }); search.push(performance.now() - t); }
  row('search 200 versions of a model', `median ${median(search).toFixed(2)} ms`, '');
  engine.close();
}
void main().then(() => process.exit(0));
