// SQL for the serving request log.
import type { Db } from './db';

export interface ServingLogRow {
  endpoint: string;
  time: number;
  model_name: string | null;
  model_version: string | null;
  latency_ms: number;
  status: number;
  inputs: string;
  outputs: string | null;
}

export class ServingLogRepo {
  constructor(private readonly db: Db) {}

  insertMany(rows: ServingLogRow[]): void {
    const ins = this.db.prepare(
      `INSERT INTO serving_requests (endpoint, time, model_name, model_version, latency_ms, status, inputs, outputs)
       VALUES (@endpoint, @time, @model_name, @model_version, @latency_ms, @status, @inputs, @outputs)`);
    for (const r of rows) ins.run(r);
  }

  window(endpoint: string, from: number, to: number, limit = 100000): (ServingLogRow & { id: number })[] {
    return this.db.prepare('SELECT * FROM serving_requests WHERE endpoint = ? AND time BETWEEN ? AND ? ORDER BY time LIMIT ?')
      .all(endpoint, from, to, limit) as (ServingLogRow & { id: number })[];
  }

  /** The logged requests of these endpoints in [from, to], oldest first, one row at a time (no other statement may run meanwhile). */
  iterate(endpoints: string[], from: number, to: number): IterableIterator<Pick<ServingLogRow, 'time' | 'model_name' | 'model_version' | 'inputs' | 'outputs'>> {
    return this.db.prepare(`SELECT time, model_name, model_version, inputs, outputs FROM serving_requests
      WHERE endpoint IN (SELECT value FROM json_each(?)) AND time BETWEEN ? AND ? ORDER BY time, id`)
      .iterate(JSON.stringify(endpoints), from, to) as IterableIterator<Pick<ServingLogRow, 'time' | 'model_name' | 'model_version' | 'inputs' | 'outputs'>>;
  }

  /** How many requests these endpoints logged in [from, to], when the first and last came, and the model versions that answered. */
  span(endpoints: string[], from = 0, to = Number.MAX_SAFE_INTEGER): { count: number; first: number | null; last: number | null; models: { name: string; version: string }[] } {
    const list = JSON.stringify(endpoints);
    const s = this.db.prepare(`SELECT COUNT(*) AS count, MIN(time) AS first, MAX(time) AS last FROM serving_requests
      WHERE endpoint IN (SELECT value FROM json_each(?)) AND time BETWEEN ? AND ?`).get(list, from, to) as { count: number; first: number | null; last: number | null };
    const models = this.db.prepare(`SELECT DISTINCT model_name AS name, model_version AS version FROM serving_requests
      WHERE endpoint IN (SELECT value FROM json_each(?)) AND time BETWEEN ? AND ? AND model_name IS NOT NULL AND model_version IS NOT NULL`)
      .all(list, from, to) as { name: string; version: string }[];
    return { ...s, models };
  }

  /** Endpoints (ids) with logged requests, by name. */
  endpoints(): string[] {
    return this.db.prepare('SELECT DISTINCT endpoint FROM serving_requests ORDER BY endpoint').pluck().all() as string[];
  }
}
