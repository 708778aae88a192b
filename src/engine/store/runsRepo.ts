// SQL for runs, their params and tags, and reading whole runs (info + data + inputs + outputs).
import type { Db } from './db';
import type { KeyValue, LifecycleStage, Run, RunInfo, RunStatus } from '../../shared/dto';
import { toJsonValue } from './values';

export interface RunRow {
  run_uuid: string;
  experiment_id: number;
  name: string;
  user_id: string;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
  lifecycle_stage: LifecycleStage;
  deleted_time: number | null;
  artifact_uri: string;
}

export function runInfo(r: RunRow): RunInfo {
  const info: RunInfo = {
    run_id: r.run_uuid, run_uuid: r.run_uuid, run_name: r.name, experiment_id: String(r.experiment_id),
    user_id: r.user_id, status: r.status, start_time: r.start_time, artifact_uri: r.artifact_uri,
    lifecycle_stage: r.lifecycle_stage,
  };
  if (r.end_time !== null) info.end_time = r.end_time;
  return info;
}

export class RunsRepo {
  private readonly sGet;
  private readonly sParamGet;
  private readonly sParamIns;
  private readonly sTagSet;
  constructor(private readonly db: Db) {
    this.sGet = db.prepare('SELECT * FROM runs WHERE run_uuid = ?');
    this.sParamGet = db.prepare('SELECT value FROM params WHERE run_uuid = ? AND key = ?').pluck();
    this.sParamIns = db.prepare('INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.sTagSet = db.prepare('INSERT OR REPLACE INTO tags (run_uuid, key, value) VALUES (?, ?, ?)');
  }

  insert(row: Omit<RunRow, 'deleted_time' | 'lifecycle_stage' | 'end_time'>): void {
    this.db.prepare(
      `INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, artifact_uri)
       VALUES (@run_uuid, @experiment_id, @name, @user_id, @status, @start_time, @artifact_uri)`).run(row);
  }

  get(runId: string): RunRow | undefined {
    return this.sGet.get(runId) as RunRow | undefined;
  }

  update(runId: string, fields: { status?: RunStatus; end_time?: number | null; name?: string }): void {
    const sets: string[] = [];
    const args: unknown[] = [];
    if (fields.status !== undefined) { sets.push('status = ?'); args.push(fields.status); }
    if (fields.end_time !== undefined) { sets.push('end_time = ?'); args.push(fields.end_time); }
    if (fields.name !== undefined) { sets.push('name = ?'); args.push(fields.name); }
    if (!sets.length) return;
    this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE run_uuid = ?`).run(...args, runId);
  }

  setLifecycle(runId: string, stage: LifecycleStage, now: number | null): void {
    this.db.prepare('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_uuid = ?').run(stage, now, runId);
  }

  getParam(runId: string, key: string): string | undefined {
    return this.sParamGet.get(runId, key) as string | undefined;
  }

  /** Inserts a param unless present; returns the existing value when there was one. */
  insertParam(runId: string, key: string, value: string): string | undefined {
    if (this.sParamIns.run(runId, key, value).changes > 0) return undefined;
    return this.getParam(runId, key);
  }

  setTag(runId: string, key: string, value: string): void {
    this.sTagSet.run(runId, key, value);
  }

  getTag(runId: string, key: string): string | undefined {
    return this.db.prepare('SELECT value FROM tags WHERE run_uuid = ? AND key = ?').pluck().get(runId, key) as string | undefined;
  }

  deleteTag(runId: string, key: string): boolean {
    return this.db.prepare('DELETE FROM tags WHERE run_uuid = ? AND key = ?').run(runId, key).changes > 0;
  }

  /** Full runs (info, latest metrics, params, tags, dataset inputs, model outputs) in the given order. */
  hydrate(rows: RunRow[]): Run[] {
    if (!rows.length) return [];
    const ids = JSON.stringify(rows.map(r => r.run_uuid));
    const runs = new Map<string, Run>();
    for (const r of rows) {
      runs.set(r.run_uuid, { info: runInfo(r), data: { metrics: [], params: [], tags: [] }, inputs: { dataset_inputs: [] } });
    }
    // Drive each lookup from the id list (CROSS JOIN fixes the loop order): one primary-key probe per run.
    const from = 'json_each(?) j CROSS JOIN';
    const on = 'ON x.run_uuid = j.value';
    for (const m of this.db.prepare(`SELECT x.run_uuid, x.key, x.value, x.is_nan, x.step, x.timestamp FROM ${from} latest_metrics x ${on}`)
      .all(ids) as { run_uuid: string; key: string; value: number | null; is_nan: number; step: number; timestamp: number }[]) {
      runs.get(m.run_uuid)!.data.metrics.push({ key: m.key, value: toJsonValue(m.value, m.is_nan), timestamp: m.timestamp, step: m.step });
    }
    for (const p of this.db.prepare(`SELECT x.run_uuid, x.key, x.value FROM ${from} params x ${on}`).all(ids) as (KeyValue & { run_uuid: string })[]) {
      runs.get(p.run_uuid)!.data.params.push({ key: p.key, value: p.value });
    }
    for (const t of this.db.prepare(`SELECT x.run_uuid, x.key, x.value FROM ${from} tags x ${on}`).all(ids) as (KeyValue & { run_uuid: string })[]) {
      runs.get(t.run_uuid)!.data.tags.push({ key: t.key, value: t.value });
    }
    const inputs = this.db.prepare(
      `SELECT x.run_uuid, x.tags, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
       FROM ${from} run_inputs x ${on} JOIN datasets d USING (dataset_uuid)`).all(ids) as
      { run_uuid: string; tags: string; name: string; digest: string; source_type: string; source: string; schema: string | null; profile: string | null }[];
    for (const i of inputs) {
      const dataset = { name: i.name, digest: i.digest, source_type: i.source_type, source: i.source,
        ...(i.schema !== null ? { schema: i.schema } : {}), ...(i.profile !== null ? { profile: i.profile } : {}) };
      runs.get(i.run_uuid)!.inputs.dataset_inputs.push({ tags: JSON.parse(i.tags) as KeyValue[], dataset });
    }
    for (const o of this.db.prepare(`SELECT x.run_uuid, x.model_id, x.step FROM ${from} run_outputs x ${on}`).all(ids) as
      { run_uuid: string; model_id: string; step: number }[]) {
      const run = runs.get(o.run_uuid)!;
      (run.outputs ??= { model_outputs: [] }).model_outputs.push({ model_id: o.model_id, step: o.step });
    }
    return rows.map(r => runs.get(r.run_uuid)!);
  }

  /** Run rows by id (for batch lookups); missing ids are absent from the map. */
  getMany(runIds: string[]): Map<string, RunRow> {
    const rows = this.db.prepare('SELECT * FROM runs WHERE run_uuid IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(runIds)) as RunRow[];
    return new Map(rows.map(r => [r.run_uuid, r]));
  }

  countByExperiment(experimentId: string): number {
    return this.db.prepare("SELECT count(*) FROM runs WHERE experiment_id = ? AND lifecycle_stage = 'active'").pluck().get(Number(experimentId)) as number;
  }
}
