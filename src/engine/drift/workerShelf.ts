// Idle worker threads kept per script for their warm JIT (unref'd: they never hold the process open). Shared by
// the drift statistics pool and the guarded file reads.
import { Worker, type WorkerOptions } from 'node:worker_threads';

export class WorkerShelf {
  private readonly idle = new Map<string, Worker[]>();

  /** `max`: idle workers kept per script (more are ended); `options`: how new workers start. */
  constructor(private readonly max = Infinity, private readonly options?: WorkerOptions) {}

  take(file: string): Worker {
    const w = this.idle.get(file)?.pop() ?? new Worker(file, this.options);
    w.removeAllListeners();
    w.ref();
    return w;
  }

  /** Back on the shelf, listeners cleared; a worker that dies while idle is dropped. */
  release(file: string, w: Worker): void {
    const list = this.idle.get(file) ?? [];
    if (list.length >= this.max) { void w.terminate(); return; }
    w.removeAllListeners();
    w.on('error', () => undefined);
    w.once('exit', () => this.idle.set(file, (this.idle.get(file) ?? []).filter(x => x !== w)));
    w.unref();
    this.idle.set(file, [...list, w]);
  }

  /** Ends every idle worker (tests; a host shutting down). */
  async close(): Promise<void> {
    const all = [...this.idle.values()].flat();
    this.idle.clear();
    await Promise.all(all.map(w => w.terminate()));
  }
}
