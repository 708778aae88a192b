// SQL for metric histories and the latest-value summary.
import type { Db } from './db';
import type { Metric, MetricWithRunId } from '../../shared/dto';
import { toJsonValue } from './values';
import { MetricTilesRepo, TILE_LEVELS } from './metricTilesRepo';

export interface MetricPoint {
  key: string;
  value: number; // may be NaN or ±Infinity
  step: number;
  timestamp: number;
}
interface Row {
  step: number;
  timestamp: number;
  value: number;
  is_nan: number;
}
export interface HistoryCursor {
  step: number;
  timestamp: number;
  value: number;
  is_nan: number;
}

const newer = (a: MetricPoint, b: MetricPoint) =>
  a.step !== b.step ? a.step > b.step : a.timestamp !== b.timestamp ? a.timestamp > b.timestamp : a.value > b.value;

export class MetricsRepo {
  private readonly sIns;
  private readonly sLatest;
  private readonly sPage;
  private readonly sPageAfter;
  private readonly tiles: MetricTilesRepo;
  constructor(private readonly db: Db) {
    this.tiles = new MetricTilesRepo(db);
    this.sIns = db.prepare('INSERT OR IGNORE INTO metrics (run_uuid, key, step, timestamp, value, is_nan) VALUES (?, ?, ?, ?, ?, ?)');
    this.sLatest = db.prepare(
      `INSERT INTO latest_metrics (run_uuid, key, step, timestamp, value, is_nan) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_uuid, key) DO UPDATE SET step = excluded.step, timestamp = excluded.timestamp,
         value = excluded.value, is_nan = excluded.is_nan
       WHERE (excluded.step, excluded.timestamp, excluded.value) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)`);
    const cols = 'SELECT step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND key = ?';
    const order = 'ORDER BY step, timestamp, value, is_nan LIMIT ?';
    this.sPage = db.prepare(`${cols} ${order}`);
    this.sPageAfter = db.prepare(`${cols} AND (step, timestamp, value, is_nan) > (?, ?, ?, ?) ${order}`);
  }

  /** Appends points to the history and moves the latest-value summary; caller owns the transaction. */
  insert(runId: string, points: MetricPoint[]): void {
    const latest = new Map<string, MetricPoint>();
    for (const p of points) {
      const nan = Number.isNaN(p.value);
      this.sIns.run(runId, p.key, p.step, p.timestamp, nan ? 0 : p.value, nan ? 1 : 0);
      const cur = latest.get(p.key);
      if (!cur || newer(p, cur)) latest.set(p.key, p);
    }
    for (const p of latest.values()) {
      const nan = Number.isNaN(p.value);
      this.sLatest.run(runId, p.key, p.step, p.timestamp, nan ? 0 : p.value, nan ? 1 : 0);
    }
    this.tiles.add(runId, points);
  }

  history(runId: string, key: string, limit: number, after?: HistoryCursor): { metrics: Metric[]; last?: HistoryCursor } {
    const rows = (after
      ? this.sPageAfter.all(runId, key, after.step, after.timestamp, after.value, after.is_nan, limit)
      : this.sPage.all(runId, key, limit)) as Row[];
    const metrics = rows.map(r => ({ key, value: toJsonValue(r.value, r.is_nan), timestamp: r.timestamp, step: r.step }));
    return { metrics, last: rows.length ? rows[rows.length - 1] : undefined };
  }

  /** Count and step range of one history, optionally within [startStep, endStep]. */
  extent(runId: string, key: string, startStep: number, endStep: number): { n: number; lo: number | null; hi: number | null } {
    return this.db.prepare(
      'SELECT count(*) AS n, min(step) AS lo, max(step) AS hi FROM metrics WHERE run_uuid = ? AND key = ? AND step BETWEEN ? AND ?',
    ).get(runId, key, startStep, endStep) as { n: number; lo: number | null; hi: number | null };
  }

