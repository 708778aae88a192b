// SQL for the down-sampling pyramid (metric_tiles): kept up to date on insert, read by charts.
import type { Db } from './db';
import type { MetricPoint } from './metricsRepo';

export const TILE_LEVELS = [8, 11, 14, 17] as const;

export interface Tile {
  n: number;
  min_v: number; min_step: number; min_ts: number;
  max_v: number; max_step: number; max_ts: number;
  first_v: number; first_step: number; first_ts: number;
  last_v: number; last_step: number; last_ts: number;
}

const tileOf = (step: number, level: number) => Math.floor(step / 2 ** level);


export class MetricTilesRepo {
  private readonly sUpsert;
  constructor(private readonly db: Db) {
    const pick = (col: string, cond: string) => `${col} = CASE WHEN ${cond} THEN excluded.${col} ELSE ${col} END`;
    this.sUpsert = db.prepare(
      `INSERT INTO metric_tiles (run_uuid, key, level, tile, n, min_v, min_step, min_ts, max_v, max_step, max_ts,
         first_v, first_step, first_ts, last_v, last_step, last_ts)
       VALUES (@run, @key, @level, @tile, @n, @min_v, @min_step, @min_ts, @max_v, @max_step, @max_ts,
         @first_v, @first_step, @first_ts, @last_v, @last_step, @last_ts)
       ON CONFLICT (run_uuid, key, level, tile) DO UPDATE SET n = n + excluded.n,
         ${['min_v', 'min_step', 'min_ts'].map(c => pick(c, 'excluded.min_v < min_v')).join(', ')},
         ${['max_v', 'max_step', 'max_ts'].map(c => pick(c, 'excluded.max_v > max_v')).join(', ')},
         ${['first_v', 'first_step', 'first_ts'].map(c => pick(c, 'excluded.first_step < first_step')).join(', ')},
         ${['last_v', 'last_step', 'last_ts'].map(c => pick(c, 'excluded.last_step >= last_step')).join(', ')}`);
  }

  /** Folds a batch of points into their tiles at every level: one upsert per touched tile. */
  add(runId: string, points: MetricPoint[]): void {
    type Acc = Tile & { key: string; level: number; tile: number };
    const done: Acc[] = [];
    // Batches are usually in step order: keep the open tile per (key, level) and only look further when it changes.
    const open = new Map<string, (Acc | undefined)[]>();
    const index = new Map<string, Map<number, Acc>[]>();
    for (const p of points) {
      if (Number.isNaN(p.value)) continue;
      let cur = open.get(p.key);
      if (!cur) { open.set(p.key, (cur = [])); index.set(p.key, TILE_LEVELS.map(() => new Map())); }
      for (let li = 0; li < TILE_LEVELS.length; li++) {
        const level = TILE_LEVELS[li];
        const tile = Math.floor(p.step / 2 ** level);
        let t = cur[li];
        if (!t || t.tile !== tile) {
          const byTile = index.get(p.key)![li];
          t = byTile.get(tile);
          if (!t) {
            t = { key: p.key, level, tile, n: 0, min_v: p.value, min_step: p.step, min_ts: p.timestamp, max_v: p.value, max_step: p.step,
              max_ts: p.timestamp, first_v: p.value, first_step: p.step, first_ts: p.timestamp, last_v: p.value, last_step: p.step, last_ts: p.timestamp };
            byTile.set(tile, t);
            done.push(t);
          }
          cur[li] = t;
        }
        t.n++;
        if (p.value < t.min_v) { t.min_v = p.value; t.min_step = p.step; t.min_ts = p.timestamp; }
        if (p.value > t.max_v) { t.max_v = p.value; t.max_step = p.step; t.max_ts = p.timestamp; }
        if (p.step < t.first_step) { t.first_v = p.value; t.first_step = p.step; t.first_ts = p.timestamp; }
        if (p.step >= t.last_step) { t.last_v = p.value; t.last_step = p.step; t.last_ts = p.timestamp; }
      }
    }
    for (const t of done) this.sUpsert.run({ run: runId, ...t });
  }

  /** Tiles of one level overlapping [startStep, endStep], in step order. */
  read(runId: string, key: string, level: number, startStep: number, endStep: number): Tile[] {
    return this.db.prepare(
      'SELECT * FROM metric_tiles WHERE run_uuid = ? AND key = ? AND level = ? AND tile BETWEEN ? AND ? ORDER BY tile',
    ).all(runId, key, level, tileOf(startStep, level), tileOf(endStep, level)) as Tile[];
  }

  /** Approximate point count and step range within [startStep, endStep] from the coarsest level. */
  extent(runId: string, key: string, startStep: number, endStep: number): { n: number; lo: number | null; hi: number | null } {
    const level = TILE_LEVELS[TILE_LEVELS.length - 1];
    return this.db.prepare(
      `SELECT coalesce(sum(n), 0) AS n, max(min(first_step), ?) AS lo, min(max(last_step), ?) AS hi FROM metric_tiles
       WHERE run_uuid = ? AND key = ? AND level = ? AND tile BETWEEN ? AND ?`,
    ).get(startStep, endStep, runId, key, level, tileOf(startStep, level), tileOf(endStep, level)) as { n: number; lo: number | null; hi: number | null };
  }
}
