// SQL for stored drift checks: the report of each check and one row per column (for per-column history).
import type Database from 'better-sqlite3';
import type { Db } from './db';
import type { DriftReport, StatTest } from '../drift/types';

export interface DriftCheckRow {
  id: number;
  /** Absent for an ad-hoc check. */
  monitor?: string;
  time: number;
  drift: boolean;
  driftedColumns: number;
  columns: number;
  reference: string;
  current: string;
}
export interface DriftColumnRow {
  column: string;
  test: StatTest;
  /** Absent when no statistic could be computed (the report's column has a note). */
  statistic?: number;
  pValue?: number;
  threshold: number;
  drift: boolean;
  severity: number;
}
export type DriftCheckWithColumns = DriftCheckRow & { columnResults: DriftColumnRow[] };

interface CheckSql {
  id: number; monitor: string | null; time: number; drift: number; drifted_columns: number; columns: number; reference: string; current: string;
}
interface ColumnSql {
  check_id: number; column_name: string; test: StatTest; statistic: number | null; p_value: number | null; threshold: number; drift: number; severity: number;
}
const toCheck = (r: CheckSql): DriftCheckRow => ({
  id: r.id, monitor: r.monitor ?? undefined, time: r.time, drift: r.drift === 1, driftedColumns: r.drifted_columns, columns: r.columns,
  reference: r.reference, current: r.current,
});
const toColumn = (r: ColumnSql): DriftColumnRow => ({
  column: r.column_name, test: r.test, statistic: r.statistic ?? undefined, pValue: r.p_value ?? undefined, threshold: r.threshold,
  drift: r.drift === 1, severity: r.severity,
});
/** SQLite stores NaN as NULL; ±Infinity stays a REAL. NULL is what "no value" should be. */
const finite = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? null : v);
const CHECK_COLS = 'id, monitor, time, drift, drifted_columns, columns, reference, current';

/** Checks kept per monitor (and for ad-hoc checks together); older ones are deleted on insert. */
export const KEEP_CHECKS = 1000;

export class DriftRepo {
  private readonly stmts = new Map<string, Database.Statement>();
  constructor(private readonly db: Db) {}

  private st(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) this.stmts.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  /** Stores a check and its column rows in one transaction; returns the check id. */
  insert(monitor: string | undefined, report: DriftReport, keep = KEEP_CHECKS): number {
    return this.db.transaction(() => {
      const r = this.st(`INSERT INTO drift_checks (monitor, time, drift, drifted_columns, columns, reference, current, report)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(monitor ?? null, report.createdAt, report.drift ? 1 : 0, report.driftedColumns.length,
        report.columns.length, report.reference.source, report.current.source, JSON.stringify(report));
      const id = Number(r.lastInsertRowid);
      const col = this.st(`INSERT INTO drift_check_columns (check_id, column_name, test, statistic, p_value, threshold, drift, severity)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
      for (const c of report.columns) {
        const v = c.verdict;
        col.run(id, c.column, v.test, c.note ? null : finite(v.statistic), finite(v.pValue), v.threshold, v.drift ? 1 : 0, finite(c.severity) ?? 0);
      }
      this.prune(monitor, keep);
      return id;
    }).immediate();
  }

  private prune(monitor: string | undefined, keep: number): void {
    const cutoff = this.st(`SELECT id FROM drift_checks WHERE monitor IS ? ORDER BY id DESC LIMIT 1 OFFSET ?`)
      .get(monitor ?? null, keep) as { id: number } | undefined;
    if (cutoff) this.st('DELETE FROM drift_checks WHERE monitor IS ? AND id <= ?').run(monitor ?? null, cutoff.id);
  }

  get(id: number): (DriftCheckRow & { report: DriftReport }) | undefined {
    const r = this.st(`SELECT ${CHECK_COLS}, report FROM drift_checks WHERE id = ?`).get(id) as (CheckSql & { report: string }) | undefined;
    return r && { ...toCheck(r), report: JSON.parse(r.report) as DriftReport };
  }

  /** A monitor's checks, newest first, each with its column rows (in the report's severity order). */
  history(monitor: string, limit = 50): DriftCheckWithColumns[] {
    const checks = (this.st(`SELECT ${CHECK_COLS} FROM drift_checks WHERE monitor = ? ORDER BY id DESC LIMIT ?`).all(monitor, limit) as CheckSql[]).map(toCheck);
    if (!checks.length) return [];
    const rows = this.st(`SELECT * FROM drift_check_columns WHERE check_id IN (SELECT value FROM json_each(?)) ORDER BY check_id, severity DESC, column_name`)
      .all(JSON.stringify(checks.map(c => c.id))) as ColumnSql[];
    const byCheck = new Map<number, DriftColumnRow[]>(checks.map(c => [c.id, []]));
    for (const r of rows) byCheck.get(r.check_id)!.push(toColumn(r));
    return checks.map(c => ({ ...c, columnResults: byCheck.get(c.id)! }));
  }

  /** The newest check of each monitor. */
  latest(): Map<string, DriftCheckRow> {
    const rows = this.st(`SELECT ${CHECK_COLS} FROM drift_checks WHERE id IN (SELECT max(id) FROM drift_checks WHERE monitor IS NOT NULL GROUP BY monitor)`)
      .all() as CheckSql[];
    return new Map(rows.map(r => [r.monitor!, toCheck(r)]));
  }

  /** Deletes every check of a monitor (a monitor removed from monitors.yaml keeps its history until then). */
  deleteMonitor(monitor: string): number {
    return this.st('DELETE FROM drift_checks WHERE monitor = ?').run(monitor).changes;
  }
}
