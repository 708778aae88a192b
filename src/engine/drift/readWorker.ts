// Worker-thread entry for guardedRead.ts: reads data files into Datasets, one job at a time, and posts each back, the
// columns' buffers transferred (not copied). Built as its own bundle (dist/readWorker.js) next to the engine.
import { parentPort } from 'node:worker_threads';
import { MlflowError } from '../errors';
import { readDataset, type ReadOptions } from './readers';
import type { Dataset } from './types';

export interface ReadJob { file: string; opts: Omit<ReadOptions, 'signal'> }
export type ReadReply = { dataset: Dataset } | { error: { message: string; code?: string } };

/** Each column's values in a buffer of its own (a view into a file-sized buffer is copied), listed once each. */
function ownBuffers(ds: Dataset): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const c of ds.columns) {
    const a = c.kind === 'numeric' ? c.values : c.codes;
    if (a.buffer instanceof SharedArrayBuffer) continue;
    if (a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength || out.has(a.buffer)) {
      if (c.kind === 'numeric') c.values = c.values.slice(); else c.codes = c.codes.slice();
    }
    out.add((c.kind === 'numeric' ? c.values : c.codes).buffer as ArrayBuffer);
  }
  return [...out];
}

parentPort?.on('message', (job: ReadJob) => {
  readDataset(job.file, job.opts).then(
    dataset => parentPort!.postMessage({ dataset } satisfies ReadReply, ownBuffers(dataset)),
    (e: unknown) => parentPort!.postMessage({ error: { message: (e as Error)?.message ?? String(e), code: e instanceof MlflowError ? e.code : undefined } } satisfies ReadReply),
  );
});
