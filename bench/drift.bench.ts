// Drift statistics benchmark: 1,000,000 rows × 20 float64 columns, reference vs current (each column of the
// current file shifted by 0 … 0.095 of its spread, so the columns span no drift, drift whose KS p-value needs the
// full Smirnov sum, and drift whose p-value underflows to 0). Floor: merely reading the columns out of the two
// Arrow IPC files into Float64Arrays. Ours: PSI + KS (statistic and p-value) + Wasserstein (+ normalised) +
// Jensen–Shannon + quality summaries for every column, on one thread and on all cores. Also one column sorted
// by Float64Array.prototype.sort, by our radix sort, and the bucketed index pass that replaces sorting.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow';
import { readDataset } from '../src/engine/drift/readers';
import { readDatasetGuarded } from '../src/engine/drift/guardedRead';
import { BucketIndex, sampleBounds } from '../src/engine/drift/stats/bucketStats';
import { closeDriftWorkers, numericDriftAll } from '../src/engine/drift/stats/driftPool';
import { numericDrift } from '../src/engine/drift/stats/numericDrift';
import { sortValues } from '../src/engine/drift/stats/sort';
import { buildDriftWorker, uniforms } from '../test/fixtures/drift/reference';

const ROWS = 1_000_000;
const COLS = 20;
const row = (name: string, ours: string, limit: string, target = '') => console.log(`  ${name.padEnd(58)} ${ours.padEnd(30)} ${limit.padEnd(34)} ${target}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = (fn: () => void, n = 3) => median(Array.from({ length: n }, () => { const t = performance.now(); fn(); return performance.now() - t; }));
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
/** Rows of both files (reference + current, 20 columns each) per second. */
const perSec = (ms: number) => `${Math.round((2 * ROWS) / (ms / 1000)).toLocaleString('en')} rows/s`;

/** Irwin–Hall(4) normal-ish values (sd 0.577), shifted, scaled by c + 1. */
function column(seed: number, c: number, shift: number): Float64Array {
  const u = uniforms(seed, 4 * ROWS);
  const out = new Float64Array(ROWS);
  for (let i = 0; i < ROWS; i++) out[i] = (u[4 * i]! + u[4 * i + 1]! + u[4 * i + 2]! + u[4 * i + 3]! - 2 + shift) * (c + 1);
  return out;
}

function writeArrow(file: string, current: boolean): void {
  const cols: Record<string, Float64Array> = {};
  for (let c = 0; c < COLS; c++) cols[`x${c}`] = column(1 + 2 * c + (current ? 1 : 0), c, current ? 0.005 * c * 0.5774 : 0);
  fs.writeFileSync(file, tableToIPC(tableFromArrays(cols), 'file'));
}

function readArrow(file: string): Float64Array[] {
  const t = tableFromIPC(fs.readFileSync(file));
  return Array.from({ length: COLS }, (_, c) => t.getChild(`x${c}`)!.toArray() as Float64Array);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-bench-drift-'));
  const refFile = path.join(dir, 'reference.arrow');
  const curFile = path.join(dir, 'current.arrow');
  let workerDir: string | undefined;
  try {
    writeArrow(refFile, false);
    writeArrow(curFile, true);
    const mb = (fs.statSync(refFile).size + fs.statSync(curFile).size) / 2 ** 20;
    console.log(`\n== Drift statistics: ${ROWS.toLocaleString('en')} rows × ${COLS} float64 columns, reference vs current (${mb.toFixed(0)} MB of Arrow IPC, ${os.availableParallelism()} CPUs) ==`);
    row('benchmark', 'ours', 'floor / baseline', 'target');

    let ref: Float64Array[] = [];
    let cur: Float64Array[] = [];
    const read = time(() => { ref = readArrow(refFile); cur = readArrow(curFile); });
    const readers = median(await Promise.all([0, 1, 2].map(async () => { const t = performance.now(); await readDataset(refFile); await readDataset(curFile); return performance.now() - t; })));
    row('read both files into Float64Arrays', '', `${secs(read)} (tableFromIPC + toArray)`);
    row('  the same with the drift readers (readDataset)', '', `${secs(readers)}`);
    // What the CLI and the server do: both files at once, each on a worker thread under a time budget (warm workers).
    const worker = path.resolve('dist', 'readWorker.js'); // npm run bench runs from the project root
    const both = () => Promise.all([readDatasetGuarded(refFile, { workerFile: worker }), readDatasetGuarded(curFile, { workerFile: worker })]);
    await both();
    const guardedTimes: number[] = [];
    for (let i = 0; i < 3; i++) { const t = performance.now(); await both(); guardedTimes.push(performance.now() - t); } // one pair at a time
    const guarded = median(guardedTimes);
    row('  both at once on guarded worker threads (CLI, server)', '', `${secs(guarded)}`);

    const pairs = ref.map((r, c) => ({ ref: r, cur: cur[c]! }));
    pairs.forEach(p => numericDrift(p.ref, p.cur)); // warm-up: let V8 optimise the hot loops first
    const perColumn: number[] = [];
    const one = time(() => {
      perColumn.length = 0;
      for (const p of pairs) { const t = performance.now(); numericDrift(p.ref, p.cur); perColumn.push(performance.now() - t); }
    });
    row(`PSI + KS + Wasserstein + JS + quality, ${COLS} columns, 1 thread`, `${secs(one)} · ${perSec(one)}`, `read ${secs(read)}`, 'target ≤ 1 s');
    row('  per column: min / median / max', `${Math.min(...perColumn).toFixed(0)} / ${median(perColumn).toFixed(0)} / ${Math.max(...perColumn).toFixed(0)} ms`, '');
    const workerFile = buildDriftWorker();
    workerDir = path.dirname(workerFile);
    const threads = os.availableParallelism();
    await numericDriftAll(pairs, { threads, workerFile }); // warm-up: the workers stay, compiled
    const all: number[] = [];
    for (let i = 0; i < 3; i++) { const t = performance.now(); await numericDriftAll(pairs, { threads, workerFile }); all.push(performance.now() - t); }
    row(`  the same on ${threads} threads (workers + calling thread)`, `${secs(median(all))} · ${perSec(median(all))}`, '', 'target ≤ 1 s');

    const col = ref[7]!;
    const native = time(() => col.slice().sort());
    const radix = time(() => sortValues(col));
    const b = sampleBounds(col, col)!;
    const index = time(() => new BucketIndex(col, new Float64Array(0), b[0], b[1]));
    row('sort one column (1M): radix sort (sortValues)', `${radix.toFixed(0)} ms`, `Float64Array.sort ${native.toFixed(0)} ms`, `${(native / radix).toFixed(1)}× faster`);
    row('  bucketed index pass that replaces the sort', `${index.toFixed(0)} ms`, '');
  } finally {
    await closeDriftWorkers();
    fs.rmSync(dir, { recursive: true, force: true });
    if (workerDir) fs.rmSync(workerDir, { recursive: true, force: true });
  }
}
void main().then(() => process.exit(0), e => { console.error(e); process.exit(1); });