  /**
   * Min/max-aware down-sampling: the step range is cut into ≤ maxPoints/4 slices and each keeps its first,
   * last, lowest and highest point, so spikes survive. Long histories are answered from the tile pyramid
   * (a few hundred rows), short ones by grouping the raw points. NaN points are always kept.
   */
  downsample(runId: string, key: string, startStep: number, endStep: number, maxPoints: number): MetricWithRunId[] {
    const budget = Math.max(1, Math.floor(maxPoints / 4));
    const est = this.tiles.extent(runId, key, startStep, endStep);
    let rows: Row[] | undefined;
    if (est.n > maxPoints && est.lo !== null && est.hi !== null) {
      const { lo, hi } = est;
      const count = (l: number) => Math.floor(hi / 2 ** l) - Math.floor(lo / 2 ** l) + 1;
      // The finest level with ≤ 8·budget tiles (levels are 8× apart); adjacent tiles are then merged to fit.
      const level = TILE_LEVELS.find(l => count(l) <= 8 * budget) ?? TILE_LEVELS[TILE_LEVELS.length - 1];
      if (count(level) >= budget / 2) rows = this.fromTiles(runId, key, level, startStep, endStep, Math.ceil(count(level) / budget), maxPoints);
    }
    rows ??= this.fromHistory(runId, key, startStep, endStep, maxPoints, budget);
    const nans = this.db.prepare(
      'SELECT step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND key = ? AND is_nan = 1 AND step BETWEEN ? AND ? LIMIT ?',
    ).all(runId, key, startStep, endStep, budget) as Row[];
    return [...rows, ...nans]
      .sort((a, b) => a.step - b.step || a.timestamp - b.timestamp)
      .map(r => ({ key, run_id: runId, step: r.step, timestamp: r.timestamp, value: toJsonValue(r.value, r.is_nan) }));
  }

  /** Merges every `group` adjacent tiles and keeps each group's first, lowest, highest and last point. */
  private fromTiles(runId: string, key: string, level: number, startStep: number, endStep: number, group: number, maxPoints: number): Row[] {
    const tiles = this.tiles.read(runId, key, level, startStep, endStep).filter(t => t.last_step >= startStep && t.first_step <= endStep);
    const seen = new Map<string, Row>();
    const add = (step: number, value: number, timestamp: number) => {
      if (step >= startStep && step <= endStep) seen.set(`${step}:${value}`, { step, value, timestamp, is_nan: 0 });
    };
    for (let i = 0; i < tiles.length; i += group) {
      const g = tiles.slice(i, i + group);
      const min = g.reduce((a, b) => (b.min_v < a.min_v ? b : a));
      const max = g.reduce((a, b) => (b.max_v > a.max_v ? b : a));
      const first = g[0];
      const last = g[g.length - 1];
      const picks: [number, number, number][] = [[min.min_step, min.min_v, min.min_ts], [max.max_step, max.max_v, max.max_ts],
        [first.first_step, first.first_v, first.first_ts], [last.last_step, last.last_v, last.last_ts]];
      for (const [step, value, ts] of picks.slice(0, maxPoints)) add(step, value, ts);
    }
    return [...seen.values()];
  }

  private fromHistory(runId: string, key: string, startStep: number, endStep: number, maxPoints: number, budget: number): Row[] {
    const { n, lo, hi } = this.extent(runId, key, startStep, endStep);
    if (!n || lo === null || hi === null) return [];
    const args = [runId, key, lo, hi];
    if (n <= maxPoints) {
      return this.db.prepare(
        'SELECT step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND key = ? AND step BETWEEN ? AND ? AND is_nan = 0',
      ).all(...args) as Row[];
    }
    const width = Math.max(1, (hi - lo + 1) / budget);
    // SQLite fills the bare columns from the row that holds the min()/max() — one scan per extreme.
    const extremes = ['min(value) AS value, step', 'max(value) AS value, step', 'min(step) AS step, value', 'max(step) AS step, value']
      .slice(0, maxPoints); // one bucket but maxPoints < 4: keep only that many extremes
    const seen = new Map<string, Row>();
    for (const sel of extremes) {
      const rows = this.db.prepare(
        `SELECT CAST((step - ?) / ? AS INTEGER) AS b, ${sel}, timestamp, is_nan FROM metrics
         WHERE run_uuid = ? AND key = ? AND step BETWEEN ? AND ? AND is_nan = 0 GROUP BY b`).all(lo, width, ...args) as Row[];
      for (const r of rows) seen.set(`${r.step}:${r.timestamp}:${r.value}`, r);
    }
    return [...seen.values()];
  }

  keys(runId: string): string[] {
    return this.db.prepare('SELECT key FROM latest_metrics WHERE run_uuid = ? ORDER BY key').pluck().all(runId) as string[];
  }
}
