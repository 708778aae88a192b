// Dynamic micro-batching: requests for a row-batchable model are queued for at most maxWaitMs (or until
// maxBatch rows) and run as one ONNX Runtime call; outputs are split back by row counts.
import type { Tensor } from 'onnxruntime-node';
import type { ModelSession } from './modelSession';
import type { Feeds } from './decode';

interface Pending {
  feeds: Feeds;
  rows: number;
  resolve: (out: Record<string, Tensor>) => void;
  reject: (e: unknown) => void;
}

export interface BatchOptions {
  maxBatch: number;
  maxWaitMs: number;
}

function concat(ort: ModelSession['ortLib'], parts: Tensor[]): Tensor {
  if (parts.length === 1) return parts[0];
  const dims = [parts.reduce((n, t) => n + Number(t.dims[0]), 0), ...parts[0].dims.slice(1)];
  if (parts[0].type === 'string') return new ort.Tensor('string', parts.flatMap(t => t.data as string[]), dims);
  const Ctor = (parts[0].data as unknown as { constructor: new (n: number) => { set(a: ArrayLike<unknown>, o: number): void } }).constructor;
  const out = new Ctor(parts.reduce((n, t) => n + t.size, 0));
  let o = 0;
  for (const t of parts) { out.set(t.data as ArrayLike<unknown>, o); o += t.size; }
  return new ort.Tensor(parts[0].type as 'float32', out as unknown as Float32Array, dims);
}

function slice(ort: ModelSession['ortLib'], t: Tensor, from: number, rows: number): Tensor {
  const per = t.size / Number(t.dims[0]);
  const data = t.type === 'string' ? (t.data as string[]).slice(from * per, (from + rows) * per)
    : (t.data as unknown as { subarray(a: number, b: number): unknown }).subarray(from * per, (from + rows) * per);
  return new ort.Tensor(t.type as 'float32', data as Float32Array, [rows, ...t.dims.slice(1)]);
}

export class MicroBatcher {
  private queue: Pending[] = [];
  private queuedRows = 0;
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(private readonly model: () => ModelSession, private readonly opts: BatchOptions, private readonly onBatch: (rows: number) => void) {}

  run(feeds: Feeds): Promise<Record<string, Tensor>> {
    const rows = Number(Object.values(feeds)[0].dims[0]);
    // Rows can only be split back when every input has them as its leading dimension.
    const aligned = Object.values(feeds).every(t => Number(t.dims[0]) === rows);
    // The model of the moment decides (a hot swap may bring one without a batch dimension).
    if (this.opts.maxBatch <= 1 || rows >= this.opts.maxBatch || !aligned || !this.model().batchable) {
      this.onBatch(rows);
      return this.model().run(feeds) as Promise<Record<string, Tensor>>;
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ feeds, rows, resolve, reject });
      this.queuedRows += rows;
      if (this.queuedRows >= this.opts.maxBatch) this.flush();
      else if (!this.running) this.schedule();
      // While a run is in progress, requests gather and go as one batch when it ends.
    });
  }

  /** Idle model: wait maxWaitMs for company (0 = only the current event-loop turn), then run. */
  private schedule(): void {
    if (this.timer) return;
    this.timer = this.opts.maxWaitMs > 0 ? setTimeout(() => this.flush(), this.opts.maxWaitMs) : (setImmediate(() => this.flush()) as unknown as NodeJS.Timeout);
  }

  private flush(): void {
    clearTimeout(this.timer);
    clearImmediate(this.timer as unknown as NodeJS.Immediate);
    this.timer = undefined;
    if (this.running || !this.queue.length) return;
    // Take up to maxBatch rows; requests whose non-batch dims differ run in the next round.
    const batch: Pending[] = [];
    let rows = 0;
    const shapeKey = (f: Feeds) => Object.entries(f).map(([k, t]) => `${k}:${t.type}:${t.dims.slice(1).join('x')}`).join('|');
    const key = shapeKey(this.queue[0].feeds);
    this.queue = this.queue.filter(p => {
      if (rows + p.rows <= this.opts.maxBatch && shapeKey(p.feeds) === key) { batch.push(p); rows += p.rows; return false; }
      return true;
    });
    this.queuedRows -= rows;
    this.running = true;
    const model = this.model();
    const feeds = Object.fromEntries(Object.keys(batch[0].feeds).map(k => [k, concat(model.ortLib, batch.map(p => p.feeds[k]))]));
    this.onBatch(rows);
    model.run(feeds).then(out => {
      let from = 0;
      for (const p of batch) {
        // An output that cannot be split by rows fails its request, never the whole process.
        try { p.resolve(Object.fromEntries(Object.entries(out).map(([k, t]) => [k, slice(model.ortLib, t as Tensor, from, p.rows)]))); } catch (e) { p.reject(e); }
        from += p.rows;
      }
    }, e => { for (const p of batch) p.reject(e); }).finally(() => {
      this.running = false;
      if (this.queue.length) this.queuedRows >= this.opts.maxBatch ? this.flush() : this.schedule();
    });
  }
}
