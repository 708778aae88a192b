// Stage status against our own lock: up to date when cmd, dep hashes, params values and cached out hashes all
// equal what the last successful run recorded. Reads no file content when nothing changed (stat + hash cache).
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../store/store';
import { pidAlive, type Execution, type PipelineRepo } from '../store/pipelineRepo';
import { dirHash, Hasher } from './hashing';
import { buildDag } from './dag';
import { flatten, loadParamsFile, lookup } from './paramsFile';
import type { Change, Dag, Pipeline, Stage, StageLock, StageState, StageStatus } from './types';
import { reasonsOf } from './statusReasons';
import { missingDeps, missingParams, unproduced, type MissingInputs } from './missingInputs';

/** Directory deps with more files than this keep no per-file manifest in the lock (a change names no files). */
export const DIR_MANIFEST_MAX = 10_000;
/** Files named inside a changed directory dep. */
const CHANGED_FILES_SHOWN = 3;

export interface StatusCtx {
  repo: PipelineRepo;
  hasher: Hasher;
  pipeline: Pipeline;
  /** The key of locks and executions: dvc.yaml relative to the workspace, posix separators. */
  id: string;
  /** Latest execution per stage, read once per pass; read from the repo per stage when absent. */
  executions?: Map<string, Execution>;
}

/** dvc.yaml relative to the workspace, posix separators (how the store names a pipeline). */
export function pipelineId(workspace: string, file: string): string {
  return path.relative(path.resolve(workspace), path.resolve(file)).split(path.sep).join('/');
}

export function statusContext(store: Store, workspace: string, p: Pipeline): StatusCtx {
  const id = pipelineId(workspace, p.file);
  return { repo: store.pipeline, hasher: new Hasher(store.pipeline), pipeline: p, id, executions: store.pipeline.lastExecutions(id) };
}

/** Status of every stage (definition order) after marking executions of dead processes 'killed'. */
export function pipelineStatus(store: Store, workspace: string, p: Pipeline): { dag: Dag; stages: StageStatus[] } {
  const dag = buildDag(p);
  store.pipeline.markStaleRunning();
  const ctx = statusContext(store, workspace, p);
  const stages = p.stages.map(s => stageStatus(ctx, s));
  ctx.hasher.flush();
  return { dag, stages };
}

export function stageStatus(ctx: StatusCtx, stage: Stage): StageStatus {
  const lock = ctx.repo.getLock(ctx.id, stage.name);
  const exec = ctx.executions ? ctx.executions.get(stage.name) : ctx.repo.lastExecutions(ctx.id).get(stage.name);
  const base = { stage: stage.name, lastRunId: lock?.runId, lastFinishedAt: lock?.finishedAt };
  if (exec?.state === 'running' && exec.pid !== undefined && pidAlive(exec.pid)) {
    return { ...base, state: 'running', changes: [], reasons: [] };
  }
  // With a lock, compare() finds missing deps while hashing them; params keys are looked up either way.
  const root = ctx.pipeline.root;
  const changes = lock
    ? compare(ctx, stage, lock, { deps: [], params: missingParams(root, stage) })
    : [{ kind: 'never-run' } as Change, ...missingChanges(stage, unproduced({ deps: missingDeps(root, stage), params: missingParams(root, stage) }, ctx.pipeline.stages, stage))];
  if (stage.alwaysChanged) changes.unshift({ kind: 'always-changed' });
  ctx.hasher.flush();
  let state: StageState = !lock ? 'never-run' : changes.length ? 'changed' : 'up-to-date';
  const reasons = reasonsOf(changes);
  let failure: Pick<StageStatus, 'lastError' | 'lastExitCode'> = {};
  if (state !== 'up-to-date' && exec?.state === 'failed') {
    state = 'failed';
    const lastError = exec.error ?? (exec.exitCode !== undefined ? `exit code ${exec.exitCode}` : 'unknown error');
    failure = { lastError, ...(exec.exitCode !== undefined ? { lastExitCode: exec.exitCode } : {}) };
    reasons.unshift(`failed: ${lastError}`);
  }
  if (stage.frozen) state = 'frozen';
  return { ...base, state, changes, reasons, ...failure };
}

