// Typed host ⇄ webview messages, one contract per panel. The webview sends `ready` first; the host sends
// nothing before it. Types only.
import type { FileInfo, Run } from './dto';

/** A run flattened for tables and charts. */
export interface RunSummary {
  runId: string;
  name: string;
  experimentId: string;
  experimentName: string;
  status: string;
  startTime: number;
  endTime?: number;
  metrics: Record<string, number | string>;
  params: Record<string, string>;
  tags: Record<string, string>;
}

/** One series: [step, value, timestamp] triples, already down-sampled by the engine (≤ ~2,000 points). */
export interface Series {
  runId: string;
  runName: string;
  points: [number, number, number][];
}

// ---- metric charts panel ----
export type ChartsToHost =
  | { type: 'ready' }
  | { type: 'openRun'; runId: string };
export type ChartsToWebview =
  | { type: 'charts'; title: string; runs: { runId: string; name: string; startTime: number; status: string }[]; metrics: Record<string, Series[]> }
  | { type: 'error'; message: string };

// ---- runs table panel ----
export type RunsTableToHost =
  | { type: 'ready' }
  | { type: 'query'; filter: string; orderBy: string[] }
  | { type: 'openRun'; runId: string }
  | { type: 'compare'; runIds: string[] }
  | { type: 'plot'; runIds: string[] };
export type RunsTableToWebview =
  | { type: 'runs'; experimentNames: string[]; runs: RunSummary[]; filter: string; total: number; elapsedMs: number }
  | { type: 'filterError'; message: string; offset?: number }
  | { type: 'error'; message: string };

// ---- run panel ----
export type RunToHost =
  | { type: 'ready' }
  | { type: 'openArtifact'; path: string }
  | { type: 'plot' };
export type RunToWebview =
  | { type: 'run'; run: Run; experimentName: string; artifacts: FileInfo[] }
  | { type: 'error'; message: string };

// ---- compare panel ----
export type CompareToHost =
  | { type: 'ready' }
  | { type: 'openRun'; runId: string };
export type CompareToWebview =
  | { type: 'compare'; runs: RunSummary[] }
  | { type: 'error'; message: string };

/** State a panel keeps across reloads (webview setState/getState and the panel serializer). */
export interface PanelState {
  runIds?: string[];
  experimentIds?: string[];
  filter?: string;
}

// ---- notebook run card renderer (application/vnd.mlops.run+json) ----
/** The output item's JSON: `{"run_id": "..."}` (what the Python one-liner displays). */
export interface RunCardItem {
  run_id: string;
}
export type RunCardToHost = { type: 'subscribe'; runId: string } | { type: 'unsubscribe'; runId: string };
export interface RunCard {
  runId: string;
  name: string;
  status: string;
  experimentName: string;
  startTime: number;
  endTime?: number;
  params: Record<string, string>;
  /** Per metric key: the latest value and a down-sampled series of [step, value]. */
  metrics: Record<string, { latest: number | string; points: [number, number][] }>;
}
export type RunCardToRenderer = { type: 'card'; card: RunCard } | { type: 'cardError'; runId: string; message: string };

// ---- lineage panel ----
export type LineageToHost = { type: 'ready' } | { type: 'openRun'; runId: string };
export type LineageToWebview = {
  type: 'lineage';
  version: import('./dto').ModelVersion;
  lineage: import('./dto').Lineage;
  audit: import('./dto').AuditEntry[];
};

// ---- pipeline DAG panel ----
export type DagStageState = import('./dto').StageStateDto;
export interface DagStage {
  name: string;
  state: DagStageState;
  /** "up to date", "changed: params", … */
  text: string;
  cmd: string;
  desc?: string;
  reasons: string[];
  upstream: string[];
  lastRunId?: string;
}
export type DagToHost =
  | { type: 'ready' }
  | { type: 'run'; file: string; stage: string }
  | { type: 'openRun'; runId: string }
  | { type: 'openDefinition'; file: string; stage: string }
  | { type: 'selectFile'; file: string };
export type DagToWebview =
  | { type: 'dag'; file: string; files: string[]; stages: DagStage[]; error?: string; running: boolean }
  | { type: 'empty'; message: string };
/** What the DAG panel keeps across reloads. */
export interface DagState extends PanelState { file?: string; selected?: string }

// ---- drift report panel ----
/** One stored check of a monitor as the history chart draws it (newest first, as the engine answers). */
export type DriftHistoryCheck = import('./dto').MonitorHistoryResponse['checks'][number];
export interface DriftReportMessage {
  type: 'report';
  report: import('./dto').DriftReport;
  /** The monitor the check belongs to (re-run and history need it). */
  monitor?: string;
  checkId?: number;
  /** The monitor's stored checks, newest first; absent for an ad-hoc comparison. */
  history?: DriftHistoryCheck[];
  /** Scroll to this section ("Open History"). */
  focus?: 'history';
}
export type DriftToHost =
  | { type: 'ready' }
  | { type: 'runCheck'; monitor: string }
  | { type: 'openCheck'; id: number }
  | { type: 'openSource'; source: string };
export type DriftToWebview =
  | DriftReportMessage
  | { type: 'loading'; message: string }
  | { type: 'error'; message: string };
/** What the drift panel keeps across reloads: which check (the host reloads it) and the UI's choices. */
export interface DriftState extends PanelState {
  checkId?: number;
  monitor?: string;
  /** Columns whose detail (histogram, history) is open. */
  expanded?: string[];
  /** Scroll to the history once the report is shown ("Open History"); the host's, not persisted. */
  focus?: 'history';
}
