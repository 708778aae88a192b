// Batch prediction over real files with real ONNX Runtime: CSV, Arrow IPC and Parquet in and out (input files
// written here with the same libraries), exact agreement with the reference outputs, streaming in chunks, the
// run it records, and bad inputs that fail with a clear error, a FAILED run and no output file.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  Bool, Field, FixedSizeList, Float32, Float64, Int64, RecordBatch, Schema, Struct, Table, makeData, tableFromIPC, tableToIPC, vectorFromArray, type Data,
} from 'apache-arrow';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { parquetWriteFile } from 'hyparquet-writer';
import { batchPredict, BATCH_EXPERIMENT, type BatchPredictOptions } from '../../../../src/engine/serving/batchPredict';
import type { Engine } from '../../../../src/engine/engine';
import type { Run } from '../../../../src/shared/dto';
import { openEngine, tempWorkspace } from '../../../helpers/workspace';
import { ROOT } from '../../../helpers/engineProcess';
import { IRIS_ONNX, registerIris } from '../../../helpers/registryFixtures';

const IRIS = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/iris-logreg.testdata.json'), 'utf8')) as { input: number[][]; label: number[]; probabilities: number[][] };
const MULTI_ONNX = path.join(ROOT, 'test/fixtures/multi-input.onnx');
const MULTI_DATA = path.join(ROOT, 'test/fixtures/multi-input.testdata.json');
const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

type Table2 = Record<string, number[]>;

function writeCsv(file: string, names: string[], rows: unknown[][]): string {
  fs.writeFileSync(file, [names.join(','), ...rows.map(r => r.join(','))].join('\n') + '\n');
  return file;
}

/** The iris rows as four Float32 columns in one Arrow IPC file (two record batches). */
function writeIrisArrow(file: string): string {
  const fields = FEATURES.map(n => new Field(n, new Float32(), false));
  const batch = (rows: number[][]) => new RecordBatch(new Schema(fields), makeData({
    type: new Struct(fields), length: rows.length, nullCount: 0,
    children: FEATURES.map((_, j) => makeData({ type: new Float32(), length: rows.length, data: Float32Array.from(rows, r => r[j]) })),
  }));
  fs.writeFileSync(file, tableToIPC(new Table([batch(IRIS.input.slice(0, 4)), batch(IRIS.input.slice(4))]), 'file'));
  return file;
}

/**
 * The iris rows as four DOUBLE columns in a Parquet file: one row group unless `rowGroupSize`; with `pages`, one
 * page per value, so that each column chunk has several pages and an offset index (written only then).
 */
function writeIrisParquet(file: string, opts: { rowGroupSize?: number; pages?: boolean } = {}): string {
  parquetWriteFile({
    filename: file, rowGroupSize: opts.rowGroupSize, pageSize: opts.pages ? 8 : undefined,
    columnData: FEATURES.map((n, j) => ({ name: n, data: Float64Array.from(IRIS.input, r => r[j]), type: 'DOUBLE' as const, nullable: false })),
  });
  return file;
}

/** Any output table → columns of numbers (int64 as Number). */
async function readTable(file: string): Promise<Table2> {
  const out: Table2 = {};
  const num = (v: unknown) => (typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? Number(v) : Number(v));
  if (file.endsWith('.csv')) {
    const [head, ...lines] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    const names = head.split(',');
    names.forEach((n, j) => (out[n] = lines.map(l => { const c = l.split(',')[j]; return c === 'true' ? 1 : c === 'false' ? 0 : Number(c); })));
  } else if (file.endsWith('.parquet')) {
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(file) });
    for (const k of Object.keys(rows[0] ?? {})) out[k] = rows.map(r => num(r[k]));
  } else {
    const t = tableFromIPC(fs.readFileSync(file));
    for (const f of t.schema.fields) out[f.name] = Array.from(t.getChild(f.name)!.toArray() as ArrayLike<unknown>, num);
  }
  return out;
}

function assertIris(t: Table2, rows = IRIS.label.length): void {
  assert.deepEqual(Object.keys(t), ['label', 'probabilities_0', 'probabilities_1', 'probabilities_2'], 'input columns are not repeated; [N,3] → three columns');
  assert.equal(t.label.length, rows);
  for (let i = 0; i < t.label.length; i++) {
    const r = i % IRIS.label.length;
    assert.equal(t.label[i], IRIS.label[r], `label of row ${i}`);
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(t[`probabilities_${j}`][i] - IRIS.probabilities[r][j]) <= 1e-6, `probabilities_${j} of row ${i}: ${t[`probabilities_${j}`][i]} vs ${IRIS.probabilities[r][j]}`);
  }
}

