// Stage `evaluate`: the weights of model/model.onnx (read with the same protobuf schema train wrote them with; no
// ONNX Runtime needed) on data/prepared/test.csv → metrics/eval.json (accuracy, auc, logloss) and plots/roc.csv.
import fs from 'node:fs';
import { numbers, readCsv, writeCsv } from './csv';
import { accuracy, auc, logLoss, roc } from './metrics';
import { predict, readLogReg } from './onnxLogReg';
import { runScript, writeFile } from './script';

const MODEL = 'model/model.onnx';
const round = (v: number) => Number(v.toFixed(6));

runScript('evaluate', () => {
  if (!fs.existsSync(MODEL)) throw new Error(`${MODEL} not found (run the train stage first)`);
  const model = readLogReg(fs.readFileSync(MODEL), MODEL);
  const table = readCsv('data/prepared/test.csv');
  const x = numbers(table, table.header.filter(h => h !== 'label'));
  const y = numbers(table, ['label']).map(([v]) => v);
  const p = predict(model, x).map(([, p1]) => p1);
  const curve = roc(y, p);
  const metrics = { accuracy: round(accuracy(y, p)), auc: round(auc(curve)), logloss: round(logLoss(y, p)) };
  writeFile('metrics/eval.json', `${JSON.stringify(metrics, null, 2)}\n`);
  writeCsv('plots/roc.csv', ['fpr', 'tpr', 'threshold'], curve.map(c => [round(c.fpr), round(c.tpr), round(c.threshold)]));
  console.log(`evaluate: ${y.length} test rows: accuracy ${metrics.accuracy}, auc ${metrics.auc}, logloss ${metrics.logloss}`);
});
