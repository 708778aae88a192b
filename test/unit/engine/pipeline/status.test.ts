// Stage status against our own lock: every invalidation cause, typed changes and the human reasons.
import { test, describe, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Store } from '../../../../src/engine/store/store';
import { currentLock, currentLockAsync, pipelineId, pipelineStatus, stageStatus, statusContext } from '../../../../src/engine/pipeline/status';
import { PipelineError, type Pipeline, type Stage } from '../../../../src/engine/pipeline/types';
import { tempWorkspace } from '../../../helpers/workspace';

const ws = tempWorkspace();
const store = Store.open(ws);
after(() => { store.close(); fs.rmSync(ws, { recursive: true, force: true }); });
const root = path.join(ws, 'proj');
const FILE = path.join(root, 'dvc.yaml');

// Every write gets its own mtime, seconds apart: edits within one clock tick stay visible (same-size edits
// that keep the mtime are the hash cache's documented blind spot, tested in hashing.test.ts).
let clock = Date.parse('2024-01-01T00:00:00Z');
const write = (rel: string, text: string) => {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  const t = new Date((clock += 1000));
  fs.utimesSync(p, t, t);
};
const mkStage = (name: string, o: Partial<Stage> = {}): Stage => ({
  name, cmd: ['python train.py'], wdir: '.', deps: [], outs: [], params: [], metrics: [], plots: [],
  frozen: false, alwaysChanged: false, pos: { file: FILE, line: 1, col: 1 }, ...o,
});
const out = (p: string, o: { cache?: boolean; kind?: 'out' | 'metric' | 'plot' } = {}) => ({ path: p, cache: o.cache ?? true, persist: false, kind: o.kind ?? 'out' });
const pipeline = (...stages: Stage[]): Pipeline => ({ file: FILE, root, stages });
const ctxOf = (s: Stage) => statusContext(store, ws, pipeline(s));
const statusOf = (s: Stage) => stageStatus(ctxOf(s), s);
/** Runs nothing: records the current state as the stage's last successful run. */
const lockNow = (s: Stage, runId = 'run-1') => store.pipeline.putLock(pipelineId(ws, FILE), s.name, currentLock(ctxOf(s), s, runId));

const TRAIN = () => mkStage('train', {
  deps: ['data/raw/x.csv', 'data/dir'],
  params: [{ file: 'params.yaml', keys: ['train.lr', 'train.epochs'] }],
  outs: [out('model.onnx'), out('train.log', { cache: false }), out('metrics.json', { kind: 'metric' })],
});

beforeEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
  for (const s of ['train', 'other']) store.pipeline.deleteLock('proj/dvc.yaml', s);
  write('data/raw/x.csv', 'a,b\n1,2\n');
  write('data/dir/one.txt', '1');
  write('data/dir/two.txt', '2');
  write('params.yaml', 'train:\n  lr: 0.01\n  epochs: 10\nother: 1\n');
  write('model.onnx', 'MODEL');
  write('train.log', 'log');
  write('metrics.json', '{"auc": 0.9}');
});

