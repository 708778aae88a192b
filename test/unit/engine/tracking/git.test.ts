// Git lineage on new runs: commit, branch, remote URL and dirty flag from a real repository in a temp dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempWorkspace } from '../../../helpers/workspace';
import { Engine } from '../../../../src/engine/engine';
import { GitLineage } from '../../../../src/engine/tracking/git';
import type { Run } from '../../../../src/shared/dto';

const REMOTE = 'https://example.com/acme/models.git';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** A repository with one commit of train.py, a remote origin, on branch feature/lineage. */
function gitWorkspace(): string {
  const ws = tempWorkspace('mlops-git-');
  git(ws, 'init', '-q', '-b', 'main');
  git(ws, 'config', 'user.name', 'Test User');
  git(ws, 'config', 'user.email', 'test@example.com');
  fs.writeFileSync(path.join(ws, 'train.py'), 'print("train")\n');
  git(ws, 'add', 'train.py');
  git(ws, 'commit', '-q', '-m', 'first');
  git(ws, 'remote', 'add', 'origin', REMOTE);
  git(ws, 'checkout', '-q', '-b', 'feature/lineage');
  return ws;
}

function withEngine<T>(ws: string, fn: (e: Engine) => T): T {
  const e = Engine.open(ws); // git lineage is on by default
  try { return fn(e); } finally { e.close(); }
}

const newRun = (e: Engine, tags: { key: string; value: string }[] = []): Run => e.runs.create({ experimentId: '0', tags });
const tagsOf = (r: Run): Record<string, string> => Object.fromEntries(r.data.tags.map(t => [t.key, t.value]));
const gitTags = (r: Run): Record<string, string> =>
  Object.fromEntries(r.data.tags.filter(t => t.key.startsWith('mlflow.source.git.')).map(t => [t.key, t.value]));

test('a new run records commit, branch, remote URL and a clean tree', () => {
  const ws = gitWorkspace();
  const head = git(ws, 'rev-parse', 'HEAD');
  withEngine(ws, e => {
    const run = newRun(e);
    assert.deepEqual(gitTags(run), {
      'mlflow.source.git.commit': head,
      'mlflow.source.git.branch': 'feature/lineage',
      'mlflow.source.git.repoURL': REMOTE,
      'mlflow.source.git.dirty': 'false',
    });
    assert.deepEqual(gitTags(e.runs.get(run.info.run_id)), gitTags(run), 'stored, not only returned');
  });
});

test('the store inside the workspace (.mlops/, untracked) does not make the tree dirty', () => {
  const ws = gitWorkspace();
  withEngine(ws, e => { newRun(e); newRun(e); });
  assert.ok(fs.existsSync(path.join(ws, '.mlops', 'tracking.db')));
  withEngine(ws, e => assert.equal(tagsOf(newRun(e))['mlflow.source.git.dirty'], 'false'));
});

test('after a tracked file changes, a run from a fresh engine is dirty; a new commit shows up too', () => {
  const ws = gitWorkspace();
  const first = withEngine(ws, e => newRun(e));
  assert.equal(tagsOf(first)['mlflow.source.git.dirty'], 'false');
  fs.appendFileSync(path.join(ws, 'train.py'), 'print("changed")\n');
  const dirty = withEngine(ws, e => newRun(e));
  assert.equal(tagsOf(dirty)['mlflow.source.git.dirty'], 'true');
  assert.equal(tagsOf(dirty)['mlflow.source.git.commit'], tagsOf(first)['mlflow.source.git.commit']);
  git(ws, 'commit', '-q', '-am', 'second');
  const after = withEngine(ws, e => newRun(e));
  assert.equal(tagsOf(after)['mlflow.source.git.dirty'], 'false');
  assert.equal(tagsOf(after)['mlflow.source.git.commit'], git(ws, 'rev-parse', 'HEAD'));
  assert.notEqual(tagsOf(after)['mlflow.source.git.commit'], tagsOf(first)['mlflow.source.git.commit']);
});

test('GitLineage caches its answer for its TTL and reads git again after it', async () => {
  const ws = gitWorkspace();
  const cached = new GitLineage(ws, 60_000);
  const short = new GitLineage(ws, 50);
  assert.equal(cached.get()?.dirty, false);
  assert.equal(short.get()?.dirty, false);
  fs.appendFileSync(path.join(ws, 'train.py'), '# edit\n');
  assert.equal(cached.get()?.dirty, false, 'within the TTL the cached answer stands');
  await new Promise(r => setTimeout(r, 120));
  assert.equal(short.get()?.dirty, true, 'past the TTL git is asked again');
});

test('an untracked file alone does not make the tree dirty', () => {
  const ws = gitWorkspace();
  fs.writeFileSync(path.join(ws, 'notes.txt'), 'scratch\n');
  assert.equal(withEngine(ws, e => tagsOf(newRun(e))['mlflow.source.git.dirty']), 'false');
});

test('git tags the client sent itself are not overwritten; the others are still filled in', () => {
  const ws = gitWorkspace();
  withEngine(ws, e => {
    const run = newRun(e, [{ key: 'mlflow.source.git.commit', value: 'c0ffee' }, { key: 'mlflow.source.git.branch', value: 'from-client' }]);
    const t = tagsOf(run);
    assert.equal(t['mlflow.source.git.commit'], 'c0ffee');
    assert.equal(t['mlflow.source.git.branch'], 'from-client');
    assert.equal(t['mlflow.source.git.repoURL'], REMOTE);
    assert.equal(t['mlflow.source.git.dirty'], 'false');
  });
});

test('a detached HEAD records the commit but no branch', () => {
  const ws = gitWorkspace();
  const head = git(ws, 'rev-parse', 'HEAD');
  git(ws, 'checkout', '-q', '--detach');
  const t = withEngine(ws, e => gitTags(newRun(e)));
  assert.equal(t['mlflow.source.git.commit'], head);
  assert.equal('mlflow.source.git.branch' in t, false);
});

test('a repository without a remote records no repoURL', () => {
  const ws = gitWorkspace();
  git(ws, 'remote', 'remove', 'origin');
  const t = withEngine(ws, e => gitTags(newRun(e)));
  assert.ok(t['mlflow.source.git.commit']);
  assert.equal('mlflow.source.git.repoURL' in t, false);
});

test('a workspace that is not a git tree gets no git tags, and neither does an engine with git off', () => {
  const plain = tempWorkspace();
  assert.throws(() => git(plain, 'rev-parse', '--is-inside-work-tree'), 'the temp dir must not sit inside a repository');
  withEngine(plain, e => assert.deepEqual(gitTags(newRun(e)), {}));
  const repo = gitWorkspace();
  const e = Engine.open(repo, { git: false });
  try { assert.deepEqual(gitTags(newRun(e)), {}); } finally { e.close(); }
});

test('a repository with no commit yet gets no git tags', () => {
  const ws = tempWorkspace('mlops-git-');
  git(ws, 'init', '-q');
  withEngine(ws, e => assert.deepEqual(gitTags(newRun(e)), {}));
});
