// MLflow's JSON shapes (as its protos define them), shared by the engine, the TS client, the host and
// the webviews. Types only.
import type { DriftReport, StatTest } from './driftReport';
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export type LifecycleStage = 'active' | 'deleted';
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface KeyValue {
  key: string;
  value: string;
}
export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  creation_time: number;
  last_update_time: number;
  tags: KeyValue[];
}
/** A metric value as MLflow's JSON carries it: NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity". */
export type MetricValue = number | 'NaN' | 'Infinity' | '-Infinity';
/** MLflow's JSON metric value as a number (NaN and ±Infinity travel as strings). */
export function toNumber(v: MetricValue): number {
  return typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity;
}
export interface Metric {
  key: string;
  value: MetricValue;
  timestamp: number;
  step: number;
}
export interface MetricWithRunId extends Metric {
  run_id: string;
}
export interface RunInfo {
  run_id: string;
  run_uuid: string;
  run_name: string;
  experiment_id: string;
  user_id: string;
  status: RunStatus;
  start_time: number;
  end_time?: number;
  artifact_uri: string;
  lifecycle_stage: LifecycleStage;
}
export interface Dataset {
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema?: string;
  profile?: string;
}
export interface DatasetInput {
  tags: KeyValue[];
  dataset: Dataset;
}
export interface ModelOutput {
  model_id: string;
  step: number;
}
export interface Run {
  info: RunInfo;
  data: { metrics: Metric[]; params: KeyValue[]; tags: KeyValue[] };
  inputs: { dataset_inputs: DatasetInput[] };
  outputs?: { model_outputs: ModelOutput[] };
}
export interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}
export type LoggedModelStatus = 'LOGGED_MODEL_STATUS_UNSPECIFIED' | 'LOGGED_MODEL_PENDING' | 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED';
export interface LoggedModel {
  info: {
    model_id: string;
    experiment_id: string;
    name: string;
    artifact_uri: string;
    creation_timestamp_ms: number;
    last_updated_timestamp_ms: number;
    status: LoggedModelStatus;
    status_message?: string;
    creator_id?: string;
    model_type?: string;
    source_run_id?: string;
    tags: KeyValue[];
  };
  data: { params: KeyValue[]; metrics: MetricWithRunId[] };
}

// ---- model registry ----
export type Stage = 'None' | 'Staging' | 'Production' | 'Archived';
export interface ModelVersion {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id: string;
  current_stage: Stage;
  description: string;
  source: string;
  run_id: string;
  status: 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';
  status_message?: string;
  run_link?: string;
  tags: KeyValue[];
  aliases: string[];
}
export interface RegisteredModel {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description: string;
  latest_versions: ModelVersion[];
  tags: KeyValue[];
  aliases: { alias: string; version: string }[];
}
export interface TensorSignature {
  name: string;
  type: string;
  shape: (number | string)[];
}
/** What a version was made from, captured at registration. */
export interface Lineage {
  run?: { run_id: string; run_name: string; experiment_id: string; params: Record<string, string>; metrics: Record<string, number | string> };
  datasets: { name: string; digest: string; source: string; context?: string }[];
  git?: { commit?: string; branch?: string; dirty?: boolean; repo_url?: string };
  onnx?: { file: string; inputs: TensorSignature[]; outputs: TensorSignature[] };
  storage_location: string;
}
export interface GateResult {
  rule: string;
  passed: boolean;
  detail: string;
}
export interface AuditEntry {
  id: number;
  time: number;
  user_id: string;
  name: string;
  version?: string;
  action: 'register' | 'transition' | 'alias' | 'remove_alias' | 'rollback' | 'delete';
  target: string;
  from?: string;
  to?: string;
  reason: string;
  gates: GateResult[];
  overridden: boolean;
}