describe('stage status', () => {
  test('never run, then up to date after a lock; the no-op status reads no file content', () => {
    const s = TRAIN();
    const st = statusOf(s);
    assert.equal(st.state, 'never-run');
    assert.deepEqual(st.changes, [{ kind: 'never-run' }]);
    assert.deepEqual(st.reasons, ['never run']);
    lockNow(s);
    const ctx = ctxOf(s);
    const ok = stageStatus(ctx, s);
    assert.equal(ok.state, 'up-to-date');
    assert.deepEqual(ok.changes, []);
    assert.deepEqual(ok.reasons, []);
    assert.equal(ok.lastRunId, 'run-1');
    assert.ok(ok.lastFinishedAt! > 0);
    assert.equal(ctx.hasher.stats.misses, 0, 'stat only');
    assert.equal(ctx.hasher.stats.bytes, 0);
    assert.equal(ctx.hasher.stats.hits, 5, 'x.csv, 2 files of data/dir, model.onnx, metrics.json');
  });

  test('the lock: cmd joined with \\n, dep and cached out hashes, "file:key" params; cache: false outs omitted', async () => {
    const s = mkStage('train', { ...TRAIN(), cmd: ['a', 'b'] });
    const lock = currentLock(ctxOf(s), s, 'r9');
    assert.equal(lock.cmd, 'a\nb');
    assert.deepEqual(Object.keys(lock.deps), ['data/raw/x.csv', 'data/dir']);
    assert.match(lock.deps['data/dir']!, /^[0-9a-f]{32}\.dir$/);
    assert.deepEqual(Object.keys(lock.outs), ['model.onnx', 'metrics.json']);
    assert.deepEqual(lock.params, { 'params.yaml:train.lr': 0.01, 'params.yaml:train.epochs': 10 });
    assert.equal(lock.runId, 'r9');
    const md5 = (t: string) => crypto.createHash('md5').update(t).digest('hex');
    assert.deepEqual(lock.dirs, { 'data/dir': { 'one.txt': md5('1'), 'two.txt': md5('2') } }, 'directory deps keep their file hashes');
    const asyncLock = await currentLockAsync(ctxOf(s), s, 'r9');
    assert.deepEqual({ ...asyncLock, finishedAt: 0 }, { ...lock, finishedAt: 0 });
  });

  test('cmd changed', () => {
    lockNow(TRAIN());
    const s = mkStage('train', { ...TRAIN(), cmd: ['python train.py --fast'] });
    const st = statusOf(s);
    assert.equal(st.state, 'changed');
    assert.deepEqual(st.changes, [{ kind: 'cmd', from: 'python train.py', to: 'python train.py --fast' }]);
    assert.deepEqual(st.reasons, ['cmd changed']);
  });

  test('dep file modified', () => {
    lockNow(TRAIN());
    write('data/raw/x.csv', 'a,b\n1,3\n');
    const st = statusOf(TRAIN());
    assert.deepEqual(st.changes, [{ kind: 'deps', path: 'data/raw/x.csv', change: 'modified' }]);
    assert.deepEqual(st.reasons, ['deps changed: data/raw/x.csv']);
  });

  test('a file added to a directory dep, then a file removed from it: the files inside are named', () => {
    lockNow(TRAIN());
    write('data/dir/sub/three.txt', '3');
    assert.deepEqual(statusOf(TRAIN()).reasons, ['deps changed: data/dir (sub/three.txt)']);
    lockNow(TRAIN());
    fs.rmSync(path.join(root, 'data/dir/one.txt'));
    assert.deepEqual(statusOf(TRAIN()).changes, [{ kind: 'deps', path: 'data/dir', change: 'modified', files: ['one.txt'] }]);
  });

  test('a directory dep with many changed files names the first 3 (sorted) and counts the rest', () => {
    lockNow(TRAIN());
    for (const f of ['e.txt', 'c.txt', 'a.txt', 'd.txt']) write(`data/dir/${f}`, f);
    write('data/dir/two.txt', 'changed');
    const st = statusOf(TRAIN());
    assert.deepEqual(st.changes, [{ kind: 'deps', path: 'data/dir', change: 'modified', files: ['a.txt', 'c.txt', 'd.txt'], moreFiles: 2 }]);
    assert.deepEqual(st.reasons, ['deps changed: data/dir (a.txt, c.txt, d.txt, +2 more)']);
  });

  test('a lock without file hashes for a directory (written before they were kept) still says the directory changed', () => {
    const s = TRAIN();
    const lock = currentLock(ctxOf(s), s, 'old');
    delete lock.dirs;
    store.pipeline.putLock(pipelineId(ws, FILE), s.name, lock);
    write('data/dir/one.txt', 'new');
    assert.deepEqual(statusOf(s).reasons, ['deps changed: data/dir']);
  });

  test('dep missing on disk; dep added to and removed from the definition', () => {
    lockNow(TRAIN());
    fs.rmSync(path.join(root, 'data/raw/x.csv'));
    assert.deepEqual(statusOf(TRAIN()).reasons, ['deps missing: data/raw/x.csv']);
    write('data/raw/x.csv', 'a,b\n1,2\n');
    write('extra.csv', 'e');
    const s = mkStage('train', { ...TRAIN(), deps: ['data/dir', 'extra.csv'] });
    const st = statusOf(s);
    assert.deepEqual(st.changes, [
      { kind: 'deps', path: 'extra.csv', change: 'added' },
      { kind: 'deps', path: 'data/raw/x.csv', change: 'removed' },
    ]);
    assert.deepEqual(st.reasons, ['deps added: extra.csv', 'deps removed: data/raw/x.csv']);
  });

  test('params value changed, and a key gone from the params file', () => {
    lockNow(TRAIN());
    write('params.yaml', 'train:\n  lr: 0.02\n  epochs: 10\n');
    let st = statusOf(TRAIN());
    assert.deepEqual(st.changes, [{ kind: 'params', key: 'train.lr', from: 0.01, to: 0.02 }]);
    assert.deepEqual(st.reasons, ['params changed: train.lr 0.01 → 0.02']);
    write('params.yaml', 'train:\n  lr: 0.01\n');
    st = statusOf(TRAIN());
    assert.equal(st.state, 'changed');
    assert.deepEqual(st.changes, [{ kind: 'params', key: 'train.epochs', from: 10, to: undefined, missing: { file: 'params.yaml', key: 'train.epochs' } }]);
    assert.deepEqual(st.reasons, ['params missing: train.epochs in params.yaml']);
    fs.rmSync(path.join(root, 'params.yaml'));
    assert.deepEqual(statusOf(TRAIN()).reasons, ['params missing: train.lr, train.epochs in params.yaml']);
  });

  test('never run: missing deps and params are reasons; deps another stage produces are not (yet) a problem', () => {
    const s = mkStage('train', { deps: ['nofile.csv', 'data/dir', 'prepared/x.csv'], params: [{ file: 'params.yaml', keys: ['lr', 'train.lr'] }, { file: 'conf/none.yaml', keys: [] }] });
    const prep = mkStage('prep', { outs: [out('prepared')] });
    const st = stageStatus(statusContext(store, ws, pipeline(prep, s)), s);
    assert.equal(st.state, 'never-run');
    assert.deepEqual(st.changes, [
      { kind: 'never-run' },
      { kind: 'deps', path: 'nofile.csv', change: 'missing' },
      { kind: 'params', key: 'lr', from: undefined, to: undefined, missing: { file: 'params.yaml', key: 'lr' } },
      { kind: 'params', key: 'conf/none.yaml', from: undefined, to: undefined, missing: { file: 'conf/none.yaml', key: '' } },
    ]);
    assert.deepEqual(st.reasons, ['never run', 'deps missing: nofile.csv', 'params missing: lr in params.yaml; conf/none.yaml']);
    fs.rmSync(path.join(root, 'params.yaml'));
    assert.deepEqual(statusOf(mkStage('train', { params: [{ file: 'params.yaml', keys: ['lr'] }] })).reasons, ['never run', 'params missing: lr in params.yaml']);
  });

  test('a params key missing when the lock was taken is never "up to date"', () => {
    const s = mkStage('train', { params: [{ file: 'params.yaml', keys: ['lr'] }] });
    lockNow(s); // what an older version recorded: the key simply absent
    const st = statusOf(s);
    assert.equal(st.state, 'changed');
    assert.deepEqual(st.reasons, ['params missing: lr in params.yaml']);
    write('params.yaml', 'lr: 0.1\n');
    assert.deepEqual(statusOf(s).reasons, ['params changed: lr (missing) → 0.1']);
  });

  test('a key in the same params file that the stage does not use changes nothing', () => {
    lockNow(TRAIN());
    write('params.yaml', 'train:\n  lr: 0.01\n  epochs: 10\nother: 2\n');
    assert.equal(statusOf(TRAIN()).state, 'up-to-date');
  });

  test('whole-file params (no keys): any leaf added, changed or removed; another file keeps its name in the key', () => {
    write('conf/model.yaml', 'layers: [64, 32]\nopt:\n  name: adam\n');
    const s = mkStage('other', { params: [{ file: 'conf/model.yaml', keys: [] }] });
    lockNow(s);
    assert.equal(statusOf(s).state, 'up-to-date');
    write('conf/model.yaml', 'layers: [64, 16]\nopt:\n  name: adam\n  beta: 0.9\n');
    assert.deepEqual(statusOf(s).reasons, [
      'params changed: conf/model.yaml:layers [64,32] → [64,16]',
      'params changed: conf/model.yaml:opt.beta (missing) → 0.9',
    ]);
    write('conf/model.yaml', 'layers: [64, 32]\n');
    assert.deepEqual(statusOf(s).changes, [{ kind: 'params', key: 'conf/model.yaml:opt.name', from: 'adam', to: undefined }]);
  });

  test('the default params file of a stage in a wdir shows bare keys', () => {
    write('sub/params.yaml', 'lr: 1\n');
    const s = mkStage('other', { wdir: 'sub', params: [{ file: 'sub/params.yaml', keys: ['lr'] }] });
    lockNow(s);
    write('sub/params.yaml', 'lr: 2\n');
    assert.deepEqual(statusOf(s).reasons, ['params changed: lr 1 → 2']);
  });

  test('a malformed params file is a PipelineError naming file:line:col', () => {
    lockNow(TRAIN());
    write('params.yaml', 'train:\n  lr: [0.01\n');
    assert.throws(() => statusOf(TRAIN()), (e: unknown) => e instanceof PipelineError && /params\.yaml:\d+:\d+: invalid YAML/.test(e.message));
  });

  test('outs missing and modified; metrics are outs too', () => {
    lockNow(TRAIN());
    fs.rmSync(path.join(root, 'model.onnx'));
    write('metrics.json', '{"auc": 0.8}');
    const st = statusOf(TRAIN());
    assert.deepEqual(st.changes, [
      { kind: 'outs', path: 'model.onnx', change: 'missing' },
      { kind: 'outs', path: 'metrics.json', change: 'modified' },
    ]);
    assert.deepEqual(st.reasons, ['outs missing: model.onnx', 'outs changed: metrics.json']);
  });

  test('a cache: false out is never hashed (edits ignored) but reported when missing', () => {
    lockNow(TRAIN());
    write('train.log', 'a much longer log than before');
    const ctx = ctxOf(TRAIN());
    assert.equal(stageStatus(ctx, TRAIN()).state, 'up-to-date');
    assert.equal(ctx.hasher.stats.misses, 0);
    fs.rmSync(path.join(root, 'train.log'));
    assert.deepEqual(statusOf(TRAIN()).reasons, ['outs missing: train.log']);
  });

  test('an out added to the definition, and one dropped from it', () => {
    lockNow(TRAIN());
    write('extra.bin', 'x');
    const s = mkStage('train', { ...TRAIN(), outs: [out('model.onnx'), out('train.log', { cache: false }), out('extra.bin')] });
    assert.deepEqual(statusOf(s).reasons, ['outs added: extra.bin', 'outs removed: metrics.json']);
  });

  test('several paths of one kind share a line', () => {
    lockNow(TRAIN());
    write('data/raw/x.csv', 'new');
    write('data/dir/one.txt', 'new');
    assert.deepEqual(statusOf(TRAIN()).reasons, ['deps changed: data/raw/x.csv, data/dir (one.txt)']);
  });

  test('frozen: state frozen whatever changed (changes still listed)', () => {
    const s = mkStage('train', { ...TRAIN(), frozen: true });
    assert.equal(statusOf(s).state, 'frozen');
    lockNow(s);
    write('data/raw/x.csv', 'new');
    const st = statusOf(s);
    assert.equal(st.state, 'frozen');
    assert.deepEqual(st.reasons, ['deps changed: data/raw/x.csv']);
  });

  test('always_changed: changed even when nothing else did', () => {
    const s = mkStage('train', { ...TRAIN(), alwaysChanged: true });
    lockNow(s);
    const st = statusOf(s);
    assert.equal(st.state, 'changed');
    assert.deepEqual(st.changes, [{ kind: 'always-changed' }]);
    assert.deepEqual(st.reasons, ['always changed']);
  });
});