function runs(engine: Engine): Run[] {
  const exp = engine.experiments.getByName(BATCH_EXPERIMENT);
  return engine.search.search({ experimentIds: [exp.experiment_id], maxResults: 1000 }).runs;
}
const param = (r: Run, k: string) => r.data.params.find(p => p.key === k)?.value;
const tag = (r: Run, k: string) => r.data.tags.find(p => p.key === k)?.value;
const metric = (r: Run, k: string) => r.data.metrics.find(p => p.key === k)?.value;

function setup(): { engine: Engine; dir: string; csv: string } {
  const engine = openEngine();
  const dir = tempWorkspace('mlops-batch-');
  const csv = writeCsv(path.join(dir, 'iris.csv'), FEATURES, IRIS.input);
  return { engine, dir, csv };
}

describe('formats: iris rows in, reference labels and probabilities out (1e-6)', () => {
  test('CSV → CSV', async () => {
    const { engine, dir, csv } = setup();
    const r = await batchPredict(engine, { model: IRIS_ONNX, input: csv, output: path.join(dir, 'out.csv') });
    assert.equal(r.rows, 7);
    assertIris(await readTable(path.join(dir, 'out.csv')));
    engine.close();
  });

  test('CSV → Arrow: Int64 labels, Float32 probabilities, one record batch per chunk', async () => {
    const { engine, dir, csv } = setup();
    const out = path.join(dir, 'out.arrow');
    const r = await batchPredict(engine, { model: IRIS_ONNX, input: csv, output: out, chunkRows: 3 });
    assert.equal(r.chunks, 3);
    const t = tableFromIPC(fs.readFileSync(out));
    assert.equal(t.batches.length, 3);
    assert.deepEqual(t.batches.map(b => b.numRows), [3, 3, 1]);
    assert.ok(t.getChild('label')!.toArray() instanceof BigInt64Array);
    assert.equal(String(t.schema.fields[1].type), 'Float32');
    assertIris(await readTable(out));
    engine.close();
  });

  test('Arrow → Parquet', async () => {
    const { engine, dir } = setup();
    const out = path.join(dir, 'out.parquet');
    await batchPredict(engine, { model: IRIS_ONNX, input: writeIrisArrow(path.join(dir, 'iris.arrow')), output: out, chunkRows: 5 });
    assertIris(await readTable(out));
    engine.close();
  });

  test('Parquet → CSV (.feather and .ipc name Arrow files too)', async () => {
    const { engine, dir } = setup();
    const pq = writeIrisParquet(path.join(dir, 'iris.parquet'));
    const progress: [number, number | undefined][] = [];
    await batchPredict(engine, { model: IRIS_ONNX, input: pq, output: path.join(dir, 'out.csv'), chunkRows: 4, onProgress: (d, t) => progress.push([d, t]) });
    assert.deepEqual(progress, [[4, 7], [7, 7]], 'Parquet states its row count up front');
    assertIris(await readTable(path.join(dir, 'out.csv')));
    await batchPredict(engine, { model: IRIS_ONNX, input: pq, output: path.join(dir, 'out.feather') });
    await batchPredict(engine, { model: IRIS_ONNX, input: path.join(dir, 'out.feather'), output: path.join(dir, 'again.ipc') });
    assert.equal((await readTable(path.join(dir, 'again.ipc'))).label.length, 7);
    engine.close();
  });

  test('Parquet with several row groups, with and without offset indexes, in chunks that cross them', async () => {
    const { engine, dir } = setup();
    for (const pages of [true, false]) {
      const pq = writeIrisParquet(path.join(dir, `groups-${pages}.parquet`), { rowGroupSize: 3, pages });
      const meta = await parquetMetadataAsync(await asyncBufferFromFile(pq));
      assert.equal(meta.row_groups[0].columns.every(c => c.offset_index_offset !== undefined), pages, 'offset indexes as intended');
      const out = path.join(dir, `groups-${pages}.arrow`);
      const r = await batchPredict(engine, { model: IRIS_ONNX, input: pq, output: out, chunkRows: 2 });
      assert.equal(r.chunks, 4);
      assert.deepEqual(tableFromIPC(fs.readFileSync(out)).batches.map(b => b.numRows), [2, 2, 2, 1]);
      assertIris(await readTable(out));
    }
    engine.close();
  });
});

