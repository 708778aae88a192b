// Data files read on a worker thread under a time budget (the engine's dist/readWorker.js): the same Dataset as an
// inline read, buffers intact; files whose corrupt headers make the Arrow/Parquet parsers spin (found by fuzzing,
// kept in test/fixtures/drift/corrupt/) end in a clear 400 naming the file, and the calling thread stays free.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { readDatasetGuarded } from '../../../../src/engine/drift/guardedRead';
import { readDataset } from '../../../../src/engine/drift/readers';
import { MlflowError } from '../../../../src/engine/errors';
import { ROOT } from '../../../helpers/engineProcess';
import { tempWorkspace } from '../../../helpers/workspace';

const WORKER = path.join(ROOT, 'dist', 'readWorker.js');
const CORRUPT = path.join(ROOT, 'test', 'fixtures', 'drift', 'corrupt');

test('the worker is built beside the engine', () => {
  assert.ok(fs.existsSync(WORKER), `${WORKER} (esbuild.mjs builds it)`);
});

test('a read on the worker equals the inline read: numeric and categorical columns, CSV and Arrow', async () => {
  const dir = tempWorkspace();
  const csv = path.join(dir, 'a.csv');
  fs.writeFileSync(csv, 'x,plan,y\n1.5,basic,1\n2.5,pro,\n,basic,3\n');
  const arrow = path.join(dir, 'a.arrow');
  fs.writeFileSync(arrow, tableToIPC(tableFromArrays({ v: Float64Array.from({ length: 1000 }, (_, i) => i / 7), w: Int32Array.from({ length: 1000 }, (_, i) => i) }), 'file'));
  for (const f of [csv, arrow]) {
    const guarded = await readDatasetGuarded(f, { workerFile: WORKER });
    assert.deepEqual(guarded, await readDataset(f), f);
  }
});

test('the worker passes on the reader\'s own errors with their code', async () => {
  const dir = tempWorkspace();
  const bad = path.join(dir, 'bad.csv');
  fs.writeFileSync(bad, 'a,b\n1,2\n3\n');
  await assert.rejects(readDatasetGuarded(bad, { workerFile: WORKER, columns: ['a'] }), (e: unknown) => e instanceof MlflowError && e.code === 'INVALID_PARAMETER_VALUE' && /bad\.csv/.test(e.message));
  await assert.rejects(readDatasetGuarded(bad, { workerFile: WORKER, columns: ['nope'] }), (e: unknown) => e instanceof MlflowError && /nope/.test(e.message));
});

for (const name of ['page-size-hang.parquet', 'schema-length-hang.arrows']) {
  test(`a corrupt file that makes the parser spin (${name}) is a 400 naming it once the budget runs out; the thread stays free`, async () => {
    const file = path.join(CORRUPT, name);
    let ticks = 0;
    const tick = setInterval(() => ticks++, 50);
    const t0 = Date.now();
    try {
      await assert.rejects(readDatasetGuarded(file, { workerFile: WORKER, budgetMs: 1500 }),
        (e: unknown) => e instanceof MlflowError && e.status === 400 && e.message.includes(name) && /could not be read within 1\.5 s; the file looks corrupt/.test(e.message));
    } finally {
      clearInterval(tick);
    }
    const ms = Date.now() - t0;
    assert.ok(ms < 4000, `took ${ms} ms`);
    assert.ok(ticks >= 15, `the calling thread ran timers meanwhile (${ticks} ticks of 50 ms)`);
  });
}

test('an aborted read ends the worker and rejects with the abort reason', async () => {
  const ac = new AbortController();
  const p = readDatasetGuarded(path.join(CORRUPT, 'page-size-hang.parquet'), { workerFile: WORKER, signal: ac.signal });
  setTimeout(() => ac.abort(new Error('cancelled by the test')), 200);
  await assert.rejects(p, /cancelled by the test/);
});
