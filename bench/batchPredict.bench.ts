// Batch prediction benchmark: rows/s of batchPredict over 1,000,000 iris rows (CSV → CSV, Arrow → Arrow, and
// Parquet → Parquet), beside the physical limit: raw ModelSession.run over the same rows, already in a
// Float32Array, in batches of 65,536 (no reading, converting or writing). Each figure is the best of 3 runs.
import fs from 'node:fs';
import path from 'node:path';
import { Field, Float32, RecordBatch, RecordBatchFileWriter, Schema, Struct, makeData } from 'apache-arrow';
import { parquetWriteFile } from 'hyparquet-writer';
import { Engine } from '../src/engine/engine';
import { batchPredict } from '../src/engine/serving/batchPredict';
import { ModelSession } from '../src/engine/serving/modelSession';
import { tempWorkspace } from '../test/helpers/workspace';
import { IRIS_ONNX } from '../test/helpers/registryFixtures';

const N = 1_000_000;
const CHUNK = 65_536;
/** Best of this many runs of each (the machine is shared; the best run is the least disturbed). */
const REPEAT = 3;
const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const row = (name: string, ours: string, limit: string, note: string) => console.log(`  ${name.padEnd(40)} ${ours.padEnd(22)} ${limit.padEnd(30)} ${note}`);
const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en')} rows/s`;

/** 1M iris-like rows: the reference rows with a little pseudo-random (seeded) jitter, as one row-major Float32Array. */
function rows(): Float32Array {
  const base = (JSON.parse(fs.readFileSync(path.join(path.dirname(IRIS_ONNX), 'iris-logreg.testdata.json'), 'utf8')) as { input: number[][] }).input;
  const x = new Float32Array(N * 4);
  let seed = 2463534242;
  const jitter = () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return ((seed >>> 0) / 2 ** 32 - 0.5) / 5; }; // xorshift32, ±0.1
  for (let i = 0; i < N; i++) for (let j = 0; j < 4; j++) x[i * 4 + j] = base[i % base.length][j] + jitter();
  return x;
}

function writeInputs(dir: string, x: Float32Array): { csv: string; arrow: string; parquet: string } {
  const csv = path.join(dir, 'iris-1m.csv');
  const fd = fs.openSync(csv, 'w');
  fs.writeSync(fd, `${FEATURES.join(',')}\n`);
  for (let b = 0; b < N; b += 10_000) {
    const lines: string[] = [];
    for (let i = b; i < Math.min(N, b + 10_000); i++) lines.push(`${+x[i * 4].toPrecision(6)},${+x[i * 4 + 1].toPrecision(6)},${+x[i * 4 + 2].toPrecision(6)},${+x[i * 4 + 3].toPrecision(6)}`);
    fs.writeSync(fd, `${lines.join('\n')}\n`);
  }
  fs.closeSync(fd);
  const col = (j: number, from: number, to: number) => Float32Array.from({ length: to - from }, (_, i) => x[(from + i) * 4 + j]);
  // Arrow: record batches of 100,000 rows, as a writer upstream might produce them.
  const fields = FEATURES.map(n => new Field(n, new Float32(), false));
  const schema = new Schema(fields);
  const w = new RecordBatchFileWriter();
  for (let b = 0; b < N; b += 100_000) {
    const n = Math.min(100_000, N - b);
    w.write(new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0,
      children: FEATURES.map((_, j) => makeData({ type: new Float32(), length: n, data: col(j, b, b + n) })) })));
  }
  const arrow = path.join(dir, 'iris-1m.arrow');
  fs.writeFileSync(arrow, w.finish().toUint8Array(true));
  const parquet = path.join(dir, 'iris-1m.parquet');
  parquetWriteFile({ filename: parquet, rowGroupSize: 131_072, columnData: FEATURES.map((n, j) => ({ name: n, data: col(j, 0, N), type: 'FLOAT' as const, nullable: false })) });
  return { csv, arrow, parquet };
}

async function rawRun(x: Float32Array): Promise<number> {
  const s = await ModelSession.load(IRIS_ONNX);
  const { Tensor } = s.ortLib;
  await s.run({ input: new Tensor('float32', x.subarray(0, CHUNK * 4), [CHUNK, 4]) }); // warm-up
  let best = Infinity;
  for (let rep = 0; rep < REPEAT; rep++) {
    const t = performance.now();
    for (let b = 0; b < N; b += CHUNK) {
      const n = Math.min(CHUNK, N - b);
      await s.run({ input: new Tensor('float32', x.subarray(b * 4, (b + n) * 4), [n, 4]) });
    }
    best = Math.min(best, performance.now() - t);
  }
  await s.release();
  return best;
}

async function main(): Promise<void> {
  const dir = tempWorkspace('mlops-bench-batch-');
  const x = rows();
  const files = writeInputs(dir, x);
  const engine = Engine.open(dir, { git: false });
  const rawMs = await rawRun(x);
  const mb = (f: string) => `${(fs.statSync(f).size / 1e6).toFixed(1)} MB`;
  console.log(`batch prediction, ${N.toLocaleString('en')} iris rows, chunks of ${CHUNK.toLocaleString('en')} (iris-logreg.onnx: [N,4] → label [N] + probabilities [N,3])`);
  row('', 'batchPredict', 'raw session.run, same rows', '');
  const cases: [string, string, string][] = [['CSV → CSV', files.csv, 'out.csv'], ['Arrow → Arrow', files.arrow, 'out.arrow'], ['Parquet → Parquet', files.parquet, 'out.parquet']];
  for (const [name, input, out] of cases) {
    let ms = Infinity;
    for (let rep = 0; rep < REPEAT; rep++) {
      const t = performance.now();
      const r = await batchPredict(engine, { model: IRIS_ONNX, input, output: path.join(dir, out), chunkRows: CHUNK });
      ms = Math.min(ms, performance.now() - t);
      if (r.rows !== N) throw new Error(`${name}: ${r.rows} rows`);
    }
    row(`${name} (${mb(input)} → ${mb(path.join(dir, out))})`, rate(N, ms), rate(N, rawMs), `ratio ${(rawMs / ms).toFixed(2)}`);
  }
  engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

void main().catch(e => { console.error(e); process.exit(1); });
