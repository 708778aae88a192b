// Worker-thread entry for driftPool.ts: computes numericDrift for the column pairs it is sent. Built as its own
// bundle (dist/driftWorker.js) next to the engine; a pool without that file computes on the calling thread.
import { parentPort } from 'node:worker_threads';
import { numericDrift, type NumericDriftOptions } from './numericDrift';

export interface DriftJob {
  id: number;
  ref: Float64Array;
  cur: Float64Array;
  opts?: NumericDriftOptions;
}

parentPort?.on('message', (job: DriftJob) => {
  try {
    parentPort!.postMessage({ id: job.id, result: numericDrift(job.ref, job.cur, job.opts) });
  } catch (e) {
    parentPort!.postMessage({ id: job.id, error: String((e as Error)?.stack ?? e) });
  }
});
