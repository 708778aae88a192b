// The pipeline model shared by definition (dvc.yaml → stages), dag, status, executor, server and CLI.
// Paths inside a Stage are relative to the pipeline root (the folder holding dvc.yaml), posix separators.

export interface SourcePos { file: string; line: number; col: number } // 1-based

/** Any problem with a pipeline definition: message plus where (file:line:col). Never thrown for runtime failures. */
export class PipelineError extends Error {
  readonly reason: string;
  constructor(message: string, readonly file: string, readonly line = 1, readonly col = 1, readonly stages: string[] = []) {
    super(`${file}:${line}:${col}: ${message}`);
    this.name = 'PipelineError';
    this.reason = message;
  }
}

export interface OutSpec {
  path: string;
  cache: boolean;   // `cache: false` → not hashed into our state (still must exist after the run)
  persist: boolean; // `persist: true` → not deleted before the stage runs
  kind: 'out' | 'metric' | 'plot';
}

/** `params:` entry: keys of a params file (default params.yaml in the stage's wdir). Empty keys = whole file. */
export interface ParamsDep { file: string; keys: string[] }

export interface Stage {
  /** DVC's names: plain, `name@key` for foreach, `name@v1-v2` for matrix. */
  name: string;
  cmd: string[];
  /** Working directory relative to the pipeline root ('.' by default). */
  wdir: string;
  deps: string[];
  outs: OutSpec[]; // outs + metrics + plots that are files the stage writes
  params: ParamsDep[];
  metrics: string[];
  plots: string[];
  frozen: boolean;
  alwaysChanged: boolean;
  desc?: string;
  pos: SourcePos;
}

export interface Pipeline {
  /** Absolute path of dvc.yaml. */
  file: string;
  /** Absolute path of its folder. */
  root: string;
  stages: Stage[];
}

export interface Dag {
  /** Stage names in a topological order (ties broken by definition order). */
  order: string[];
  upstream: Map<string, string[]>;
  downstream: Map<string, string[]>;
}

/** What we remember of a stage's last successful run (our own lock; DVC's dvc.lock is never written). */
export interface StageLock {
  cmd: string;
  deps: Record<string, string>;   // path → content hash
  params: Record<string, unknown>; // "file:key" → value (JSON)
  outs: Record<string, string>;   // path → content hash (cache: false outs omitted)
  /** Directory deps: relpath → file hash inside each (to name the files that changed); absent above DIR_MANIFEST_MAX files. */
  dirs?: Record<string, Record<string, string>>;
  runId?: string;
  finishedAt: number;
}

export type StageState = 'up-to-date' | 'changed' | 'never-run' | 'frozen' | 'running' | 'failed';

export type Change =
  | { kind: 'never-run' }
  | { kind: 'always-changed' }
  | { kind: 'cmd'; from: string; to: string }
  /** files: for a modified directory, the paths inside it that changed (relative to it; at most a few). */
  | { kind: 'deps'; path: string; change: 'modified' | 'added' | 'removed' | 'missing'; files?: string[]; moreFiles?: number }
  /** key = "file:dotted.key" (file omitted for params.yaml); missing: the key (or, key '', the whole file) is not in the params file. */
  | { kind: 'params'; key: string; from: unknown; to: unknown; missing?: { file: string; key: string } }
  | { kind: 'outs'; path: string; change: 'modified' | 'missing' | 'added' | 'removed' };

export interface StageStatus {
  stage: string;
  state: StageState;
  changes: Change[];
  /** Human lines, e.g. "deps changed: data/raw/x.csv", "params changed: train.lr 0.01 → 0.02", "outs missing: model.onnx". */
  reasons: string[];
  lastRunId?: string;
  lastFinishedAt?: number;
  /** The last execution's failure when the stage is 'failed' (also the reason line "failed: …"). */
  lastError?: string;
  lastExitCode?: number;
}

/** Events the executor emits while reproducing (CLI prints them; tests assert them). */
export type PipelineEvent =
  | { type: 'plan'; stages: { stage: string; action: 'run' | 'skip'; reasons: string[] }[] }
  | { type: 'stage-start'; stage: string; runId: string; cmd: string }
  /** A planned stage found up to date (or frozen) once its upstream had finished: not run. */
  | { type: 'stage-skip'; stage: string; reasons: string[] }
  | { type: 'output'; stage: string; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'stage-end'; stage: string; state: 'succeeded' | 'failed' | 'killed'; exitCode: number | null; runId: string; ms: number; error?: string }
  | { type: 'done'; ok: boolean; ran: string[]; skipped: string[]; failed: string[]; cancelled: boolean };
