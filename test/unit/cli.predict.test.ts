// `mlops predict` through the real command line (dist/cli.js): progress on stderr, a one-line summary (or JSON)
// on stdout, the run it records, and failures that exit non-zero naming the reason, with no output file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempWorkspace } from '../helpers/workspace';
import { CLI, ROOT } from '../helpers/engineProcess';
import type { Run } from '../../src/shared/dto';

const IRIS_ONNX = path.join(ROOT, 'test/fixtures/iris-logreg.onnx');
const IRIS = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/iris-logreg.testdata.json'), 'utf8')) as { input: number[][]; label: number[]; probabilities: number[][] };

interface Result { code: number | null; out: string; err: string }

function mlops(ws: string, ...args: string[]): Result {
  const r = spawnSync(process.execPath, [CLI, '--workspace', ws, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A workspace with iris.csv holding the reference rows repeated `times` times. */
function irisWorkspace(times = 1): { ws: string; csv: string } {
  const ws = tempWorkspace();
  const csv = path.join(ws, 'iris.csv');
  const rows = Array.from({ length: times }, () => IRIS.input.map(r => r.join(','))).flat();
  fs.writeFileSync(csv, ['sepal_length,sepal_width,petal_length,petal_width', ...rows].join('\n') + '\n');
  return { ws, csv };
}

test('predict: a one-line summary on stdout, progress on stderr, predictions in the output file', () => {
  const { ws, csv } = irisWorkspace(1000);
  const out = path.join(ws, 'preds.csv');
  const r = mlops(ws, 'predict', '--model', IRIS_ONNX, '--input', csv, '--output', out, '--chunk-rows', '2000');
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, 1, r.out);
  assert.match(lines[0], /^predicted 7,000 rows in \d+\.\d\d s \([\d,]+ rows\/s\) → .*preds\.csv {2}run [0-9a-f]{32}$/);
  assert.match(r.err, /^predicted [\d,]+ rows$/m, 'progress lines on stderr');
  assert.match(r.err.trim().split('\n').pop()!, /^predicted 7,000 rows$/);
  const [head, ...body] = fs.readFileSync(out, 'utf8').trimEnd().split('\n');
  assert.equal(head, 'label,probabilities_0,probabilities_1,probabilities_2');
  assert.equal(body.length, 7000);
  body.forEach((l, i) => {
    const [label, ...p] = l.split(',').map(Number);
    assert.equal(label, IRIS.label[i % 7]);
    p.forEach((x, j) => assert.ok(Math.abs(x - IRIS.probabilities[i % 7][j]) <= 1e-6));
  });
});

test('predict --json: rows, seconds, rows_per_s, run_id; the run is FINISHED in batch-predictions', () => {
  const { ws, csv } = irisWorkspace();
  const out = path.join(ws, 'preds.parquet');
  const r = mlops(ws, 'predict', '-m', IRIS_ONNX, '-i', csv, '-o', out, '--json');
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(r.out) as { rows: number; seconds: number; rows_per_s: number; run_id: string; output: string };
  assert.equal(s.rows, 7);
  assert.ok(s.seconds > 0 && s.rows_per_s > 0);
  assert.equal(s.output, out);
  assert.ok(fs.statSync(out).size > 0);
  const show = mlops(ws, 'runs', 'show', s.run_id, '--json');
  const run = JSON.parse(show.out) as Run;
  assert.equal(run.info.status, 'FINISHED');
  assert.equal(run.data.tags.find(t => t.key === 'mlops.job')?.value, 'batch_predict');
  assert.equal(run.data.params.find(p => p.key === 'output_format')?.value, 'parquet');
  const exps = JSON.parse(mlops(ws, 'experiments', 'list', '--json').out) as { name: string; experiment_id: string }[];
  assert.equal(exps.find(e => e.experiment_id === run.info.experiment_id)?.name, 'batch-predictions');
});

test('predict failures: exit 1, the reason as the last stderr line, nothing on stdout, no output file, the run FAILED', () => {
  const { ws, csv } = irisWorkspace();
  fs.appendFileSync(csv, '1,2,three,4\n');
  const out = path.join(ws, 'preds.arrow');
  const r = mlops(ws, 'predict', '--model', IRIS_ONNX, '--input', csv, '--output', out);
  assert.equal(r.code, 1);
  assert.equal(r.out, '');
  assert.match(r.err.trim().split('\n').pop()!, /^mlops: INVALID_PARAMETER_VALUE: .*iris\.csv: column 'petal_length' row 8: input 'input' expects numbers \(float32\), got "three"$/);
  assert.ok(!fs.existsSync(out));
  assert.deepEqual(fs.readdirSync(ws).filter(f => f.includes('preds')), []);
  const runs = JSON.parse(mlops(ws, 'runs', 'list', '--json').out) as Run[];
  assert.equal(runs[0].info.status, 'FAILED');

  const unknown = mlops(ws, 'predict', '--model', IRIS_ONNX, '--input', csv, '--output', path.join(ws, 'preds.xlsx'));
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /preds\.xlsx: unknown table format '\.xlsx'/);

  const noModel = mlops(ws, 'predict', '--model', 'models:/nope@champion', '--input', csv, '--output', out);
  assert.equal(noModel.code, 1);
  assert.match(noModel.err, /RESOURCE_DOES_NOT_EXIST/);
});

test('predict usage errors: a bad --chunk-rows (exit 2), a missing --output', () => {
  const { ws, csv } = irisWorkspace();
  const bad = mlops(ws, 'predict', '--model', IRIS_ONNX, '--input', csv, '--output', path.join(ws, 'o.csv'), '--chunk-rows', '0');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--chunk-rows must be a positive integer, got '0'/);
  const missing = mlops(ws, 'predict', '--model', IRIS_ONNX, '--input', csv);
  assert.notEqual(missing.code, 0);
  assert.match(missing.err, /required option '-o, --output <file>' not specified/);
  assert.match(mlops(ws, '--help').out, /^\s+predict\b/m);
});
