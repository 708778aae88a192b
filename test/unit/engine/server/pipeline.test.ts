// mlops/pipelines/list and mlops/pipelines/status over real HTTP: stages, DAG neighbours, status with reasons,
// definition problems answered as data (200), bad file names as MLflow errors.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../../../helpers/workspace';
import { fails, ok } from '../../../helpers/replies';
import { currentLock, statusContext } from '../../../../src/engine/pipeline/status';
import { loadPipeline } from '../../../../src/engine/pipeline/definition';

const DVC_YAML = `stages:
  prepare:
    cmd: node prep.js
    deps: [prep.js, data/raw.csv]
    outs: [data/clean]
  train:
    desc: Fits the model
    cmd:
      - node train.js
      - node export.js
    deps: [data/clean, train.js]
    params: [train.lr]
    outs: [model.onnx]
    metrics:
      - metrics.json:
          cache: false
`;
const CYCLE_YAML = `stages:
  a:
    cmd: echo a
    deps: [y]
    outs: [x]
  b:
    cmd: echo b
    deps: [x]
    outs: [y]
`;

describe('pipelines endpoints', () => {
  let s: TestServer;
  const put = (rel: string, text: string) => {
    const p = path.join(s.ws, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  };
  const status = (file: string) => s.call('GET', `/api/2.0/mlops/pipelines/status?file=${encodeURIComponent(file)}`);

  before(async () => {
    s = await startTestServer();
    put('dvc.yaml', DVC_YAML);
    put('params.yaml', 'train:\n  lr: 0.01\n');
    for (const f of ['prep.js', 'train.js', 'data/raw.csv', 'data/clean/part-0.csv', 'model.onnx', 'metrics.json']) put(f, f);
    put('broken/dvc.yaml', 'stages:\n  s:\n    cmd: echo\n    outs: [a]\n    bogus: 1\n');
    put('cycle/dvc.yaml', CYCLE_YAML);
  });
  after(async () => { await s.close(); fs.rmSync(s.ws, { recursive: true, force: true }); });

  test('list: every dvc.yaml relative to the workspace, with stage counts or its first problem', async () => {
    const b = await ok(s.call('GET', '/api/2.0/mlops/pipelines/list'));
    const byFile = new Map(b.pipelines.map((p: any) => [p.file, p]));
    assert.deepEqual([...byFile.keys()].sort(), ['broken/dvc.yaml', 'cycle/dvc.yaml', 'dvc.yaml']);
    assert.deepEqual(byFile.get('dvc.yaml'), { file: 'dvc.yaml', stages: 2 });
    const broken: any = byFile.get('broken/dvc.yaml');
    assert.equal(broken.error.file, 'broken/dvc.yaml');
    assert.equal(broken.error.line, 5);
    assert.match(broken.error.message, /bogus/);
    assert.equal(typeof broken.error.col, 'number');
    assert.equal((byFile.get('cycle/dvc.yaml') as any).stages, 2, 'a cycle is a DAG problem, not a definition one');
  });

  test('status: order, stage fields, upstream/downstream, never run', async () => {
    const b = await ok(status('dvc.yaml'));
    assert.equal(b.file, 'dvc.yaml');
    assert.deepEqual(b.order, ['prepare', 'train']);
    const [prep, train] = b.stages;
    assert.equal(prep.name, 'prepare');
    assert.deepEqual(prep.cmd, ['node prep.js']);
    assert.deepEqual(prep.downstream, ['train']);
    assert.deepEqual(prep.upstream, []);
    assert.deepEqual(train.upstream, ['prepare']);
    assert.deepEqual(train.cmd, ['node train.js', 'node export.js']);
    assert.equal(train.desc, 'Fits the model');
    assert.equal(train.wdir, '.');
    assert.deepEqual(train.deps, ['data/clean', 'train.js']);
    assert.deepEqual(train.params, [{ file: 'params.yaml', keys: ['train.lr'] }]);
    assert.deepEqual(train.metrics, ['metrics.json']);
    assert.ok(train.outs.some((o: any) => o.path === 'metrics.json' && o.cache === false && o.kind === 'metric'));
    assert.equal(train.frozen, false);
    assert.deepEqual([prep.line, train.line], [2, 6]);
    assert.equal(train.col, 3);
    assert.deepEqual(train.status, { stage: 'train', state: 'never-run', changes: [{ kind: 'never-run' }], reasons: ['never run'] });
  });

  test('status after a recorded run is up to date; a params edit shows the change and its reason', async () => {
    const p = loadPipeline(path.join(s.ws, 'dvc.yaml'), { workspace: s.ws });
    const ctx = statusContext(s.engine.store, s.ws, p);
    for (const st of p.stages) s.engine.store.pipeline.putLock('dvc.yaml', st.name, currentLock(ctx, st, `run-${st.name}`));
    let b = await ok(status('dvc.yaml'));
    assert.deepEqual(b.stages.map((x: any) => x.status.state), ['up-to-date', 'up-to-date']);
    assert.equal(b.stages[1].status.lastRunId, 'run-train');
    put('params.yaml', 'train:\n  lr: 0.02\n');
    fs.rmSync(path.join(s.ws, 'metrics.json'));
    b = await ok(s.call('GET', `/ajax-api/2.0/mlops/pipelines/status?file=dvc.yaml`));
    assert.equal(b.stages[0].status.state, 'up-to-date');
    assert.equal(b.stages[1].status.state, 'changed');
    assert.deepEqual(b.stages[1].status.reasons, ['params changed: train.lr 0.01 → 0.02', 'outs missing: metrics.json']);
    assert.deepEqual(b.stages[1].status.changes[0], { kind: 'params', key: 'train.lr', from: 0.01, to: 0.02 });
  });

  test('an invalid definition answers 200 with the error (file, line, col, stages)', async () => {
    const b = await ok(status('broken/dvc.yaml'));
    assert.equal(b.file, 'broken/dvc.yaml');
    assert.equal(b.stages, undefined);
    assert.equal(b.error.file, 'broken/dvc.yaml');
    assert.equal(b.error.line, 5);
    assert.ok(Array.isArray(b.error.stages));
    const c = await ok(status('cycle/dvc.yaml'));
    assert.match(c.error.message, /cycle: a → b → a/);
    assert.deepEqual(c.error.stages, ['a', 'b']);
    assert.equal(c.error.file, 'cycle/dvc.yaml');
  });

  test('a malformed params file is the definition\'s problem too, located in params.yaml', async () => {
    put('p2/dvc.yaml', 'stages:\n  t:\n    cmd: echo\n    params: [lr]\n');
    put('p2/params.yaml', 'lr: 1\n');
    await ok(status('p2/dvc.yaml'));
    put('p2/params.yaml', 'lr: [1\n');
    const b = await ok(status('p2/dvc.yaml'));
    assert.equal(b.error.file, 'p2/params.yaml');
    assert.match(b.error.message, /invalid YAML/);
  });

  test('bad file names: missing, outside the workspace, absent, a directory, a symlink out', async () => {
    await fails(s.call('GET', '/api/2.0/mlops/pipelines/status'), 400, 'INVALID_PARAMETER_VALUE', /'file'/);
    await fails(status('../dvc.yaml'), 400, 'INVALID_PARAMETER_VALUE', /outside the workspace/);
    await fails(status(path.join(os.tmpdir(), 'dvc.yaml')), 400, 'INVALID_PARAMETER_VALUE', /outside the workspace/);
    await fails(status('nope/dvc.yaml'), 404, 'RESOURCE_DOES_NOT_EXIST', /does not exist/);
    await fails(status('broken'), 404, 'RESOURCE_DOES_NOT_EXIST', /not a file/);
    if (process.platform !== 'win32') {
      const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-outside-'));
      fs.writeFileSync(path.join(outside, 'dvc.yaml'), DVC_YAML);
      fs.symlinkSync(path.join(outside, 'dvc.yaml'), path.join(s.ws, 'linked.yaml'));
      await fails(status('linked.yaml'), 400, 'INVALID_PARAMETER_VALUE', /outside the workspace/);
      fs.rmSync(outside, { recursive: true, force: true });
    }
    await fails(s.call('POST', '/api/2.0/mlops/pipelines/status', {}), 404, 'ENDPOINT_NOT_FOUND', /Method POST is not supported/);
  });
});
