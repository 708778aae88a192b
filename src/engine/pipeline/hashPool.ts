// md5 of large files on worker threads, several files at once: a single md5 stream runs at ~0.5 GB/s on one
// core, well under what the disk (or page cache) delivers. Workers are created on demand and hold the process
// open only while they have work.
import os from 'node:os';
import { Worker } from 'node:worker_threads';

// Inline source (the engine is one esbuild bundle; a separate worker file would need its own entry point).
const WORKER_SRC = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');
const buf = Buffer.allocUnsafe(8 << 20);
parentPort.on('message', ({ id, file }) => {
  try {
    const h = crypto.createHash('md5');
    const fd = fs.openSync(file, 'r');
    try { let n; while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) h.update(buf.subarray(0, n)); }
    finally { fs.closeSync(fd); }
    parentPort.postMessage({ id, hash: h.digest('hex') });
  } catch (e) {
    parentPort.postMessage({ id, error: String((e && e.message) || e) });
  }
});`;

interface Task { id: number; file: string; resolve: (h: string) => void; reject: (e: Error) => void }
interface Slot { worker: Worker; task?: Task }

export class HashPool {
  private static instance?: HashPool;
  /** The process-wide pool (workers are unref'd when idle, so it never keeps a process alive). */
  static shared(): HashPool {
    return (HashPool.instance ??= new HashPool());
  }

  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;

  constructor(readonly size = Math.max(1, Math.min(4, os.availableParallelism()))) {}

  /** md5 (hex) of a file's bytes, computed on a worker thread. */
  md5(file: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, file, resolve, reject });
      this.pump();
    });
  }

  /** Stops every worker; queued work is rejected. */
  async close(): Promise<void> {
    for (const t of this.queue.splice(0)) t.reject(new Error('hash pool closed'));
    await Promise.all(this.slots.splice(0).map(s => s.worker.terminate()));
    if (HashPool.instance === this) HashPool.instance = undefined;
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find(s => !s.task);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const task = this.queue.shift()!;
      slot.task = task;
      slot.worker.ref();
      slot.worker.postMessage({ id: task.id, file: task.file });
    }
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(WORKER_SRC, { eval: true }) };
    slot.worker.on('message', (m: { id: number; hash?: string; error?: string }) => {
      const t = slot.task;
      slot.task = undefined;
      slot.worker.unref();
      if (t && t.id === m.id) {
        if (m.hash) t.resolve(m.hash);
        else t.reject(new Error(m.error ?? 'hash failed'));
      }
      this.pump();
    });
    slot.worker.on('error', e => {
      // A worker that dies takes its task with it; the next task gets a fresh worker.
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      slot.task?.reject(e);
      this.pump();
    });
    this.slots.push(slot);
    return slot;
  }
}
