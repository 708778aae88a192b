// Worker-thread entry for driftPool.ts: computes numericDrift for the column pairs it is sent. Built as its own
// bundle (dist/driftWorker.js) next to the engine; a pool without that file computes on the calling thread.
import { parentPort } from 'node:worker_threads';
import { numericDrift, type NumericDriftOptions } from './numericDrift';

export interface DriftJob {
  id: number;
  ref: Float64Array;
  cur: Float64Array;
  opts?: NumericDriftOptions;
  /**
   * One slot per pair of the call (shared memory): a worker claims its job (0 → 1) before computing it; a job
   * the calling thread claimed first (it steals queued jobs once it has none left) is skipped.
   */
  claims?: Int32Array;
}

parentPort?.on('message', (job: DriftJob) => {
  if (job.claims && Atomics.compareExchange(job.claims, job.id, 0, 1) !== 0) {
    parentPort!.postMessage({ id: job.id, skipped: true });
    return;
  }
  try {
    parentPort!.postMessage({ id: job.id, result: numericDrift(job.ref, job.cur, job.opts) });
  } catch (e) {
    parentPort!.postMessage({ id: job.id, error: String((e as Error)?.stack ?? e) });
  }
});
