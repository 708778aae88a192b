// `repro`: runs the stages of a pipeline that are not up to date, in topological order, independent ones in
// parallel up to `jobs`, each execution tracked as a run. A failure stops new stages from starting (running ones
// finish); cancelling kills the running stages' process trees. Our own lock is saved only after a success.
import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from '../engine';
import { buildDag, closure } from './dag';
import { missingInputs, missingInputsError, producerOf } from './missingInputs';
import { runStageCommands } from './stageProcess';
import { ensureExperiment, finishStageRun, pipelineExperimentName, stageLogFile, startStageRun } from './stageTracking';
import { currentLockAsync, stageStatus, statusContext, type StatusCtx } from './status';
import type { Dag, Pipeline, PipelineEvent, Stage } from './types';

export interface ReproOptions {
  /** Stage names (or foreach/matrix group names); default: every stage. */
  targets?: string[];
  /** Default true: targets run with everything upstream of them (as `dvc repro`). */
  upstream?: boolean;
  /** Only the targets, nothing upstream. */
  single?: boolean;
  /** Run the selected stages even when up to date (frozen ones still never run). */
  force?: boolean;
  /** Stages running at once (default 1). */
  jobs?: number;
  /** Plan only: emit the plan, run nothing, change nothing. */
  dry?: boolean;
  /** Given to the stages as MLFLOW_TRACKING_URI. */
  trackingUri: string;
  /** Default `pipeline: <dvc.yaml relative to the workspace>`. */
  experimentName?: string;
  /** Extra environment for the stages (e.g. MLFLOW_TRACKING_TOKEN). */
  env?: Record<string, string>;
  signal?: AbortSignal;
  onEvent?: (e: PipelineEvent) => void;
  /** SIGTERM → SIGKILL delay when cancelling (default 2000 ms). */
  graceMs?: number;
}

export type StageOutcome = 'ran' | 'skipped' | 'failed' | 'killed' | 'not-run';
export interface StageResult { stage: string; outcome: StageOutcome; reasons: string[]; runId?: string; exitCode?: number | null; error?: string; ms?: number }
export interface ReproResult {
  ok: boolean;
  cancelled: boolean;
  ran: string[];
  skipped: string[];
  /** Failed or killed. */
  failed: string[];
  /** Selected but never started (after a failure or cancel). */
  notRun: string[];
  stages: StageResult[];
  experimentId?: string;
}

/** The selected stage names in dag order. */
export function selectStages(dag: Dag, o: Pick<ReproOptions, 'targets' | 'upstream' | 'single'>): string[] {
  if (!o.targets?.length) return [...dag.order];
  if (o.single || o.upstream === false) {
    const want = new Set(o.targets.flatMap(t => (dag.upstream.has(t) ? [t] : closure(dag, [t], 'upstream').filter(n => n.startsWith(`${t}@`)))));
    return dag.order.filter(n => want.has(n));
  }
  return closure(dag, o.targets, 'upstream');
}

function rmOut(root: string, rel: string): void {
  fs.rmSync(path.resolve(root, rel), { recursive: true, force: true });
}

