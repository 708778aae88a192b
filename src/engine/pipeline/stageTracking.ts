// Every stage execution is a run: one experiment per pipeline, run name = stage name, the stage's params and
// lineage (deps/outs hashes, cmd) as params and tags; afterwards its metrics files, plots and log.
// The stage itself may log into the same run (MLFLOW_RUN_ID): what it logged wins over what we would add.
import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from '../engine';
import type { KeyValue, RunStatus } from '../../shared/dto';
import type { MetricPoint } from '../store/metricsRepo';
import { LIMITS } from '../tracking/validate';
import { flatten } from './paramsFile';
import { paramValues } from './status';
import { readMetricsFile, readPlotFile, safeKey } from './stageMetrics';
import type { Pipeline, Stage } from './types';

export const TAG = {
  file: 'mlops.pipeline.file',
  stage: 'mlops.pipeline.stage',
  cmd: 'mlops.pipeline.cmd',
  deps: 'mlops.pipeline.deps',
  outs: 'mlops.pipeline.outs',
  error: 'mlops.error',
} as const;

const posix = (p: string) => p.split(path.sep).join('/');

/** dvc.yaml's path relative to the workspace (posix), or absolute when outside it. */
export function pipelineRelPath(workspace: string, p: Pipeline): string {
  const rel = path.relative(path.resolve(workspace), p.file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? posix(p.file) : posix(rel);
}

export function pipelineExperimentName(workspace: string, p: Pipeline): string {
  return `pipeline: ${pipelineRelPath(workspace, p)}`;
}

/** Id of the active experiment with this name, created when missing. */
export function ensureExperiment(engine: Engine, name: string): string {
  const found = engine.store.experiments.getByName(name);
  if (found?.lifecycle_stage === 'active') return found.experiment_id;
  if (found) engine.experiments.restore(found.experiment_id);
  return found ? found.experiment_id : engine.experiments.create(name, undefined, []);
}

const paramString = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * The stage's params as run params: "train.lr" for the stage's default params file (<wdir>/params.yaml),
 * "conf/extra.yaml:train.lr" for others; a key naming a mapping is flattened below it. A missing key or an
 * unreadable file is left out (the run still records what it can).
 */
export function stageParamValues(p: Pipeline, stage: Stage): Record<string, string> {
  const out: Record<string, string> = {};
  let values: Map<string, unknown>;
  try { values = paramValues(p.root, stage); } catch { return out; }
  const defaultFile = path.posix.join(stage.wdir || '.', 'params.yaml');
  for (const [k, v] of values) {
    if (v === undefined) continue;
    const colon = k.indexOf(':');
    const file = k.slice(0, colon);
    const key = k.slice(colon + 1);
    const prefix = path.posix.normalize(file) === defaultFile ? '' : `${file}:`;
    const leaves = v !== null && typeof v === 'object' && !Array.isArray(v) ? flatten(v, key) : { [key]: v };
    for (const [lk, lv] of Object.entries(leaves)) out[safeKey(prefix + lk)] = paramString(lv);
  }
  return out;
}

/** Cuts a value to MLflow's byte limit. */
function clip(s: string, bytes: number): string {
  return Buffer.byteLength(s) <= bytes ? s : `${Buffer.from(s).subarray(0, bytes - 3).toString().replace(/\uFFFD$/, '')}…`;
}

/** path → hash as JSON, dropping entries (and saying how many) when it would exceed the tag limit. */
function hashesTag(h: Record<string, string>): string {
  const entries = Object.entries(h);
  for (let n = entries.length; n >= 0; n--) {
    const obj: Record<string, string | number> = Object.fromEntries(entries.slice(0, n));
    if (n < entries.length) obj['…'] = entries.length - n;
    const s = JSON.stringify(obj);
    if (Buffer.byteLength(s) <= LIMITS.tagValueBytes) return s;
  }
  return '{}';
}

export interface StartStageRun {
  workspace: string;
  pipeline: Pipeline;
  stage: Stage;
  experimentId: string;
  /** dep path → content hash, as known before the run. */
  deps?: Record<string, string>;
}

/** Creates the RUNNING run for a stage execution; returns its id. */
export function startStageRun(engine: Engine, o: StartStageRun): string {
  const tags: KeyValue[] = [
    { key: TAG.file, value: pipelineRelPath(o.workspace, o.pipeline) },
    { key: TAG.stage, value: o.stage.name },
    { key: TAG.cmd, value: clip(o.stage.cmd.join('\n'), LIMITS.tagValueBytes) },
    { key: TAG.deps, value: hashesTag(o.deps ?? {}) },
    { key: 'mlflow.source.type', value: 'PROJECT' },
    { key: 'mlflow.source.name', value: pipelineRelPath(o.workspace, o.pipeline) },
  ];
  const user = process.env.USER ?? process.env.USERNAME;
  return engine.runs.create({ experimentId: o.experimentId, runName: o.stage.name, userId: user, tags }).info.run_id;
}

/** Where the stage's output goes while it runs: the run's `stage.log` artifact, readable live. */
export function stageLogFile(engine: Engine, runId: string): string {
  return path.join(engine.artifacts.localDir(engine.runs.get(runId).info.artifact_uri), 'stage.log');
}

export interface FinishStageRun {
  pipeline: Pipeline;
  stage: Stage;
  status: Extract<RunStatus, 'FINISHED' | 'FAILED' | 'KILLED'>;
  /** The captured output, uploaded as `stage.log`. */
  logFile?: string;
  /** out path → content hash after a successful run. */
  outs?: Record<string, string>;
  error?: string;
}

function logMetricsChunked(engine: Engine, runId: string, points: MetricPoint[]): void {
  for (let i = 0; i < points.length; i += LIMITS.batchMetrics) {
    engine.runData.logBatch(runId, { metrics: points.slice(i, i + LIMITS.batchMetrics), params: [], tags: [] });
  }
}

function copyArtifact(dir: string, rel: string, src: string): void {
  const dst = path.join(dir, ...rel.split('/'));
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  fs.copyFileSync(src, dst);
}

/**
 * Logs params (skipping keys the stage logged itself), metrics and plots (on success, skipping metric keys the stage
 * logged), the log artifact, outs tag and the final status. Problems reading a metrics/plots file become a warning
 * tag, never a failure of the run.
 */
export function finishStageRun(engine: Engine, runId: string, o: FinishStageRun): string[] {
  const warnings: string[] = [];
  const run = engine.runs.get(runId);
  const ownParams = new Set((run.data.params ?? []).map(p => p.key));
  const ownMetrics = new Set((run.data.metrics ?? []).map(m => m.key));
  const params = Object.entries(stageParamValues(o.pipeline, o.stage))
    .filter(([k]) => !ownParams.has(k))
    .map(([key, value]) => ({ key, value: clip(value, LIMITS.paramValueBytes) }));
  for (let i = 0; i < params.length; i += LIMITS.batchParams) {
    engine.runData.logBatch(runId, { metrics: [], params: params.slice(i, i + LIMITS.batchParams), tags: [] });
  }

  const artifactDir = engine.artifacts.localDir(run.info.artifact_uri);
  const now = Date.now();
  if (o.status === 'FINISHED') {
    const metricFiles = [...new Set([...o.stage.metrics, ...o.stage.outs.filter(x => x.kind === 'metric').map(x => x.path)])];
    for (const rel of metricFiles) {
      const file = path.resolve(o.pipeline.root, rel);
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) continue;
      try {
        const points = Object.entries(readMetricsFile(file)).filter(([k]) => !ownMetrics.has(k)).map(([key, value]) => ({ key, value, step: 0, timestamp: now }));
        logMetricsChunked(engine, runId, points);
      } catch (e) { warnings.push(`metrics ${rel}: ${(e as Error).message.split('\n')[0]}`); }
    }
    const plotFiles = [...new Set([...o.stage.plots, ...o.stage.outs.filter(x => x.kind === 'plot').map(x => x.path)])];
    for (const rel of plotFiles) {
      const file = path.resolve(o.pipeline.root, rel);
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) continue;
      try {
        for (const s of readPlotFile(file)) {
          if (ownMetrics.has(s.key)) continue;
          logMetricsChunked(engine, runId, s.points.map(p => ({ key: s.key, value: p.value, step: p.step, timestamp: now })));
        }
        copyArtifact(artifactDir, `plots/${posix(rel).replace(/^(\.\.\/)+/, '')}`, file);
      } catch (e) { warnings.push(`plots ${rel}: ${(e as Error).message.split('\n')[0]}`); }
    }
  }
  if (o.logFile && fs.existsSync(o.logFile) && path.resolve(o.logFile) !== path.join(artifactDir, 'stage.log')) copyArtifact(artifactDir, 'stage.log', o.logFile);

  const tags: KeyValue[] = [];
  if (o.outs) tags.push({ key: TAG.outs, value: hashesTag(o.outs) });
  if (o.error) tags.push({ key: TAG.error, value: clip(o.error, LIMITS.tagValueBytes) });
  if (warnings.length) tags.push({ key: 'mlops.pipeline.warnings', value: clip(warnings.join('\n'), LIMITS.tagValueBytes) });
  if (tags.length) engine.runData.logBatch(runId, { metrics: [], params: [], tags });
  engine.runs.update(runId, { status: o.status, endTime: Date.now() });
  return warnings;
}
