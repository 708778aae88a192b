// The drift model shared by readers (files, run inputs, the serving request log), statistics, monitors, the
// check service, HTTP, CLI and the VS Code report. Column-wise: one typed array per column, never row objects.

import type { StatTest } from '../../shared/driftReport';
export type { StatTest, TestResult, Histogram, ColumnQuality, ColumnReport, SchemaChanges, DriftReport } from '../../shared/driftReport';

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

/** p-value tests flag drift when p < threshold; distance tests when statistic > threshold (≥ for none). */
export const P_VALUE_TESTS: readonly StatTest[] = ['ks', 'chisquare', 'z'];

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

/**
 * Where a data set comes from (monitors.yaml, CLI, HTTP): a data file (relative to the workspace), a run's
 * logged dataset input (by name or digest; optional when the run has one), or an endpoint's request log over
 * the last `windowMinutes` or between `from` and `to` (epoch ms; default: everything logged).
 */
export type SourceSpec =
  | { kind: 'file'; path: string }
  | { kind: 'run'; runId: string; dataset?: string }
  | { kind: 'endpoint'; endpoint: string; windowMinutes?: number; from?: number; to?: number };