describe('a multi-input model (by column name)', { skip: !fs.existsSync(MULTI_ONNX) && 'test/fixtures/multi-input.onnx not built' }, () => {
  const data = () => JSON.parse(fs.readFileSync(MULTI_DATA, 'utf8')) as { inputs: Record<string, unknown[][]>; outputs: Record<string, unknown[][]> };

  test('Arrow with a FixedSizeList<Float32>[3] column, float64, int64 and bool columns → Arrow: every output as in the reference', async () => {
    const { engine, dir } = setup();
    const { inputs, outputs } = data();
    const n = inputs.x.length;
    const xType = new FixedSizeList(3, new Field('item', new Float32(), false));
    const fields = [new Field('flag', new Bool(), false), new Field('x', xType, false), new Field('scale', new Float64(), false), new Field('count', new Int64(), false)];
    const children: Data[] = [
      vectorFromArray(inputs.flag.map(r => r[0] as boolean), new Bool()).data[0],
      makeData({ type: xType, length: n, nullCount: 0, child: makeData({ type: new Float32(), length: 3 * n, data: Float32Array.from((inputs.x as number[][]).flat()) }) }),
      makeData({ type: new Float64(), length: n, data: Float64Array.from(inputs.scale, r => r[0] as number) }),
      makeData({ type: new Int64(), length: n, data: BigInt64Array.from(inputs.count, r => BigInt(r[0] as number)) }),
    ];
    const input = path.join(dir, 'multi.arrow');
    fs.writeFileSync(input, tableToIPC(new Table([new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: n, nullCount: 0, children }))]), 'stream'));
    const out = path.join(dir, 'multi-out.arrow');
    await batchPredict(engine, { model: MULTI_ONNX, input, output: out });
    const t = tableFromIPC(fs.readFileSync(out));
    assert.deepEqual(t.schema.fields.map(f => `${f.name}:${f.type}`), ['y_0:Float32', 'y_1:Float32', 'y_2:Float32', 'scaled:Float64', 'count_plus:Int64', 'not_flag:Bool', 'total:Float32']);
    for (let j = 0; j < 3; j++) assert.deepEqual(Array.from(t.getChild(`y_${j}`)!.toArray() as Float32Array), (outputs.y as number[][]).map(r => Math.fround(r[j])));
    assert.deepEqual(Array.from(t.getChild('scaled')!.toArray() as Float64Array), outputs.scaled.map(r => r[0]));
    assert.deepEqual(Array.from(t.getChild('count_plus')!.toArray() as BigInt64Array), outputs.count_plus.map(r => BigInt(r[0] as number)), 'int64 stays exact (2^53 - 1)');
    assert.deepEqual(Array.from(t.getChild('not_flag')!.toArray() as boolean[]), outputs.not_flag.map(r => r[0]));
    assert.deepEqual(Array.from(t.getChild('total')!.toArray() as Float32Array), outputs.total.map(r => Math.fround(r[0] as number)));
    engine.close();
  });

  test('a CSV without the x column: the error names the missing column and the file', async () => {
    const { engine, dir } = setup();
    const input = writeCsv(path.join(dir, 'partial.csv'), ['scale', 'count', 'flag'], [[0.1, 1, true], [0.2, 2, false]]);
    const out = path.join(dir, 'out.csv');
    await assert.rejects(batchPredict(engine, { model: MULTI_ONNX, input, output: out }), (e: Error) => {
      assert.match(e.message, /partial\.csv: missing column\(s\) 'x'/);
      return true;
    });
    assertFailed(engine, dir, out, /missing column\(s\) 'x'/);
    engine.close();
  });
});

/** The last run FAILED with mlops.error matching `why`, and nothing (not even a temp file) was left in `dir` for `out`. */
function assertFailed(engine: Engine, dir: string, out: string, why: RegExp): void {
  const r = runs(engine)[0];
  assert.equal(r.info.status, 'FAILED');
  assert.match(tag(r, 'mlops.error') ?? '', why);
  assert.equal(tag(r, 'mlops.job'), 'batch_predict');
  assert.ok(!fs.existsSync(out), 'no output file');
  assert.deepEqual(fs.readdirSync(dir).filter(f => f.includes(path.basename(out))), [], 'no temp file left');
}