/** Missing deps and params as changes (a stage that never ran still says what it lacks). */
function missingChanges(stage: Stage, m: MissingInputs): Change[] {
  return [
    ...m.deps.map(p => ({ kind: 'deps', path: p, change: 'missing' }) as const),
    ...m.params.map(x => ({ kind: 'params', key: x.key ? displayKey(stage, `${x.file}:${x.key}`) : x.file, from: undefined, to: undefined, missing: x }) as const),
  ];
}

/** What a successful run leaves behind: the lock to store (cache: false outs and missing paths omitted). */
export function currentLock(ctx: StatusCtx, stage: Stage, runId?: string): StageLock {
  const hash = (rel: string) => ctx.hasher.hash(abs(ctx, rel));
  const lock = buildLock(stage, paramValues(ctx.pipeline.root, stage), stage.deps.map(hash), cachedOuts(stage).map(hash), runId);
  addManifests(ctx, lock);
  ctx.hasher.flush();
  return lock;
}

/** currentLock with large files hashed on worker threads (does not block the event loop for long). */
export async function currentLockAsync(ctx: StatusCtx, stage: Stage, runId?: string): Promise<StageLock> {
  const hash = (rel: string) => ctx.hasher.hashAsync(abs(ctx, rel));
  const [deps, outs] = await Promise.all([Promise.all(stage.deps.map(hash)), Promise.all(cachedOuts(stage).map(hash))]);
  const lock = buildLock(stage, paramValues(ctx.pipeline.root, stage), deps, outs, runId);
  addManifests(ctx, lock); // every file hash is cached by now: a walk and a stat per file
  ctx.hasher.flush();
  return lock;
}

/** The per-file hashes of each directory dep (up to DIR_MANIFEST_MAX files), so a later change can name files. */
function addManifests(ctx: StatusCtx, lock: StageLock): void {
  for (const [dep, h] of Object.entries(lock.deps)) {
    if (!h.endsWith('.dir')) continue;
    const m = ctx.hasher.manifest(abs(ctx, dep));
    if (!m || m.size > DIR_MANIFEST_MAX || dirHash([...m]) !== h) continue; // changed while hashing: name nothing
    (lock.dirs ??= {})[dep] = Object.fromEntries(m);
  }
}

/** Files inside a directory dep that differ from the lock's manifest (added, removed or modified), sorted. */
function changedFiles(ctx: StatusCtx, dep: string, before: Record<string, string>): { files: string[]; moreFiles?: number } | undefined {
  const now = ctx.hasher.manifest(abs(ctx, dep));
  if (!now) return undefined;
  const names = new Set([...Object.keys(before), ...now.keys()]);
  const changed = [...names].filter(n => before[n] !== now.get(n)).sort();
  if (!changed.length) return undefined;
  const more = changed.length - CHANGED_FILES_SHOWN;
  return { files: changed.slice(0, CHANGED_FILES_SHOWN), ...(more > 0 ? { moreFiles: more } : {}) };
}

function buildLock(stage: Stage, params: Map<string, unknown>, deps: (string | undefined)[], outs: (string | undefined)[], runId?: string): StageLock {
  const lock: StageLock = { cmd: stage.cmd.join('\n'), deps: {}, params: {}, outs: {}, finishedAt: Date.now() };
  if (runId) lock.runId = runId;
  stage.deps.forEach((d, i) => { if (deps[i] !== undefined) lock.deps[d] = deps[i]!; });
  cachedOuts(stage).forEach((o, i) => { if (outs[i] !== undefined) lock.outs[o] = outs[i]!; });
  for (const [k, v] of params) if (v !== undefined) lock.params[k] = v;
  return lock;
}

const abs = (ctx: StatusCtx, rel: string) => path.resolve(ctx.pipeline.root, rel);
const cachedOuts = (s: Stage) => s.outs.filter(o => o.cache).map(o => o.path);

