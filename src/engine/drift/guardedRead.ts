// Reads a data file on a worker thread under a time budget. Parsers trust the sizes a file declares: a corrupt
// Parquet page header or Arrow schema can make them loop or allocate for minutes. On the engine's main thread that
// would stall the whole tracking server; here the worker is ended and the caller gets a clear error naming the file.
import fs from 'node:fs';
import path from 'node:path';
import { WorkerShelf } from './workerShelf';
import { invalid, MlflowError, type ErrorCode } from '../errors';
import { readDataset, type ReadOptions } from './readers';
import type { Dataset } from './types';
import type { ReadJob, ReadReply } from './readWorker';

export interface GuardOptions extends ReadOptions {
  /** The built worker script (default: readWorker.js beside this bundle; without it the read runs inline). */
  workerFile?: string;
  /** Time allowed for the read (default: 10 s plus 100 ms per MB of file). */
  budgetMs?: number;
}

/** Where the engine bundle's read worker would be. */
export function defaultReadWorker(): string | undefined {
  const f = path.join(__dirname, 'readWorker.js');
  return fs.existsSync(f) ? f : undefined;
}

/** Up to two warm readers kept, so a check does not pay a cold start. */
const shelf = new WorkerShelf(2, { resourceLimits: { maxOldGenerationSizeMb: 8192 } });

/** readDataset, on a worker thread that is ended when the budget runs out or the signal aborts. */
export async function readDatasetGuarded(file: string, opts: GuardOptions = {}): Promise<Dataset> {
  const { workerFile = defaultReadWorker(), budgetMs, signal, ...readOpts } = opts;
  if (!workerFile) return readDataset(file, opts);
  signal?.throwIfAborted();
  const size = fs.statSync(file, { throwIfNoEntry: false })?.size;
  if (size === undefined) return readDataset(file, opts); // the reader words the missing-file error
  const budget = budgetMs ?? 10_000 + Math.ceil(size / 1e6) * 100;
  const worker = shelf.take(workerFile);
  let healthy = false;
  try {
    return await new Promise<Dataset>((resolve, reject) => {
      const timer = setTimeout(() => reject(invalid(`${file}: could not be read within ${(budget / 1000).toFixed(1)} s; the file looks corrupt (its headers declare far more data than it holds)`)), budget);
      const onAbort = () => reject(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => { clearTimeout(timer); signal?.removeEventListener('abort', onAbort); };
      worker.once('message', (m: ReadReply) => {
        done();
        healthy = true; // it answered: fit for the next read
        if ('dataset' in m) resolve(m.dataset);
        else reject(m.error.code ? new MlflowError(m.error.code as ErrorCode, m.error.message) : new Error(m.error.message));
      });
      worker.once('error', e => {
        done();
        const oom = (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
        reject(oom ? invalid(`${file}: reading it ran out of memory; the file looks corrupt or is too large for one check`) : e);
      });
      worker.once('exit', code => { done(); reject(new Error(`${file}: the read worker exited (code ${code})`)); });
      worker.postMessage({ file, opts: readOpts } satisfies ReadJob);
    });
  } finally {
    if (healthy) shelf.release(workerFile, worker); else void worker.terminate();
  }
}
