// numericDrift over many column pairs on all cores: worker threads (driftWorker.ts, built as dist/driftWorker.js)
// plus the calling thread, which takes a pair itself whenever every worker is busy. Workers outlive a call (idle
// and unref'd) so that later checks find their hot loops already compiled. Columns are copied once for
// the workers and the copies transferred (shared memory is passed as is); results are small. Without a worker file, or with
// threads = 1, everything runs on the calling thread.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { WorkerShelf } from '../workerShelf';
import type { DriftJob } from './driftWorker';
import { numericDrift, type NumericDrift, type NumericDriftOptions } from './numericDrift';

export interface NumericPair {
  ref: Float64Array;
  cur: Float64Array;
}

export interface PoolOptions extends NumericDriftOptions {
  /** Threads in all, the calling one included (default: available cores, at most 8). */
  threads?: number;
  /** The built worker script (default: driftWorker.js beside this bundle, when present). */
  workerFile?: string;
}

/**
 * A column as sent to a worker: shared memory as is; otherwise a copy of just its values, transferred — posting
 * a view would clone its whole buffer (e.g. a 160 MB Arrow file for one of its columns).
 */
function forWorker(a: Float64Array): Float64Array {
  return a.buffer instanceof SharedArrayBuffer ? a : a.slice();
}

/** Idle workers per script, kept for their warm JIT. */
const shelf = new WorkerShelf();

/** Stops the idle workers (tests; a host shutting down). */
export function closeDriftWorkers(): Promise<void> {
  return shelf.close();
}

/** Where the engine bundle's worker script would be. */
export function defaultWorkerFile(): string | undefined {
  const f = path.join(__dirname, 'driftWorker.js');
  return fs.existsSync(f) ? f : undefined;
}

/** numericDrift for every pair, in order. */
export async function numericDriftAll(pairs: readonly NumericPair[], opts: PoolOptions = {}): Promise<NumericDrift[]> {
  const { threads = Math.min(8, os.availableParallelism()), workerFile = defaultWorkerFile(), ...driftOpts } = opts;
  const results = new Array<NumericDrift>(pairs.length);
  const nWorkers = workerFile ? Math.min(threads - 1, pairs.length - 1) : 0;
  if (nWorkers <= 0) {
    pairs.forEach((p, i) => (results[i] = numericDrift(p.ref, p.cur, driftOpts)));
    return results;
  }
  const workers = Array.from({ length: nWorkers }, () => shelf.take(workerFile!));
  // who computes each pair: 0 = not yet claimed, 1 = a worker, 2 = the calling thread (work stealing)
  const claims = new Int32Array(new SharedArrayBuffer(4 * pairs.length));
  const sent: number[] = [];
  let next = 0;
  let failed: Error | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      const done = () => {
        if (failed) reject(failed);
        else if (next >= pairs.length && running === 0) resolve();
      };
      const feed = (w: Worker) => {
        if (failed || next >= pairs.length) return;
        const id = next++;
        running++;
        const job: DriftJob = { id, ref: forWorker(pairs[id]!.ref), cur: forWorker(pairs[id]!.cur), opts: driftOpts, claims };
        sent.push(id);
        w.postMessage(job, [job.ref.buffer, job.cur.buffer].filter(b => b instanceof ArrayBuffer));
      };
      for (const w of workers) {
        w.on('message', (m: { id: number; result?: NumericDrift; error?: string; skipped?: boolean }) => {
          running--;
          if (m.error !== undefined) failed ??= new Error(`drift worker, column pair ${m.id}: ${m.error}`);
          else if (!m.skipped) results[m.id] = m.result!;
          feed(w);
          done();
        });
        w.on('error', e => {
          failed ??= new Error(`drift worker ${workerFile}: ${e.message}`);
          done();
        });
        feed(w);
        feed(w); // one queued behind the running one, so a worker never waits for the calling thread
      }
      // the calling thread works too, one pair at a time, letting worker messages through in between
      // and once none is left, it steals a job still queued at a worker (newest first: the likeliest not started),
      // so that no thread idles at the end while another has a pair waiting
      const own = () => {
        if (failed) return done();
        let id = -1;
        if (next < pairs.length) id = next++;
        else {
          while (sent.length && id < 0) {
            const s = sent.pop()!;
            if (Atomics.compareExchange(claims, s, 0, 2) === 0) id = s;
          }
          if (id < 0) return done();
        }
        try {
          results[id] = numericDrift(pairs[id]!.ref, pairs[id]!.cur, driftOpts);
        } catch (e) {
          failed ??= e as Error;
        }
        setImmediate(own);
      };
      setImmediate(own);
    });
  } finally {
    if (failed) await Promise.all(workers.map(w => w.terminate()));
    else for (const w of workers) shelf.release(workerFile!, w);
  }
  return results;
}
