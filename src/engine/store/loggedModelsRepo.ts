// SQL for MLflow 3 logged models, their tags and params.
import type { Db } from './db';
import type { KeyValue, LoggedModel, LoggedModelStatus, MetricWithRunId } from '../../shared/dto';
import { toJsonValue } from './values';

interface Row {
  model_id: string;
  experiment_id: number;
  name: string;
  artifact_uri: string;
  creation_time: number;
  last_updated_time: number;
  source_run_id: string | null;
  status: LoggedModelStatus;
  status_message: string | null;
  model_type: string | null;
  lifecycle_stage: string;
}

export class LoggedModelsRepo {
  constructor(private readonly db: Db) {}

  insert(row: Omit<Row, 'lifecycle_stage' | 'status_message'>): void {
    this.db.prepare(
      `INSERT INTO logged_models (model_id, experiment_id, name, artifact_uri, creation_time, last_updated_time, source_run_id, status, model_type)
       VALUES (@model_id, @experiment_id, @name, @artifact_uri, @creation_time, @last_updated_time, @source_run_id, @status, @model_type)`).run(row);
  }

  exists(id: string): boolean {
    return !!this.db.prepare("SELECT 1 FROM logged_models WHERE model_id = ? AND lifecycle_stage = 'active'").get(id);
  }

  get(id: string): LoggedModel | undefined {
    const row = this.db.prepare("SELECT * FROM logged_models WHERE model_id = ? AND lifecycle_stage = 'active'").get(id) as Row | undefined;
    return row ? this.hydrate([row])[0] : undefined;
  }

  setStatus(id: string, status: LoggedModelStatus, now: number): void {
    this.db.prepare('UPDATE logged_models SET status = ?, last_updated_time = ? WHERE model_id = ?').run(status, now, id);
  }

  delete(id: string, now: number): void {
    this.db.prepare("UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_time = ? WHERE model_id = ?").run(now, id);
  }

  setTag(id: string, key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO logged_model_tags (model_id, key, value) VALUES (?, ?, ?)').run(id, key, value);
  }

  deleteTag(id: string, key: string): boolean {
    return this.db.prepare('DELETE FROM logged_model_tags WHERE model_id = ? AND key = ?').run(id, key).changes > 0;
  }

  setParam(id: string, key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO logged_model_params (model_id, key, value) VALUES (?, ?, ?)').run(id, key, value);
  }

  search(experimentIds: number[], where: string, args: unknown[], orderBy: string, limit: number, offset: number): LoggedModel[] {
    const rows = this.db.prepare(
      `SELECT * FROM logged_models m WHERE lifecycle_stage = 'active' AND experiment_id IN (SELECT value FROM json_each(?))
       AND ${where} ORDER BY ${orderBy} LIMIT ? OFFSET ?`).all(JSON.stringify(experimentIds), ...args, limit, offset) as Row[];
    return this.hydrate(rows);
  }

  private hydrate(rows: Row[]): LoggedModel[] {
    const ids = JSON.stringify(rows.map(r => r.model_id));
    const inIds = 'model_id IN (SELECT value FROM json_each(?))';
    const tags = this.db.prepare(`SELECT model_id, key, value FROM logged_model_tags WHERE ${inIds}`).all(ids) as (KeyValue & { model_id: string })[];
    const params = this.db.prepare(`SELECT model_id, key, value FROM logged_model_params WHERE ${inIds}`).all(ids) as (KeyValue & { model_id: string })[];
    // Metrics of a logged model: the latest metrics of its source run.
    const metrics = this.db.prepare(
      `SELECT m.model_id, l.run_uuid, l.key, l.value, l.is_nan, l.step, l.timestamp FROM logged_models m
       JOIN latest_metrics l ON l.run_uuid = m.source_run_id WHERE m.${inIds}`).all(ids) as
      { model_id: string; run_uuid: string; key: string; value: number; is_nan: number; step: number; timestamp: number }[];
    return rows.map(r => ({
      info: {
        model_id: r.model_id, experiment_id: String(r.experiment_id), name: r.name, artifact_uri: r.artifact_uri,
        creation_timestamp_ms: r.creation_time, last_updated_timestamp_ms: r.last_updated_time, status: r.status,
        ...(r.status_message ? { status_message: r.status_message } : {}),
        ...(r.model_type ? { model_type: r.model_type } : {}),
        ...(r.source_run_id ? { source_run_id: r.source_run_id } : {}),
        tags: tags.filter(t => t.model_id === r.model_id).map(({ key, value }) => ({ key, value })),
      },
      data: {
        params: params.filter(p => p.model_id === r.model_id).map(({ key, value }) => ({ key, value })),
        metrics: metrics.filter(m => m.model_id === r.model_id).map((m): MetricWithRunId => ({
          key: m.key, value: toJsonValue(m.value, m.is_nan), step: m.step, timestamp: m.timestamp, run_id: m.run_uuid })),
      },
    }));
  }
}
