// The drift model shared by readers (files, run inputs, the serving request log), statistics, monitors, the
// check service, HTTP, CLI and the VS Code report. Column-wise: one typed array per column, never row objects.

/** A column read into memory. Numeric: NaN marks a missing value (±Inf are kept as values). Categorical: code -1 = missing. */
export type ColumnData =
  | { kind: 'numeric'; name: string; values: Float64Array; sourceType: string }
  | { kind: 'categorical'; name: string; codes: Int32Array; categories: string[]; sourceType: string };

export interface Dataset {
  /** Human label: a path, "run <id> input <name>", "endpoint iris 10:00–11:00". */
  source: string;
  rows: number;
  /** In file order. */
  columns: ColumnData[];
}

export type StatTest = 'psi' | 'ks' | 'wasserstein' | 'jensenshannon' | 'chisquare';
/** p-value tests flag drift when p < threshold; distance tests when statistic > threshold (≥ for none). */
export const P_VALUE_TESTS: readonly StatTest[] = ['ks', 'chisquare'];

/** Per-column settings (monitors.yaml `columns:` or defaults); all optional. */
export interface ColumnSettings {
  test?: StatTest;
  threshold?: number;
  /** Bins for PSI / Jensen-Shannon on numeric columns (default 10 / 20). */
  bins?: number;
  /** Treat a numeric column as categorical. */
  categorical?: boolean;
  /** Alert when the current missing share exceeds this (default 0.05). */
  maxMissingShare?: number;
  ignore?: boolean;
}

export interface TestResult {
  test: StatTest;
  statistic: number;
  pValue?: number;
  threshold: number;
  drift: boolean;
}

export type Histogram =
  | { kind: 'numeric'; edges: number[]; reference: number[]; current: number[] } // shares per bin, edges.length = bins + 1
  | { kind: 'categorical'; categories: string[]; reference: number[]; current: number[] };

export interface ColumnQuality {
  referenceMissingShare: number;
  currentMissingShare: number;
  /** Share of current values outside the reference [min, max] (numeric only). */
  outOfRangeShare?: number;
  newCategories?: string[];
  missingCategories?: string[];
  alerts: string[]; // e.g. "missing 7.5 % > 5 %"
}

export interface ColumnReport {
  column: string;
  kind: 'numeric' | 'categorical';
  /** The test that decides the verdict (chosen automatically or from settings). */
  verdict: TestResult;
  /** Every statistic computed for the column (numeric: psi, ks, ks_pvalue, wasserstein, wasserstein_norm, jensenshannon; categorical: psi, chisquare, chisquare_pvalue, jensenshannon). Never NaN: absent when undefined. */
  stats: Record<string, number>;
  quality: ColumnQuality;
  histogram: Histogram;
  /** ≥ 1 means over the threshold; used to sort columns by severity. */
  severity: number;
  /** Why no statistic could be computed (e.g. "all values missing in current"); the verdict is then not drift. */
  note?: string;
}

export interface SchemaChanges {
  added: string[];
  removed: string[];
  retyped: { column: string; from: string; to: string }[];
}

export interface DriftReport {
  reference: { source: string; rows: number };
  current: { source: string; rows: number };
  createdAt: number;
  columns: ColumnReport[]; // sorted by severity, highest first
  schema: SchemaChanges;
  volume: { reference: number; current: number; change: number }; // change = current / reference - 1
  driftedColumns: string[];
  /** Data-set verdict: share of drifted columns ≥ driftShare (default: any drifted column). */
  drift: boolean;
  qualityAlerts: string[];
}

/**
 * Where a data set comes from (monitors.yaml, CLI, HTTP): a data file (relative to the workspace), a run's
 * logged dataset input (by name or digest; optional when the run has one), or an endpoint's request log over
 * the last `windowMinutes` or between `from` and `to` (epoch ms; default: everything logged).
 */
export type SourceSpec =
  | { kind: 'file'; path: string }
  | { kind: 'run'; runId: string; dataset?: string }
  | { kind: 'endpoint'; endpoint: string; windowMinutes?: number; from?: number; to?: number };