describe('streaming and the recorded run', () => {
  test('200,000 CSV rows with chunkRows 10,000: 20 chunks, each reported, every row predicted, memory flat', async ctx => {
    const { engine, dir, csv } = setup();
    const input = path.join(dir, 'big.csv');
    const fd = fs.openSync(input, 'w');
    fs.writeSync(fd, `${FEATURES.join(',')}\n`);
    for (let b = 0; b < 20; b++) fs.writeSync(fd, `${Array.from({ length: 10_000 }, (_, i) => IRIS.input[(b * 10_000 + i) % 7].join(',')).join('\n')}\n`);
    fs.closeSync(fd);
    const size = fs.statSync(input).size;
    // Warm up (ONNX Runtime loaded, a session made and released) so the measure below is the job's own growth.
    await batchPredict(engine, { model: IRIS_ONNX, input: csv, output: path.join(dir, 'warm.csv') });
    const rss0 = process.memoryUsage().rss;
    const rss: number[] = [];
    const progress: number[] = [];
    const r = await batchPredict(engine, {
      model: IRIS_ONNX, input, output: path.join(dir, 'big.arrow'), chunkRows: 10_000,
      onProgress: (done, total) => { progress.push(done); assert.equal(total, undefined, 'a CSV does not state its row count'); rss.push(process.memoryUsage().rss - rss0); },
    });
    assert.equal(r.rows, 200_000);
    assert.equal(r.chunks, 20);
    assert.deepEqual(progress, Array.from({ length: 20 }, (_, i) => (i + 1) * 10_000));
    const mb = (b: number) => (b / 1e6).toFixed(1);
    ctx.diagnostic(`input ${mb(size)} MB; RSS growth after each chunk (MB): ${rss.map(mb).join(' ')}`);
    // Streaming: memory stops growing once the pipeline is warm; had the file been read whole, the rows read
    // after chunk 5 would show up as growth. (Absolute RSS is mostly V8's young generation and varies by machine.)
    const late = Math.max(...rss.slice(5)) - rss[4];
    assert.ok(late < size, `RSS grew ${mb(late)} MB between chunk 5 and the end of a ${mb(size)} MB file`);
    const t = tableFromIPC(fs.readFileSync(path.join(dir, 'big.arrow')));
    assert.equal(t.batches.length, 20);
    assertIris(Object.fromEntries(t.schema.fields.map(f => [f.name, Array.from(t.getChild(f.name)!.toArray() as ArrayLike<number | bigint>, Number)])), 200_000);
    engine.close();
  });

  test('the run: experiment batch-predictions, params, metrics, input dataset digest, output tag, FINISHED', async () => {
    const { engine, dir, csv } = setup();
    await registerIris(engine);
    engine.promotion.setAlias('iris', 'champion', 1);
    const out = path.join(dir, 'out.parquet');
    const res = await batchPredict(engine, { model: 'models:/iris@champion', input: csv, output: out, chunkRows: 5 });
    const [r] = runs(engine);
    assert.equal(r.info.run_id, res.runId);
    assert.equal(r.info.status, 'FINISHED');
    assert.ok(r.info.end_time);
    assert.deepEqual(Object.fromEntries(r.data.params.map(p => [p.key, p.value])), {
      model_ref: 'models:/iris@champion', model_name: 'iris', model_version: '1', input: csv, output: out,
      input_format: 'csv', output_format: 'parquet', chunk_rows: '5',
    });
    assert.equal(metric(r, 'rows'), 7);
    assert.ok((metric(r, 'duration_s') as number) > 0);
    assert.ok(Math.abs((metric(r, 'rows_per_s') as number) - 7 / (metric(r, 'duration_s') as number)) < 1e-6 * (metric(r, 'rows_per_s') as number));
    assert.equal(tag(r, 'mlops.job'), 'batch_predict');
    assert.equal(tag(r, 'mlops.batch.output'), out);
    const digest = crypto.createHash('sha256').update(fs.readFileSync(csv)).digest('hex').slice(0, 16);
    assert.deepEqual(r.inputs.dataset_inputs.map(d => [d.dataset.name, d.dataset.digest, d.dataset.source]), [['iris.csv', digest, csv]]);
    assertIris(await readTable(out));
    // A file path as the model: the file's name, no version.
    await batchPredict(engine, { model: IRIS_ONNX, input: csv, output: out });
    const again = runs(engine).find(x => x.info.run_id !== res.runId)!;
    assert.equal(param(again, 'model_name'), 'iris-logreg');
    assert.equal(param(again, 'model_version'), undefined);
    assert.equal(runs(engine).length, 2, 'both runs in the one batch-predictions experiment');
    engine.close();
  });
});

