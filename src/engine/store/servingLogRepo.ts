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
}
