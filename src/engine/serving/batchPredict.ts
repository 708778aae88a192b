// Batch prediction: a table file (CSV, Arrow IPC, Parquet) through a model, chunk by chunk, into another table
// file, recorded as a run in the "batch-predictions" experiment. The output appears only when every row is
// written (temp file, then rename); any failure marks the run FAILED with the reason in the mlops.error tag.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { invalid, notFound } from '../errors';
import type { Engine } from '../engine';
import { LIMITS } from '../tracking/validate';
import { resolveModelRef, type ResolvedModel } from './modelRef';
import { ModelSession } from './modelSession';
import { chunkFeeds, neededColumns, outputColumns } from './columnFeeds';
import { rechunk, tableFormat, type Chunk } from './tableColumns';
import { openTableReader, type TableReader } from './tableReaders';
import { openTableWriter, type TableWriter } from './tableWriters';

export const BATCH_EXPERIMENT = 'batch-predictions';
export const DEFAULT_CHUNK_ROWS = 65536;

export interface BatchPredictOptions {
  /** models:/name@alias, models:/name/Stage, models:/name/3, or a path to a .onnx file (or a folder holding one). */
  model: string;
  input: string;
  output: string;
  chunkRows?: number;
  /** After each chunk is written; the total is known up front for Parquet only. */
  onProgress?: (rowsDone: number, totalRows: number | undefined) => void;
}

export interface BatchPredictResult {
  runId: string;
  rows: number;
  chunks: number;
  seconds: number;
  rowsPerSecond: number;
  output: string;
}

/** The first 16 hex digits of the file's sha256, streamed. */
async function fileDigest(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  try {
    for await (const b of fs.createReadStream(file)) hash.update(b as Buffer);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw code === 'ENOENT' ? notFound(`${file}: no such input file`) : invalid(`${file}: cannot read the input file (${code ?? (e as Error).message})`);
  }
  return hash.digest('hex').slice(0, 16);
}

function experimentId(engine: Engine): string {
  try {
    return engine.experiments.getByName(BATCH_EXPERIMENT).experiment_id;
  } catch {
    return engine.experiments.create(BATCH_EXPERIMENT, undefined, []);
  }
}

const utf8Slice = (s: string, bytes: number) => (Buffer.byteLength(s) <= bytes ? s : `${Buffer.from(s).subarray(0, bytes - 3).toString().replace(/\uFFFD$/, '')}…`);

export async function batchPredict(engine: Engine, opts: BatchPredictOptions): Promise<BatchPredictResult> {
  const input = path.resolve(opts.input);
  const output = path.resolve(opts.output);
  const chunkRows = opts.chunkRows ?? DEFAULT_CHUNK_ROWS;
  const run = engine.runs.create({
    experimentId: experimentId(engine), runName: `predict-${path.basename(input)}`, userId: process.env.USER ?? process.env.USERNAME,
    tags: [{ key: 'mlops.job', value: 'batch_predict' }],
  });
  const runId = run.info.run_id;
  const t0 = performance.now();
  let rows = 0;
  let chunks = 0;
  let tmp: string | undefined;
  let reader: TableReader | undefined;
  let writer: TableWriter | undefined;
  let session: ModelSession | undefined;
  try {
    if (!Number.isInteger(chunkRows) || chunkRows < 1) throw invalid(`chunk rows must be a positive integer, got ${chunkRows}`);
    const inputFormat = tableFormat(opts.input);
    const outputFormat = tableFormat(opts.output);
    engine.runData.logBatch(runId, {
      metrics: [], tags: [],
      params: [
        { key: 'model_ref', value: opts.model }, { key: 'input', value: input }, { key: 'output', value: output },
        { key: 'input_format', value: inputFormat }, { key: 'output_format', value: outputFormat }, { key: 'chunk_rows', value: String(chunkRows) },
      ],
    });
    const model: ResolvedModel = resolveModelRef(opts.model, engine);
    engine.runData.logBatch(runId, {
      metrics: [], tags: [],
      params: [
        { key: 'model_name', value: model.name ?? path.basename(model.file, '.onnx') },
        ...(model.version ? [{ key: 'model_version', value: model.version }] : []),
      ],
    });
    if (input === output) throw invalid(`${opts.output}: the output file would replace the input file`);
    const outDir = path.dirname(output);
    if (!fs.existsSync(outDir) || !fs.statSync(outDir).isDirectory()) throw invalid(`${opts.output}: the folder ${outDir} does not exist`);

    const digest = await fileDigest(input);
    engine.runData.logInputs(runId, [{
      dataset: { name: path.basename(input), digest, source_type: 'local', source: input },
      tags: [{ key: 'mlflow.data.context', value: 'prediction' }],
    }]);

    session = await ModelSession.load(model.file);
    reader = await openTableReader(opts.input, inputFormat);
    const columns = (() => {
      try { return neededColumns(session.inputs, reader.names); } catch (e) { throw invalid(`${opts.input}: ${(e as Error).message}`); }
    })();
    tmp = path.join(outDir, `.${path.basename(output)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
    writer = openTableWriter(tmp, outputFormat);

    // Read and convert the next chunk while ONNX Runtime runs this one (it runs off the main thread).
    const chunksIt = rechunk(reader.pieces(chunkRows, columns), chunkRows)[Symbol.asyncIterator]();
    const ahead = () => { const p = chunksIt.next(); p.catch(() => undefined); return p; };
    let next = ahead();
    for (;;) {
      const r: IteratorResult<Chunk> = await next;
      if (r.done) break;
      const chunk = r.value;
      const running = session.run(chunkFeeds(session.ortLib, session.inputs, chunk, opts.input));
      next = ahead();
      const outs = await running;
      await writer.write(outputColumns(outs, session.outputs.map(o => o.name), chunk.rows), chunk.rows);
      rows += chunk.rows;
      chunks++;
      opts.onProgress?.(rows, reader.totalRows);
    }
    if (!rows) throw invalid(`${opts.input}: no data rows`);
    await writer.close();
    writer = undefined;
    fs.renameSync(tmp, output);
    tmp = undefined;

    const seconds = (performance.now() - t0) / 1000;
    const rowsPerSecond = rows / seconds;
    const now = Date.now();
    engine.runData.logBatch(runId, {
      params: [],
      metrics: [{ key: 'rows', value: rows }, { key: 'duration_s', value: seconds }, { key: 'rows_per_s', value: rowsPerSecond }].map(m => ({ ...m, step: 0, timestamp: now })),
      tags: [{ key: 'mlops.batch.output', value: output }],
    });
    engine.runs.update(runId, { status: 'FINISHED', endTime: Date.now() });
    return { runId, rows, chunks, seconds, rowsPerSecond, output };
  } catch (e) {
    await writer?.abort().catch(() => undefined);
    if (tmp) fs.rmSync(tmp, { force: true });
    try {
      engine.runData.setTag(runId, 'mlops.error', utf8Slice((e as Error).message, LIMITS.tagValueBytes));
      engine.runs.update(runId, { status: 'FAILED', endTime: Date.now() });
    } catch { /* the original error matters more */ }
    throw e;
  } finally {
    await reader?.close().catch(() => undefined);
    await session?.release().catch(() => undefined);
  }
}
