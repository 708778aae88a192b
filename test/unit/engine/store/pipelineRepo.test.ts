// Pipeline state in the store: stage locks, the file hash cache (bigint stat keys) and stage executions.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Store } from '../../../../src/engine/store/store';
import type { StageLock } from '../../../../src/engine/pipeline/types';
import { tempWorkspace } from '../../../helpers/workspace';

const ws = tempWorkspace();
const store = Store.open(ws);
const repo = store.pipeline;
after(() => { store.close(); fs.rmSync(ws, { recursive: true, force: true }); });

const lock = (cmd: string, runId?: string): StageLock =>
  ({ cmd, deps: { 'data/x.csv': 'a'.repeat(32) }, params: { 'params.yaml:train.lr': 0.01, 'params.yaml:layers': [64, 32] }, outs: { 'model.onnx': 'b'.repeat(32) }, runId, finishedAt: 1700000000000 });

describe('stage locks', () => {
  test('put, get (JSON round trip), replace, list, delete; keyed by (pipeline, stage)', () => {
    assert.equal(repo.getLock('dvc.yaml', 'train'), undefined);
    repo.putLock('dvc.yaml', 'train', lock('python train.py', 'r1'));
    repo.putLock('sub/dvc.yaml', 'train', lock('other'));
    assert.deepEqual(repo.getLock('dvc.yaml', 'train'), lock('python train.py', 'r1'));
    repo.putLock('dvc.yaml', 'train', lock('python train.py --v2', 'r2'));
    assert.equal(repo.getLock('dvc.yaml', 'train')!.cmd, 'python train.py --v2');
    assert.equal(repo.getLock('dvc.yaml', 'train')!.runId, 'r2');
    assert.deepEqual([...repo.locks('dvc.yaml').keys()], ['train']);
    assert.equal(repo.getLock('sub/dvc.yaml', 'train')!.cmd, 'other');
    repo.deleteLock('dvc.yaml', 'train');
    assert.equal(repo.getLock('dvc.yaml', 'train'), undefined);
    assert.ok(repo.getLock('sub/dvc.yaml', 'train'), 'the other pipeline keeps its lock');
  });
});

describe('file hash cache', () => {
  test('bigint size/mtime_ns/inode survive the round trip exactly (ns precision, inodes past 2^63)', () => {
    const row = { path: path.join(ws, 'a.bin'), size: 12345678901n, mtimeNs: 1712345678123456789n, inode: 2n ** 63n + 5n, hash: 'c'.repeat(32) };
    repo.putHashes([row]);
    const got = repo.cachedHash(row.path)!;
    assert.equal(got.size, row.size);
    assert.equal(got.mtimeNs, row.mtimeNs);
    assert.equal(got.inode, BigInt.asIntN(64, row.inode), 'stored as signed 64-bit');
    assert.equal(got.hash, row.hash);
  });

  test('bulk get by paths, range get under a directory (not its siblings), upsert and delete in one call', () => {
    const d = path.join(ws, 'data');
    const mk = (p: string, h: string) => ({ path: p, size: 1n, mtimeNs: 2n, inode: 3n, hash: h });
    repo.putHashes([mk(path.join(d, 'a'), '1'), mk(path.join(d, 'sub', 'b'), '2'), mk(`${d}-other${path.sep}c`, '3'), mk(`${d}2`, '4')]);
    assert.deepEqual([...repo.cachedHashesUnder(d).keys()].sort(), [path.join(d, 'a'), path.join(d, 'sub', 'b')]);
    assert.deepEqual([...repo.cachedHashesUnder(d + path.sep).keys()].sort(), [path.join(d, 'a'), path.join(d, 'sub', 'b')]);
    const some = repo.cachedHashes([path.join(d, 'a'), path.join(d, 'nope')]);
    assert.deepEqual([...some.keys()], [path.join(d, 'a')]);
    repo.putHashes([mk(path.join(d, 'a'), 'new')], [path.join(d, 'sub', 'b')]);
    assert.equal(repo.cachedHash(path.join(d, 'a'))!.hash, 'new');
    assert.equal(repo.cachedHash(path.join(d, 'sub', 'b')), undefined);
    assert.ok(repo.cachedHashes().size >= 4);
  });
});

describe('stage executions', () => {
  test('start → finish; lastExecutions gives the newest per stage of one pipeline', () => {
    const a = repo.startExecution({ pipeline: 'p.yaml', stage: 'prep', runId: 'r1', pid: process.pid });
    repo.finishExecution(a, { state: 'failed', exitCode: 2, error: 'exit 2' });
    const b = repo.startExecution({ pipeline: 'p.yaml', stage: 'prep', runId: 'r2', pid: process.pid });
    const c = repo.startExecution({ pipeline: 'p.yaml', stage: 'train', pid: process.pid });
    repo.finishExecution(c, { state: 'succeeded', exitCode: 0 });
    repo.startExecution({ pipeline: 'other.yaml', stage: 'prep', pid: process.pid });
    const last = repo.lastExecutions('p.yaml');
    assert.deepEqual([...last.keys()].sort(), ['prep', 'train']);
    assert.equal(last.get('prep')!.id, b);
    assert.equal(last.get('prep')!.state, 'running');
    assert.equal(last.get('prep')!.runId, 'r2');
    assert.equal(last.get('train')!.exitCode, 0);
    assert.ok(last.get('train')!.endedAt! >= last.get('train')!.startedAt);
    const failed = repo.execution(a)!;
    assert.deepEqual([failed.state, failed.exitCode, failed.error], ['failed', 2, 'exit 2']);
    assert.deepEqual(repo.executions('p.yaml', 'prep').map(e => e.id), [b, a]);
  });

  test('markStaleRunning marks rows of dead processes killed and leaves live ones running', async () => {
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = child.pid!;
    await new Promise(r => child.on('exit', r));
    const dead = repo.startExecution({ pipeline: 'q.yaml', stage: 'dead', pid: deadPid });
    const live = repo.startExecution({ pipeline: 'q.yaml', stage: 'live', pid: process.pid });
    const young = repo.startExecution({ pipeline: 'q.yaml', stage: 'spawning' });
    const old = repo.startExecution({ pipeline: 'q.yaml', stage: 'orphan', startedAt: Date.now() - 120_000 });
    assert.ok(repo.markStaleRunning() >= 2);
    assert.equal(repo.execution(dead)!.state, 'killed');
    assert.match(repo.execution(dead)!.error!, new RegExp(`process ${deadPid} is gone`));
    assert.ok(repo.execution(dead)!.endedAt);
    assert.equal(repo.execution(live)!.state, 'running');
    assert.equal(repo.execution(young)!.state, 'running', 'a row without a pid yet is given a minute');
    assert.equal(repo.execution(old)!.state, 'killed');
    assert.equal(repo.markStaleRunning(), 0, 'idempotent');
  });

  test('the state column refuses unknown states', () => {
    const id = repo.startExecution({ pipeline: 'x', stage: 's', pid: process.pid });
    assert.throws(() => repo.finishExecution(id, { state: 'exploded' as 'failed' }), /CHECK constraint/);
  });
});
