// Drift report types shared by the engine (src/engine/drift), the host and the drift webview.

export type StatTest = 'psi' | 'ks' | 'wasserstein' | 'jensenshannon' | 'chisquare' | 'z';

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
  /** Every statistic computed for the column (numeric: psi, ks, ks_pvalue, wasserstein, wasserstein_norm, jensenshannon; categorical: psi, chisquare, chisquare_pvalue, jensenshannon, and z, z_pvalue for at most two values). Never NaN: absent when undefined. */
  stats: Record<string, number>;
  quality: ColumnQuality;
  histogram: Histogram;
  /** ≥ 1 means over the threshold; used to sort columns by severity. */
  severity: number;
  /** Why no statistic could be computed (e.g. "all values missing in current"); the verdict is then not drift. */
  note?: string;
  /** Settings not applied as written (a test that does not fit the column, a constant reference tested with KS). */
  warnings?: string[];
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
  /**
   * Data-quality thresholds crossed, one line each: missing share, volume change, removed or retyped columns,
   * out-of-range values, new or lost categories, an empty data set. Each counts as an alert.
   */
  qualityAlerts: string[];
  /** Settings not applied as written, one line each ("column: …"); shown, never an alert. Absent in reports stored before. */
  warnings?: string[];
  /** A threshold crossed — data-set drift or any data-quality alert: what notifies, badges and fails `--fail-on-drift`. Absent in reports stored before (use `drift`). */
  alert?: boolean;
}