/**
 * Current params values keyed "file:dotted.key" (file relative to the pipeline root); undefined for a
 * key (or file) that is missing. A ParamsDep without keys stands for every leaf of the file.
 * A malformed params file throws its PipelineError (file:line:col).
 */
export function paramValues(root: string, stage: Stage): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const dep of stage.params) {
    const file = path.resolve(root, dep.file);
    const data = fs.existsSync(file) ? loadParamsFile(file) : undefined;
    if (!dep.keys.length) {
      if (data !== undefined) for (const [k, v] of Object.entries(flatten(data))) out.set(`${dep.file}:${k}`, v);
      continue;
    }
    for (const key of dep.keys) {
      const hit = data === undefined ? { found: false } : lookup(data, key);
      out.set(`${dep.file}:${key}`, hit.found ? hit.value : undefined);
    }
  }
  return out;
}

function compare(ctx: StatusCtx, stage: Stage, lock: StageLock, missing: MissingInputs): Change[] {
  const changes: Change[] = [];
  const cmd = stage.cmd.join('\n');
  if (cmd !== lock.cmd) changes.push({ kind: 'cmd', from: lock.cmd, to: cmd });
  ctx.hasher.prefetch([...stage.deps, ...cachedOuts(stage)].map(p => abs(ctx, p)));

  for (const dep of stage.deps) {
    const h = ctx.hasher.hash(abs(ctx, dep));
    if (h === undefined) changes.push({ kind: 'deps', path: dep, change: 'missing' });
    else if (!(dep in lock.deps)) changes.push({ kind: 'deps', path: dep, change: 'added' });
    else if (lock.deps[dep] !== h) {
      const inside = h.endsWith('.dir') && lock.dirs?.[dep] ? changedFiles(ctx, dep, lock.dirs[dep]) : undefined;
      changes.push({ kind: 'deps', path: dep, change: 'modified', ...inside });
    }
  }
  for (const dep of Object.keys(lock.deps)) if (!stage.deps.includes(dep)) changes.push({ kind: 'deps', path: dep, change: 'removed' });

  const params = paramValues(ctx.pipeline.root, stage);
  for (const k of Object.keys(lock.params)) if (!params.has(k)) params.set(k, undefined);
  const missingKeys = new Map(missing.params.filter(m => m.key).map(m => [`${m.file}:${m.key}`, m]));
  for (const [k, to] of params) {
    const from = lock.params[k];
    const m = missingKeys.get(k);
    if (m) changes.push({ kind: 'params', key: displayKey(stage, k), from, to: undefined, missing: m });
    else if (stableJson(from) !== stableJson(to)) changes.push({ kind: 'params', key: displayKey(stage, k), from, to });
  }
  for (const m of missing.params) if (!m.key) changes.push({ kind: 'params', key: m.file, from: undefined, to: undefined, missing: m });

  for (const out of stage.outs) {
    if (!out.cache) {
      if (!fs.existsSync(abs(ctx, out.path))) changes.push({ kind: 'outs', path: out.path, change: 'missing' });
      continue;
    }
    const h = ctx.hasher.hash(abs(ctx, out.path));
    if (h === undefined) changes.push({ kind: 'outs', path: out.path, change: 'missing' });
    else if (!(out.path in lock.outs)) changes.push({ kind: 'outs', path: out.path, change: 'added' });
    else if (lock.outs[out.path] !== h) changes.push({ kind: 'outs', path: out.path, change: 'modified' });
  }
  const cached = new Set(cachedOuts(stage));
  for (const out of Object.keys(lock.outs)) if (!cached.has(out)) changes.push({ kind: 'outs', path: out, change: 'removed' });
  return changes;
}

/** "params.yaml:train.lr" → "train.lr" for the stage's default params file; other files keep their name. */
function displayKey(stage: Stage, key: string): string {
  const colon = key.indexOf(':');
  const def = path.posix.join(stage.wdir || '.', 'params.yaml');
  return path.posix.normalize(key.slice(0, colon)) === def ? key.slice(colon + 1) : key;
}

/** JSON with sorted object keys, so equal values compare equal whatever their key order. */
function stableJson(v: unknown): string {
  if (v === undefined) return 'undefined';
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x);
}
