// numericDriftAll: worker threads plus the calling thread give exactly the sequential results, in order. The
// worker script is built here from src/engine/drift/stats/driftWorker.ts with esbuild, as the engine build would
// for dist/driftWorker.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { closeDriftWorkers, numericDriftAll } from '../../../../../src/engine/drift/stats/driftPool';
import { numericDrift } from '../../../../../src/engine/drift/stats/numericDrift';
import { buildDriftWorker, uniforms } from '../../../../fixtures/drift/reference';

const pairs = [5, 30_000, 200, 60_000, 1, 25_000].map((n, i) => {
  const u = uniforms(500 + i, 2 * n);
  return { ref: u.subarray(0, n).map(x => x * 2), cur: u.subarray(n).map(x => (i % 2 ? x * 2 + 0.1 : x)) };
});

test('workers and the calling thread together give the sequential results, in order', async () => {
  const workerFile = buildDriftWorker();
  const want = pairs.map(p => numericDrift(p.ref, p.cur, { psi: { bins: 7 } }));
  for (const threads of [2, 3]) {
    assert.deepEqual(await numericDriftAll(pairs, { threads, workerFile, psi: { bins: 7 } }), want, `${threads} threads`);
  }
  // the columns are untouched (copies went to the workers) and idle workers are reused
  assert.equal(pairs[1]!.ref.length, 30_000);
  assert.deepEqual(await numericDriftAll(pairs, { threads: 2, workerFile }), pairs.map(p => numericDrift(p.ref, p.cur)));
  await closeDriftWorkers();
  fs.rmSync(path.dirname(workerFile), { recursive: true, force: true });
});

test('without a worker file everything runs on the calling thread', async () => {
  assert.deepEqual(await numericDriftAll(pairs.slice(0, 2), { threads: 4, workerFile: undefined }), pairs.slice(0, 2).map(p => numericDrift(p.ref, p.cur)));
});

test('a worker that cannot start fails the call with the script named', async () => {
  await assert.rejects(numericDriftAll(pairs, { threads: 2, workerFile: '/nonexistent/driftWorker.js' }), /drift worker \/nonexistent\/driftWorker\.js/);
});