// ---- pipelines (GET /api/2.0/mlops/pipelines/list and /status; MLOps' own, not MLflow's) ----
export type StageStateDto = 'up-to-date' | 'changed' | 'never-run' | 'frozen' | 'running' | 'failed';
/** A problem in a pipeline definition; `file` relative to the workspace (posix) when inside it; 1-based. */
export interface DefinitionErrorDto { message: string; file: string; line: number; col: number; stages?: string[] }
export interface PipelineListItem { file: string; stages: number; error?: DefinitionErrorDto }
export interface PipelineListResponse { pipelines: PipelineListItem[] }
export type StageChangeDto =
  | { kind: 'never-run' }
  | { kind: 'always-changed' }
  | { kind: 'cmd'; from: string; to: string }
  | { kind: 'deps'; path: string; change: 'modified' | 'added' | 'removed' | 'missing' }
  | { kind: 'params'; key: string; from?: unknown; to?: unknown } // a missing value is absent from the JSON
  | { kind: 'outs'; path: string; change: 'modified' | 'missing' | 'added' | 'removed' };
export interface StageStatusDto {
  stage: string;
  state: StageStateDto;
  changes: StageChangeDto[];
  /** "deps changed: data/raw/x.csv", "params changed: train.lr 0.01 → 0.02", "outs missing: model.onnx", "cmd changed", "never run", "always changed". */
  reasons: string[];
  lastRunId?: string;
  lastFinishedAt?: number;
}
export interface PipelineStageDto {
  name: string;
  cmd: string[];
  wdir: string;
  deps: string[];
  outs: { path: string; cache: boolean; persist: boolean; kind: 'out' | 'metric' | 'plot' }[];
  metrics: string[];
  plots: string[];
  params: { file: string; keys: string[] }[];
  frozen: boolean;
  desc?: string;
  line: number;
  col: number;
  upstream: string[];
  downstream: string[];
  status: StageStatusDto;
}
/** A valid definition gives order + stages; an invalid one (still HTTP 200: the file's problem) gives error. */
export type PipelineStatusDto =
  | { file: string; order: string[]; stages: PipelineStageDto[]; error?: undefined }
  | { file: string; error: DefinitionErrorDto & { stages: string[] }; order?: undefined; stages?: undefined };

// ---- drift monitoring (/api/2.0/mlops/drift/* and /mlops/monitors/*; MLOps' own) ----
// The report itself is the engine's DriftReport (camelCase, as stored); envelopes are snake_case.
export type { DriftReport };
/** A data source: "data/x.csv", "run:<id>[:dataset]", "endpoint:<name>[@60m]", or the monitors.yaml mapping form. */
export type DriftSourceDto = string | { file: string } | { run: string; dataset?: string } | { endpoint: string; window?: string | number };
/** Per-column settings, keyed by column name or "default" (monitors.yaml `thresholds:`). */
export interface DriftColumnSettingsDto { test?: StatTest; threshold?: number; bins?: number; categorical?: boolean; missing?: number; ignore?: boolean }
export interface DriftCheckRequest {
  reference: DriftSourceDto;
  current: DriftSourceDto;
  columns?: string[];
  settings?: Record<string, DriftColumnSettingsDto>;
  drift_share?: number;
  /** Store the check (as an ad-hoc check without a monitor). */
  store?: boolean;
}
export interface DriftCheckResponse { report: DriftReport; check_id?: number }
export interface DriftCheckSummaryDto { id: number; time: number; drift: boolean; drifted_columns: number }
export interface MonitorDto {
  name: string;
  description?: string;
  /** One-line source references ("data/train.csv", "run:<id>:train", "endpoint:iris@60m"). */
  reference: string;
  current: string;
  /** Empty = every column both data sets have. */
  columns: string[];
  schedule_minutes?: number;
  /** The endpoint whose request log is read, when either source is one. */
  endpoint?: string;
  last_check?: DriftCheckSummaryDto;
}
/** A broken monitors.yaml still answers 200: no monitors and the error (file relative to the workspace). */
export interface MonitorListResponse { monitors: MonitorDto[]; error?: { message: string; file: string; line: number; col: number } }
export interface DriftCheckDto { id: number; monitor?: string; time: number; drift: boolean; report: DriftReport }
export interface MonitorRunResponse { check: DriftCheckDto }
export interface DriftColumnResultDto { test: StatTest; statistic?: number; p_value?: number; threshold: number; drift: boolean; severity: number }
export interface MonitorHistoryResponse { checks: (DriftCheckSummaryDto & { columns: Record<string, DriftColumnResultDto> })[] }
export interface DriftCheckGetResponse { check: DriftCheckDto }