describe('executions in the status', () => {
  const id = 'proj/dvc.yaml';
  test('failed when the last execution failed and the stage is not up to date; up to date otherwise', () => {
    const e = store.pipeline.startExecution({ pipeline: id, stage: 'train', runId: 'r', pid: process.pid });
    store.pipeline.finishExecution(e, { state: 'failed', exitCode: 1, error: 'exit code 1' });
    const st = statusOf(TRAIN());
    assert.equal(st.state, 'failed');
    assert.deepEqual(st.reasons, ['failed: exit code 1', 'never run']);
    assert.deepEqual([st.lastError, st.lastExitCode], ['exit code 1', 1]);
    lockNow(TRAIN());
    const ok0 = statusOf(TRAIN());
    assert.deepEqual([ok0.state, ok0.reasons, ok0.lastError], ['up-to-date', [], undefined]);
    write('data/raw/x.csv', 'new');
    assert.deepEqual(statusOf(TRAIN()).reasons, ['failed: exit code 1', 'deps changed: data/raw/x.csv']);
    const other = store.pipeline.startExecution({ pipeline: id, stage: 'train', pid: process.pid });
    store.pipeline.finishExecution(other, { state: 'failed', exitCode: 2 }); // no error text: the exit code says it
    assert.deepEqual(statusOf(TRAIN()).reasons.slice(0, 1), ['failed: exit code 2']);
    const ok = store.pipeline.startExecution({ pipeline: id, stage: 'train', pid: process.pid });
    store.pipeline.finishExecution(ok, { state: 'succeeded', exitCode: 0 });
    assert.equal(statusOf(TRAIN()).state, 'changed');
  });

  test('running while the recorded process lives; a dead one is marked killed by pipelineStatus', async () => {
    const live = store.pipeline.startExecution({ pipeline: id, stage: 'train', pid: process.pid });
    assert.equal(statusOf(TRAIN()).state, 'running');
    store.pipeline.finishExecution(live, { state: 'killed' });
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise(r => child.on('exit', r));
    const dead = store.pipeline.startExecution({ pipeline: id, stage: 'train', pid: child.pid! });
    const { dag, stages } = pipelineStatus(store, ws, pipeline(TRAIN()));
    assert.deepEqual(dag.order, ['train']);
    assert.equal(stages[0]!.state, 'never-run');
    assert.equal(store.pipeline.execution(dead)!.state, 'killed');
  });
});

describe('pipelineStatus', () => {
  test('every stage in definition order, with the dag; only the changed stage is reported changed', () => {
    write('prep.py', 'p');
    const prep = mkStage('prep', { cmd: ['python prep.py'], deps: ['prep.py', 'data/raw/x.csv'], outs: [out('data/dir')] });
    const train = mkStage('train', { deps: ['data/dir'], outs: [out('model.onnx')] });
    const p = pipeline(train, prep);
    lockNow(prep);
    lockNow(train);
    let r = pipelineStatus(store, ws, p);
    assert.deepEqual(r.dag.order, ['prep', 'train']);
    assert.deepEqual(r.stages.map(s => [s.stage, s.state]), [['train', 'up-to-date'], ['prep', 'up-to-date']]);
    write('prep.py', 'p2');
    r = pipelineStatus(store, ws, p);
    assert.deepEqual(r.stages.map(s => [s.stage, s.state, s.reasons]), [['train', 'up-to-date', []], ['prep', 'changed', ['deps changed: prep.py']]]);
    store.pipeline.deleteLock('proj/dvc.yaml', 'prep');
  });
});
