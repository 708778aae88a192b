// Pipeline benchmarks: a no-op status (warm hash cache) over 10,000 dependency files beside the bare stat of
// those files, and the first hash of 1 GB beside a plain sequential read of the same bytes.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../src/engine/store/store';
import { Hasher } from '../src/engine/pipeline/hashing';
import { HashPool } from '../src/engine/pipeline/hashPool';
import { currentLock, pipelineId, pipelineStatus, statusContext } from '../src/engine/pipeline/status';
import { loadPipeline } from '../src/engine/pipeline/definition';
import type { Pipeline, Stage } from '../src/engine/pipeline/types';
import { tempWorkspace } from '../test/helpers/workspace';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const row = (name: string, ours: string, limit: string, target = '') => console.log(`  ${name.padEnd(50)} ${ours.padEnd(22)} ${limit.padEnd(34)} ${target}`);
const time = (fn: () => void, n: number) => median(Array.from({ length: n }, () => { const t = performance.now(); fn(); return performance.now() - t; }));

const STAGES = 100;
const FILES = 100;

/** 100 stages: even ones depend on a directory of 100 files, odd ones on 100 separate files; one out each. */
function writeWorkspace(ws: string): { files: string[]; yaml: string } {
  const files: string[] = [];
  let yaml = 'stages:\n';
  for (let s = 0; s < STAGES; s++) {
    const dir = path.join(ws, 'data', `s${s}`);
    fs.mkdirSync(dir, { recursive: true });
    const rel: string[] = [];
    for (let f = 0; f < FILES; f++) {
      const p = path.join(dir, `f${f}.csv`);
      fs.writeFileSync(p, `stage ${s} file ${f}\n`.repeat(20));
      files.push(p);
      rel.push(`data/s${s}/f${f}.csv`);
    }
    fs.writeFileSync(path.join(ws, `out${s}.txt`), `out ${s}`);
    const deps = s % 2 === 0 ? [`data/s${s}`] : rel;
    yaml += `  s${s}:\n    cmd: echo ${s}\n    deps: [${deps.join(', ')}]\n    outs: [out${s}.txt]\n`;
  }
  fs.writeFileSync(path.join(ws, 'dvc.yaml'), yaml);
  return { files, yaml };
}

function noopStatus(): void {
  const ws = tempWorkspace('mlops-bench-pipe-');
  const { files } = writeWorkspace(ws);
  const store = Store.open(ws);
  const p: Pipeline = loadPipeline(path.join(ws, 'dvc.yaml'), { workspace: ws });
  const ctx = statusContext(store, ws, p);
  const first = performance.now();
  for (const s of p.stages) store.pipeline.putLock(pipelineId(ws, p.file), s.name, currentLock(ctx, s as Stage, 'r'));
  const cold = performance.now() - first;
  const check = pipelineStatus(store, ws, p);
  const stale = check.stages.filter(s => s.state !== 'up-to-date');
  if (stale.length) throw new Error(`expected every stage up to date, got ${stale[0]!.stage}: ${stale[0]!.reasons}`);
  const probe = statusContext(store, ws, p);
  for (const s of p.stages) { /* count reads of a no-op pass */ probe.hasher.hash(path.join(ws, s.deps[0]!)); }
  if (probe.hasher.stats.misses) throw new Error('a no-op status read file content');

  const status = time(() => pipelineStatus(store, ws, p), 15);
  const withParse = time(() => pipelineStatus(store, ws, loadPipeline(path.join(ws, 'dvc.yaml'), { workspace: ws })), 15);
  const stat = time(() => { for (const f of files) fs.statSync(f); }, 15);
  const statBig = time(() => { for (const f of files) fs.statSync(f, { bigint: true }); }, 15);
  const walk = time(() => { for (let s = 0; s < STAGES; s++) fs.readdirSync(path.join(ws, 'data', `s${s}`)); }, 15);
  row(`first lock of ${STAGES} stages (hash ${files.length} files)`, `${cold.toFixed(0)} ms`, '');
  row(`no-op status, ${STAGES} stages / ${files.length} dep files`, `median ${status.toFixed(1)} ms`,
    `statSync ×${files.length} ${stat.toFixed(1)} ms (bigint ${statBig.toFixed(1)})`, 'target < 1000 ms');
  row('  + parse dvc.yaml (what /pipelines/status does)', `median ${withParse.toFixed(1)} ms`, `readdir ×${STAGES} ${walk.toFixed(1)} ms`);
  store.close();
  fs.rmSync(ws, { recursive: true, force: true });
}

async function firstHash(): Promise<void> {
  const N = 8;
  const SIZE = 128 << 20;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-bench-hash-'));
  const ws = tempWorkspace('mlops-bench-hashws-');
  const store = Store.open(ws);
  try {
    const block = crypto.randomBytes(16 << 20);
    const files = Array.from({ length: N }, (_, i) => path.join(dir, `part-${i}.bin`));
    for (const f of files) {
      const fd = fs.openSync(f, 'w');
      for (let o = 0; o < SIZE; o += block.length) fs.writeSync(fd, block);
      fs.closeSync(fd);
    }
    const mb = (N * SIZE) / 2 ** 20;
    const buf = Buffer.allocUnsafe(8 << 20);
    const readAll = () => {
      for (const f of files) {
        const fd = fs.openSync(f, 'r');
        while (fs.readSync(fd, buf, 0, buf.length, null) > 0) { /* read only */ }
        fs.closeSync(fd);
      }
    };
    readAll(); // every measurement below starts from the same (warm) page cache
    const read = time(readAll, 3);
    const forget = () => store.pipeline.putHashes([], files);
    const sync = time(() => { forget(); const h = new Hasher(store.pipeline); h.hash(dir); if (h.stats.bytes !== N * SIZE) throw new Error('not a first hash'); }, 3);
    const asyncs: number[] = [];
    for (let i = 0; i < 3; i++) {
      forget();
      const h = new Hasher(store.pipeline);
      const t = performance.now();
      await h.hashAsync(dir);
      asyncs.push(performance.now() - t);
      h.flush();
      if (h.stats.bytes !== N * SIZE) throw new Error('not a first hash');
    }
    const single = time(() => { const h = crypto.createHash('md5'); for (let o = 0; o < SIZE; o += block.length) h.update(block); h.digest(); }, 3);
    const rate = (ms: number) => `${(mb / (ms / 1000)).toFixed(0)} MB/s`;
    row(`first hash of ${N} × ${SIZE >> 20} MB, sync (one thread)`, rate(sync), `sequential read ${rate(read)}`);
    row(`first hash, hashAsync (${HashPool.shared().size} worker threads, ${os.availableParallelism()} CPUs)`, rate(median(asyncs)),
      `md5 in memory, 1 core ${((SIZE >> 20) / (single / 1000)).toFixed(0)} MB/s`);
    const warm = time(() => { const h = new Hasher(store.pipeline); h.hash(dir); }, 5);
    row('re-hash of the same 1 GB (warm cache: stat only)', `median ${warm.toFixed(2)} ms`, '');
  } finally {
    store.close();
    await HashPool.shared().close();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log('\n== Pipeline status and hashing ==');
  row('benchmark', 'ours', 'physical limit');
  noopStatus();
  await firstHash();
}
void main().then(() => process.exit(0), e => { console.error(e); process.exit(1); });
