// `mlops serve` (src/cliServe.ts) as a real child process: a .onnx path or a models:/ ref, the endpoint record
// in .mlops/endpoints/<port>.json, a one-line reason on failure, and a clean exit on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { endpointsDir } from '../../../../src/cliServe';
import { CLI, exited } from '../../../helpers/engineProcess';
import { openEngine, tempWorkspace } from '../../../helpers/workspace';
import { registerIris } from '../../../helpers/registryFixtures';
import { IRIS, MULTI, assertIris, get, invoke, iris, multi, predictions, spawnServe } from '../../../helpers/serving';

function mlops(ws: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [CLI, '--workspace', ws, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', d => (out += d));
  child.stderr.on('data', d => (err += d));
  return new Promise(r => child.on('close', code => r({ code, out, err })));
}

/** A non-zero exit with exactly one stderr line matching `reason`. */
async function failsWith(ws: string, args: string[], reason: RegExp): Promise<void> {
  const r = await mlops(ws, ['serve', ...args]);
  assert.notEqual(r.code, 0, `mlops serve ${args.join(' ')} should fail`);
  const lines = r.err.split('\n').filter(l => l.trim());
  assert.equal(lines.length, 1, `one line expected, got:\n${r.err}`);
  assert.match(lines[0], reason);
  assert.doesNotMatch(r.out, /listening/);
}

test('mlops serve <iris.onnx> --port 0 prints one listening line and answers /invocations', async () => {
  const ws = tempWorkspace();
  const s = await spawnServe(ws, [IRIS, '--port', '0', '--max-batch', '8', '--max-wait-ms', '1', '--threads', '1']);
  try {
    assert.equal(s.info.event, 'listening');
    assert.equal(s.info.url, `http://127.0.0.1:${s.port}`);
    assert.equal(s.info.pid, s.child.pid);
    assert.equal(s.info.ref, IRIS);
    assert.equal(s.info.version, null);
    assertIris(predictions(await invoke(s.url, { inputs: iris.input })));
    assertIris(predictions(await invoke(s.url, { dataframe_split: { columns: ['a', 'b', 'c', 'd'], data: iris.input } }, 'application/json', '/predict')));
    const meta = (await get(s.url, '/metadata')).body;
    assert.equal(meta.max_batch, 8);
    assert.equal(meta.max_wait_ms, 1);
    assert.equal(fs.existsSync(path.join(ws, '.mlops')), false, 'a file served outside a workspace store creates no .mlops');
  } finally {
    s.child.kill('SIGTERM');
    assert.equal(await exited(s.child), 0);
  }
});

test('a request whose inputs disagree on the row count is a 400, not the end of the process', async () => {
  const s = await spawnServe(tempWorkspace(), [MULTI, '--port', '0']);
  try {
    const r = await invoke(s.url, { inputs: { ...multi.inputs, flag: [[true], [false]] } });
    assert.equal(r.status, 400, r.text);
    assert.match(r.body.message, /input 'flag' has 2 rows but 'x' has 4/);
    assert.deepEqual(predictions(await invoke(s.url, { inputs: multi.inputs })), multi.outputs);
    assert.equal(s.child.exitCode, null);
  } finally {
    s.child.kill('SIGTERM');
    assert.equal(await exited(s.child), 0);
  }
});

test('an unknown model ref exits non-zero with a one-line reason', async () => {
  const ws = tempWorkspace();
  await failsWith(ws, [path.join(ws, 'missing.onnx')], /^mlops: RESOURCE_DOES_NOT_EXIST: Model file .*missing\.onnx does not exist$/);
  const txt = path.join(ws, 'notes.txt');
  fs.writeFileSync(txt, 'not a model');
  await failsWith(ws, [txt], /^mlops: INVALID_PARAMETER_VALUE: .*notes\.txt is not an \.onnx file/);
  await failsWith(ws, ['models:/nope@champion'], /^mlops: .*nope/);
  await failsWith(ws, [IRIS, '--max-batch', 'lots'], /^mlops: max-batch must be a non-negative integer, got 'lots'$/);
  await failsWith(ws, [IRIS, '--graph-optimization', 'fast'], /^mlops: --graph-optimization must be disabled, basic, extended or all$/);
});

test('models:/name@alias from a workspace: the record in .mlops/endpoints, SIGTERM exits 0 and removes it', async () => {
  const ws = tempWorkspace();
  const engine = openEngine(ws);
  try {
    await registerIris(engine, { name: 'iris-classifier' });
    engine.promotion.setAlias('iris-classifier', 'champion', 1);
  } finally {
    engine.close();
  }
  const s = await spawnServe(ws, ['models:/iris-classifier@champion', '--port', '0', '--log-sample', '1']);
  const record = path.join(endpointsDir(ws), `${s.port}.json`);
  let code: number | null;
  try {
    assert.equal(s.info.name, 'iris-classifier');
    assert.equal(s.info.version, '1');
    const saved = JSON.parse(fs.readFileSync(record, 'utf8'));
    assert.deepEqual({ port: saved.port, pid: saved.pid, url: saved.url, ref: saved.ref }, { port: s.port, pid: s.child.pid, url: s.url, ref: 'models:/iris-classifier@champion' });
    assertIris(predictions(await invoke(s.url, { instances: iris.input })));
    assert.equal((await get(s.url, '/version')).body.model_version, '1');
  } finally {
    s.child.kill('SIGTERM');
    code = await exited(s.child);
  }
  assert.equal(code, 0, s.stderr());
  assert.equal(fs.existsSync(record), false, 'endpoint record removed');
  // The sampled request reached the store before exit.
  const after = openEngine(ws);
  try {
    const rows = after.store.servingLog.window(`models:/iris-classifier@champion#${s.child.pid}`, 0, Date.now());
    assert.equal(rows.length, 1);
    assert.equal(rows[0].model_version, '1');
  } finally {
    after.close();
  }
});