export async function reproduce(engine: Engine, workspace: string, p: Pipeline, opts: ReproOptions): Promise<ReproResult> {
  const emit = (e: PipelineEvent) => { try { opts.onEvent?.(e); } catch { /* a listener's bug never stops a run */ } };
  const dag = buildDag(p);
  const selected = selectStages(dag, opts);
  const byName = new Map(p.stages.map(s => [s.name, s]));
  const chosen = new Set(selected);
  const ups = (n: string) => dag.upstream.get(n)!.filter(u => chosen.has(u));
  engine.store.pipeline.markStaleRunning();
  const ctx: StatusCtx = { ...statusContext(engine.store, workspace, p), executions: undefined };

  // The plan: what runs now, and what may run once its upstream has (re-checked right before it starts).
  const plan = new Map<string, { action: 'run' | 'skip'; reasons: string[] }>();
  for (const name of selected) {
    const s = byName.get(name)!;
    if (s.frozen) { plan.set(name, { action: 'skip', reasons: ['frozen'] }); continue; }
    if (opts.force) { plan.set(name, { action: 'run', reasons: ['forced'] }); continue; }
    const st = stageStatus(ctx, s);
    if (st.state !== 'up-to-date') { plan.set(name, { action: 'run', reasons: st.reasons.length ? st.reasons : [st.state] }); continue; }
    const runningUp = ups(name).filter(u => plan.get(u)?.action === 'run');
    plan.set(name, runningUp.length ? { action: 'run', reasons: [`upstream will run: ${runningUp.join(', ')}`] } : { action: 'skip', reasons: ['up to date'] });
  }
  emit({ type: 'plan', stages: selected.map(stage => ({ stage, ...plan.get(stage)! })) });

  const results = new Map<string, StageResult>();
  const finish = (): ReproResult => {
    const stages = selected.map(n => results.get(n) ?? { stage: n, outcome: 'not-run' as const, reasons: [] });
    const of = (...o: StageOutcome[]) => stages.filter(s => o.includes(s.outcome)).map(s => s.stage);
    const cancelled = !!opts.signal?.aborted;
    const r: ReproResult = { ok: !cancelled && !of('failed', 'killed').length, cancelled, ran: of('ran'), skipped: of('skipped'), failed: of('failed', 'killed'), notRun: of('not-run'), stages, experimentId };
    emit({ type: 'done', ok: r.ok, ran: r.ran, skipped: r.skipped, failed: r.failed, cancelled });
    return r;
  };
  let experimentId: string | undefined;
  if (opts.dry) {
    for (const [stage, x] of plan) if (x.action === 'skip') results.set(stage, { stage, outcome: 'skipped', reasons: x.reasons });
    return finish();
  }

  const jobs = Math.max(1, Math.floor(opts.jobs ?? 1));
  const running = new Map<string, Promise<void>>();
  let stop = false;
  const start = (name: string) => {
    const s = byName.get(name)!;
    const task = runOne(s).catch((e: unknown): StageResult => {
      // e.g. a params file that became malformed while upstream stages ran
      const error = (e as Error).message;
      emit({ type: 'stage-end', stage: name, state: 'failed', exitCode: null, runId: '', ms: 0, error });
      return { stage: name, outcome: 'failed', reasons: [], error };
    }).then(r => {
      results.set(name, r);
      if (r.outcome === 'failed' || r.outcome === 'killed') stop = true;
    }).finally(() => running.delete(name));
    running.set(name, task);
  };

  const runOne = async (s: Stage): Promise<StageResult> => {
    const skip = (reasons: string[]): StageResult => { emit({ type: 'stage-skip', stage: s.name, reasons }); return { stage: s.name, outcome: 'skipped', reasons }; };
    const planned = plan.get(s.name)!;
    if (s.frozen) return { stage: s.name, outcome: 'skipped', reasons: ['frozen'] };
    let reasons = planned.reasons;
    if (!opts.force) {
      const st = stageStatus(ctx, s);
      if (st.state === 'up-to-date') return planned.action === 'skip' ? { stage: s.name, outcome: 'skipped', reasons: ['up to date'] } : skip(['up to date']);
      if (st.state === 'running') {
        const error = 'the stage is already running in another process';
        emit({ type: 'stage-end', stage: s.name, state: 'failed', exitCode: null, runId: '', ms: 0, error });
        return { stage: s.name, outcome: 'failed', reasons: [], error };
      }
      reasons = st.reasons.length ? st.reasons : [st.state];
    }
    // As DVC: a stage whose deps or params are missing (now that its upstream has run) is not run at all.
    const missing = missingInputsError(missingInputs(p.root, s), dep => producerOf(p.stages, s, dep));
    if (missing) {
      emit({ type: 'stage-end', stage: s.name, state: 'failed', exitCode: null, runId: '', ms: 0, error: missing });
      return { stage: s.name, outcome: 'failed', reasons, error: missing };
    }
    return execute(s, reasons);
  };

  const execute = async (s: Stage, reasons: string[]): Promise<StageResult> => {
    const t0 = Date.now();
    let runId = '';
    let execId: number | undefined;
    const end = (outcome: 'ran' | 'failed' | 'killed', exitCode: number | null, error?: string): StageResult => {
      const ms = Date.now() - t0;
      if (execId !== undefined) {
        try { engine.store.pipeline.finishExecution(execId, { state: outcome === 'ran' ? 'succeeded' : outcome, exitCode, error }); } catch { /* store closed */ }
      }
      emit({ type: 'stage-end', stage: s.name, state: outcome === 'ran' ? 'succeeded' : outcome, exitCode, runId, ms, ...(error ? { error } : {}) });
      return { stage: s.name, outcome, reasons, runId, exitCode, ms, ...(error ? { error } : {}) };
    };
    try {
      for (const o of s.outs) if (!o.persist) rmOut(p.root, o.path);
      experimentId ??= ensureExperiment(engine, opts.experimentName || pipelineExperimentName(workspace, p));
      const deps = Object.fromEntries(s.deps.map(d => [d, ctx.hasher.hash(path.resolve(p.root, d)) ?? 'missing']));
      ctx.hasher.flush();
      runId = startStageRun(engine, { workspace, pipeline: p, stage: s, experimentId, deps });
      execId = engine.store.pipeline.startExecution({ pipeline: ctx.id, stage: s.name, runId, pid: process.pid });
    } catch (e) {
      const error = (e as Error).message;
      if (runId) tryFinishRun(runId, s, 'FAILED', error);
      return end('failed', null, error);
    }
    emit({ type: 'stage-start', stage: s.name, runId, cmd: s.cmd.join('\n') });
    const logFile = stageLogFile(engine, runId);
    const res = await runStageCommands({
      cmds: s.cmd, cwd: path.resolve(p.root, s.wdir || '.'), logFile, signal: opts.signal, graceMs: opts.graceMs,
      env: { ...opts.env, MLFLOW_TRACKING_URI: opts.trackingUri, MLFLOW_EXPERIMENT_ID: experimentId, MLFLOW_RUN_ID: runId },
      onOutput: (stream, text) => emit({ type: 'output', stage: s.name, stream, text }),
    });
    if (res.killed) {
      tryFinishRun(runId, s, 'KILLED', 'cancelled', logFile);
      return end('killed', res.exitCode, 'cancelled');
    }
    if (res.error || res.exitCode !== 0) {
      const error = res.error ?? (res.signal ? `killed by ${res.signal}` : `exit code ${res.exitCode}`) + (s.cmd.length > 1 && res.failedCmd ? `: ${res.failedCmd}` : '');
      tryFinishRun(runId, s, 'FAILED', error, logFile);
      return end('failed', res.exitCode, error);
    }
    const missing = s.outs.filter(o => !fs.existsSync(path.resolve(p.root, o.path))).map(o => o.path);
    if (missing.length) {
      const error = `outs missing after run: ${missing.join(', ')}`;
      tryFinishRun(runId, s, 'FAILED', error, logFile);
      return end('failed', 0, error);
    }
    try {
      const lock = await currentLockAsync(ctx, s, runId);
      engine.store.pipeline.putLock(ctx.id, s.name, lock);
      tryFinishRun(runId, s, 'FINISHED', undefined, logFile, lock.outs);
      return end('ran', 0);
    } catch (e) {
      const error = `could not record the result: ${(e as Error).message}`;
      tryFinishRun(runId, s, 'FAILED', error, logFile);
      return end('failed', 0, error);
    }
  };

  const tryFinishRun = (runId: string, s: Stage, status: 'FINISHED' | 'FAILED' | 'KILLED', error?: string, logFile?: string, outs?: Record<string, string>) => {
    try { finishStageRun(engine, runId, { pipeline: p, stage: s, status, error, logFile, outs }); } catch { /* the run may be gone; the lock decides */ }
  };

  // Scheduler: start every stage whose selected upstream is done, up to `jobs` at once, in dag order.
  for (;;) {
    if (!stop && !opts.signal?.aborted) {
      for (const name of selected) {
        if (running.size >= jobs) break;
        if (results.has(name) || running.has(name)) continue;
        if (ups(name).some(u => !results.has(u))) continue;
        start(name);
      }
    }
    if (!running.size) break;
    await Promise.race(running.values());
  }
  return finish();
}
