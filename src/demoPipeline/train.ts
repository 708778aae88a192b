// Stage `train`: logistic regression on data/prepared/train.csv (standardised features, batch gradient descent with
// train.lr, train.epochs, train.l2) → model/model.onnx and model/scaler.json. Inside a tracked stage (MLFLOW_RUN_ID
// set) the loss of every epoch is logged to that run as metric `loss`.
import fs from 'node:fs';
import { numbers, readCsv } from './csv';
import { fitScaler, standardise, train } from './logreg';
import { trackingFromEnv, logMetrics, type Metric } from './mlflow';
import { logRegToOnnx } from './onnxLogReg';
import { readParams, runScript, writeFile } from './script';

runScript('train', async () => {
  const p = readParams('train');
  const opts = { lr: p.num('lr', 0, 100, { open: true }), epochs: p.num('epochs', 1, 1_000_000, { integer: true }), l2: p.num('l2', 0, 100) };
  const tracking = trackingFromEnv();

  const table = readCsv('data/prepared/train.csv');
  const features = table.header.filter(h => h !== 'label');
  const x = numbers(table, features);
  const y = numbers(table, ['label']).map(([v], i) => {
    if (v !== 0 && v !== 1) throw new Error(`${table.file}:${i + 2}: label must be 0 or 1, got ${v}`);
    return v;
  });
  const scaler = fitScaler(features, x);
  const history: Metric[] = [];
  const model = train(standardise(scaler, x), y, opts, (step, value) => history.push({ key: 'loss', value, step, timestamp: Date.now() }));

  fs.rmSync('model', { recursive: true, force: true });
  writeFile('model/scaler.json', `${JSON.stringify(scaler, null, 2)}\n`);
  const doc = `Binary logistic regression (demo pipeline): features ${features.join(', ')}; lr ${opts.lr}, epochs ${opts.epochs}, l2 ${opts.l2}`;
  writeFile('model/model.onnx', logRegToOnnx(scaler, model, doc));
  if (tracking) await logMetrics(tracking, history);
  const last = history[history.length - 1].value;
  console.log(`train: ${y.length} rows, ${opts.epochs} epochs, final loss ${last.toFixed(4)}${tracking ? `, logged to run ${tracking.runId}` : ''}`);
});