describe('bad input: a clear error, the run FAILED, no output file', () => {
  const fails = async (opts: Partial<BatchPredictOptions> & { input: string }, why: RegExp, engine: Engine, dir: string) => {
    const output = opts.output ?? path.join(dir, 'out.csv');
    await assert.rejects(batchPredict(engine, { model: IRIS_ONNX, output, ...opts }), (e: Error) => { assert.match(e.message, why); return true; });
    assertFailed(engine, dir, output, why);
  };

  test('a non-numeric value names the file, column and row', async () => {
    const { engine, dir } = setup();
    const rows = IRIS.input.map(r => [...r] as unknown[]);
    rows[2][1] = 'abc';
    const input = writeCsv(path.join(dir, 'bad.csv'), FEATURES, rows);
    await fails({ input }, /bad\.csv: column 'sepal_width' row 3: input 'input' expects numbers \(float32\), got "abc"/, engine, dir);
    engine.close();
  });

  test('a bad value in a later chunk, after earlier chunks were written, still leaves no output', async () => {
    const { engine, dir } = setup();
    const rows = IRIS.input.map(r => [...r] as unknown[]);
    rows[6][3] = 'oops';
    const input = writeCsv(path.join(dir, 'late.csv'), FEATURES, rows);
    for (const ext of ['csv', 'arrow', 'parquet']) {
      await fails({ input, output: path.join(dir, `out.${ext}`), chunkRows: 2 }, /late\.csv: column 'petal_width' row 7/, engine, dir);
    }
    engine.close();
  });

  test('a corrupt Parquet file', async () => {
    const { engine, dir } = setup();
    const input = path.join(dir, 'corrupt.parquet');
    fs.writeFileSync(input, Buffer.concat([Buffer.from('PAR1'), crypto.randomBytes(200), Buffer.from('PAR1')]));
    await fails({ input }, /corrupt\.parquet: not a readable Parquet file/, engine, dir);
    const truncated = path.join(dir, 'truncated.parquet');
    fs.writeFileSync(truncated, fs.readFileSync(writeIrisParquet(path.join(dir, 'ok.parquet'))).subarray(0, 100));
    await fails({ input: truncated }, /truncated\.parquet: not a readable Parquet file/, engine, dir);
    engine.close();
  });

  test('a corrupt Arrow file, a malformed CSV, a missing file, a wrong column count', async () => {
    const { engine, dir } = setup();
    const quote = path.join(dir, 'quote.csv');
    fs.writeFileSync(quote, `${FEATURES.join(',')}\n1,2,3,4\n1,"2,3,4\n`);
    await fails({ input: quote }, /quote\.csv: not a readable CSV file: .*[Qq]uote/, engine, dir);
    const ragged = writeCsv(path.join(dir, 'ragged.csv'), FEATURES, [[1, 2, 3, 4], [1, 2, 3]]);
    await fails({ input: ragged }, /ragged\.csv: row 2 has 3 values, the header names 4 columns/, engine, dir);
    const arrow = path.join(dir, 'corrupt.arrow');
    fs.writeFileSync(arrow, crypto.randomBytes(300));
    await fails({ input: arrow }, /corrupt\.arrow: not a readable Arrow IPC file/, engine, dir);
    await fails({ input: path.join(dir, 'nope.csv') }, /nope\.csv: no such input file/, engine, dir);
    const wide = writeCsv(path.join(dir, 'wide.csv'), [...FEATURES, 'id'], IRIS.input.map((r, i) => [...r, i]));
    await fails({ input: wide }, /input 'input' \(float32 \[N, 4\]\) takes 4 values per row, got 5/, engine, dir);
    engine.close();
  });

  test('an unknown extension, for the input or the output', async () => {
    const { engine, dir, csv } = setup();
    const txt = path.join(dir, 'iris.txt');
    fs.copyFileSync(csv, txt);
    await fails({ input: txt }, /iris\.txt: unknown table format '\.txt'/, engine, dir);
    await fails({ input: csv, output: path.join(dir, 'out.json') }, /out\.json: unknown table format '\.json'/, engine, dir);
    engine.close();
  });
});
