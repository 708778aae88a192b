// Sources → datasets: a run's logged dataset input (logged over real HTTP as an MLflow client does, with
// file://, relative, JSON and runs:/ sources) read from its file; files relative to the workspace; an
// endpoint's request log over the last N minutes; clear errors for ambiguous, remote and missing sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { localSourceFile, resolveSource, runInputDataset } from '../../../../src/engine/drift/datasetSource';
import type { ColumnData, Dataset } from '../../../../src/engine/drift/types';
import type { Engine } from '../../../../src/engine/engine';
import { MlflowError } from '../../../../src/engine/errors';
import { openEngine, startTestServer, tempWorkspace } from '../../../helpers/workspace';

const nums = (d: Dataset, name: string) => {
  const c = d.columns.find(x => x.name === name) as Extract<ColumnData, { kind: 'numeric' }> | undefined;
  assert.ok(c && c.kind === 'numeric', `no numeric column ${name}`);
  return Array.from(c.values);
};
async function rejects(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof MlflowError, `not an MlflowError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  });
}
const dataset = (name: string, digest: string, source: string, source_type = 'local') => ({ dataset: { name, digest, source_type, source }, tags: [] });

test('a run input logged over HTTP with a file:// source is read from that file, by name, by digest or as the only one', async () => {
  const s = await startTestServer();
  try {
    const dir = path.join(s.ws, 'data');
    fs.mkdirSync(dir);
    const train = path.join(dir, 'train.csv');
    fs.writeFileSync(train, 'x,y\n1,a\n2,b\n3,a\n');
    fs.writeFileSync(path.join(dir, 'test.arrow'), tableToIPC(tableFromArrays({ x: Float64Array.from([10, 20]) }), 'file'));
    const run = async () => (await s.call('POST', 'runs/create', { experiment_id: '0' })).body.run.info.run_id as string;
    const one = await run();
    const res = await s.call('POST', 'runs/log-inputs', { run_id: one, datasets: [dataset('train', 'aaa111', JSON.stringify({ uri: pathToFileURL(train).href }))] });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const two = await run();
    await s.call('POST', 'runs/log-inputs', {
      run_id: two,
      datasets: [dataset('train', 'aaa111', 'data/train.csv'), dataset('test', 'bbb222', '{"path": "data/test.arrow"}'), dataset('test', 'ccc333', 's3://bucket/test.parquet', 's3')],
    });

    const engine = s.engine;
    const d = await runInputDataset(engine, one);
    assert.equal(d.source, `run ${one} input train`);
    assert.equal(d.rows, 3);
    assert.deepEqual(nums(d, 'x'), [1, 2, 3]);
    assert.deepEqual(nums(await runInputDataset(engine, two, 'train'), 'x'), [1, 2, 3], 'a relative source is against the workspace');
    assert.deepEqual(nums(await runInputDataset(engine, two, 'bbb222'), 'x'), [10, 20], 'by digest; {"path"} JSON source');
    assert.deepEqual((await runInputDataset(engine, two, 'aaa111', { columns: ['y'] })).columns.map(c => c.name), ['y']);

    await rejects(runInputDataset(engine, two), 'INVALID_PARAMETER_VALUE', /has 3 dataset inputs: choose one by name or digest \(test \(digest bbb222\), test \(digest ccc333\), train \(digest aaa111\)\)/);
    await rejects(runInputDataset(engine, two, 'test'), 'INVALID_PARAMETER_VALUE', /has 2 dataset inputs named 'test': choose one by digest/);
    await rejects(runInputDataset(engine, two, 'ccc333'), 'INVALID_PARAMETER_VALUE', /input test \(digest ccc333\): its source s3:\/\/bucket\/test\.parquet is remote \(s3\)/);
    await rejects(runInputDataset(engine, two, 'nope'), 'RESOURCE_DOES_NOT_EXIST', /no dataset input named or with digest 'nope' \(it has test \(digest bbb222\), test \(digest ccc333\), train \(digest aaa111\)\)/);
    await rejects(runInputDataset(engine, await run()), 'RESOURCE_DOES_NOT_EXIST', /has no dataset inputs/);
    fs.rmSync(train);
    await rejects(runInputDataset(engine, one), 'RESOURCE_DOES_NOT_EXIST', new RegExp(`input train \\(digest aaa111\\): its source file ${train.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not exist`));
  } finally {
    await s.close();
  }
});

test('sources in the artifact store (runs:/…, mlflow-artifacts:/…) resolve to local files', () => {
  const engine = openEngine(tempWorkspace());
  try {
    const run = engine.runs.create({ experimentId: '0', runName: 'r', tags: [] });
    const id = run.info.run_id;
    const local = path.join(engine.artifacts.localDir(run.info.artifact_uri), 'data', 'ref.csv');
    assert.equal(localSourceFile(engine, `runs:/${id}/data/ref.csv`, 'x'), local);
    assert.equal(localSourceFile(engine, `${run.info.artifact_uri}/data/ref.csv`, 'x'), local);
    assert.equal(localSourceFile(engine, '{"uri": "data/ref.csv"}', 'x'), path.join(engine.workspace, 'data', 'ref.csv'));
    assert.throws(() => localSourceFile(engine, 'https://example.com/x.csv', 'input d'), /input d: its source https:\/\/example\.com\/x\.csv is remote \(https\)/);
    assert.throws(() => localSourceFile(engine, '{"tags": {}}', 'input d'), /input d: its source \{"tags": \{\}\} names no file/);
    assert.throws(() => localSourceFile(engine, 'runs:/0123abcd/data.csv', 'input d'), /does not resolve in this workspace's store/);
  } finally {
    engine.close();
  }
});

test('resolveSource: a file relative to the workspace, a run input, an endpoint over the last minutes', async () => {
  const engine: Engine = openEngine(tempWorkspace());
  try {
    fs.writeFileSync(path.join(engine.workspace, 'ref.csv'), 'a,b\n1,2\n3,4\n');
    const file = await resolveSource(engine, { kind: 'file', path: 'ref.csv' });
    assert.equal(file.source, 'ref.csv');
    assert.deepEqual(nums(file, 'b'), [2, 4]);
    assert.deepEqual(nums(await resolveSource({ workspace: engine.workspace }, { kind: 'file', path: 'ref.csv' }, { maxRows: 1 }), 'a'), [1], 'a workspace is enough for files');

    const run = engine.runs.create({ experimentId: '0', runName: 'r', tags: [] }).info.run_id;
    engine.runData.logInputs(run, [dataset('ref', 'd1', 'ref.csv')]);
    assert.deepEqual(nums(await resolveSource(engine, { kind: 'run', runId: run, dataset: 'ref' }), 'a'), [1, 3]);

    const now = 10 * 60_000;
    const row = (time: number, a: number) => ({ endpoint: 'ep', time, model_name: null, model_version: null, latency_ms: 1, status: 200, inputs: JSON.stringify({ dataframe_records: [{ a }] }), outputs: '[1.5]' });
    engine.store.servingLog.insertMany([row(now - 9 * 60_000, 1), row(now - 4 * 60_000, 2), row(now - 60_000, 3)]);
    const last5 = await resolveSource(engine, { kind: 'endpoint', endpoint: 'ep', windowMinutes: 5 }, { now });
    assert.deepEqual(nums(last5, 'a'), [2, 3]);
    assert.match(last5.source, /^endpoint ep /);
    assert.deepEqual(nums(await resolveSource(engine, { kind: 'endpoint', endpoint: 'ep', from: 0, to: now - 5 * 60_000 }), 'a'), [1]);
    assert.deepEqual((await resolveSource(engine, { kind: 'endpoint', endpoint: 'ep' }, { columns: ['prediction', 'a'] })).columns.map(c => c.name), ['prediction', 'a']);

    await rejects(resolveSource({ workspace: engine.workspace }, { kind: 'run', runId: run }), 'INVALID_PARAMETER_VALUE', /a run source needs the workspace's store/);
    await rejects(resolveSource(engine, { kind: 'file', path: 'missing.parquet' }), 'RESOURCE_DOES_NOT_EXIST', /missing\.parquet: no such file/);
    await rejects(resolveSource(engine, { kind: 'endpoint', endpoint: 'ep' }, { columns: ['zz'] }), 'INVALID_PARAMETER_VALUE', /no column 'zz'/);
    await rejects(resolveSource(engine, { kind: 'bogus' } as never), 'INVALID_PARAMETER_VALUE', /unknown data source/);
  } finally {
    engine.close();
  }
});
