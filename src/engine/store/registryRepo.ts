// SQL for the model registry: registered models, versions, tags, aliases, audit trail.
import type { Db } from './db';
import type { AuditEntry, KeyValue, ModelVersion, RegisteredModel, Stage } from '../../shared/dto';

export interface VersionRow {
  name: string; version: number; creation_time: number; last_updated_time: number; description: string; user_id: string;
  current_stage: Stage; source: string; storage_location: string; run_id: string | null; run_link: string | null;
  status: ModelVersion['status']; status_message: string | null; lineage: string;
}
interface ModelRow { name: string; creation_time: number; last_updated_time: number; description: string }

export class RegistryRepo {
  constructor(private readonly db: Db) {}

  // ---- registered models ----
  insertModel(name: string, description: string, now: number): void {
    this.db.prepare('INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES (?, ?, ?, ?)').run(name, now, now, description);
  }
  modelRow(name: string): ModelRow | undefined {
    return this.db.prepare('SELECT * FROM registered_models WHERE name = ?').get(name) as ModelRow | undefined;
  }
  renameModel(name: string, newName: string, now: number): void {
    this.db.prepare('UPDATE registered_models SET name = ?, last_updated_time = ? WHERE name = ?').run(newName, now, name);
    this.db.prepare('UPDATE registry_audit SET name = ? WHERE name = ?').run(newName, name);
  }
  updateModel(name: string, description: string, now: number): void {
    this.db.prepare('UPDATE registered_models SET description = ?, last_updated_time = ? WHERE name = ?').run(description, now, name);
  }
  touchModel(name: string, now: number): void {
    this.db.prepare('UPDATE registered_models SET last_updated_time = ? WHERE name = ?').run(now, name);
  }
  deleteModel(name: string, now: number): void {
    this.db.prepare('DELETE FROM registered_models WHERE name = ?').run(name);
    // The trail is kept, detached under a name no model can have ('/' is refused), so a new model of this name starts afresh.
    this.db.prepare('UPDATE registry_audit SET name = ? WHERE name = ?').run(`${name}/deleted-${now}`, name);
  }
  setModelTag(name: string, key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO registered_model_tags (name, key, value) VALUES (?, ?, ?)').run(name, key, value);
  }
  deleteModelTag(name: string, key: string): boolean {
    return this.db.prepare('DELETE FROM registered_model_tags WHERE name = ? AND key = ?').run(name, key).changes > 0;
  }
  searchModels(where: string, args: unknown[], order: string, limit: number, offset: number): RegisteredModel[] {
    const rows = this.db.prepare(`SELECT * FROM registered_models m WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...args, limit, offset) as ModelRow[];
    return rows.map(r => this.hydrateModel(r));
  }
  hydrateModel(r: ModelRow): RegisteredModel {
    const tags = this.db.prepare('SELECT key, value FROM registered_model_tags WHERE name = ?').all(r.name) as KeyValue[];
    const aliases = (this.db.prepare('SELECT alias, version FROM registered_model_aliases WHERE name = ? ORDER BY alias').all(r.name) as { alias: string; version: number }[])
      .map(a => ({ alias: a.alias, version: String(a.version) }));
    const latest = this.db.prepare(
      'SELECT * FROM model_versions v WHERE name = ? AND version = (SELECT max(version) FROM model_versions w WHERE w.name = v.name AND w.current_stage = v.current_stage) ORDER BY version',
    ).all(r.name) as VersionRow[];
    return { name: r.name, creation_timestamp: r.creation_time, last_updated_timestamp: r.last_updated_time, description: r.description,
      latest_versions: latest.map(v => this.hydrateVersion(v)), tags, aliases };
  }

  // ---- versions ----
  /** As in MLflow, numbers of deleted versions are not reused: every registration is in the audit trail. */
  nextVersion(name: string): number {
    return ((this.db.prepare(
      'SELECT max(v) FROM (SELECT max(version) AS v FROM model_versions WHERE name = ? UNION ALL SELECT max(version) FROM registry_audit WHERE name = ?)',
    ).pluck().get(name, name) as number | null) ?? 0) + 1;
  }
  insertVersion(v: Omit<VersionRow, 'current_stage'>): void {
    this.db.prepare(
      `INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id, source, storage_location, run_id, run_link, status, status_message, lineage)
       VALUES (@name, @version, @creation_time, @last_updated_time, @description, @user_id, @source, @storage_location, @run_id, @run_link, @status, @status_message, @lineage)`).run(v);
  }
  versionRow(name: string, version: number): VersionRow | undefined {
    return this.db.prepare('SELECT * FROM model_versions WHERE name = ? AND version = ?').get(name, version) as VersionRow | undefined;
  }
  versionRows(name: string): VersionRow[] {
    return this.db.prepare('SELECT * FROM model_versions WHERE name = ? ORDER BY version DESC').all(name) as VersionRow[];
  }
  updateVersion(name: string, version: number, description: string, now: number): void {
    this.db.prepare('UPDATE model_versions SET description = ?, last_updated_time = ? WHERE name = ? AND version = ?').run(description, now, name, version);
  }
  setStage(name: string, version: number, stage: Stage, now: number): void {
    this.db.prepare('UPDATE model_versions SET current_stage = ?, last_updated_time = ? WHERE name = ? AND version = ?').run(stage, now, name, version);
  }
  inStage(name: string, stage: Stage): number[] {
    return this.db.prepare('SELECT version FROM model_versions WHERE name = ? AND current_stage = ? ORDER BY version DESC').pluck().all(name, stage) as number[];
  }
  deleteVersion(name: string, version: number): void {
    this.db.prepare('DELETE FROM model_versions WHERE name = ? AND version = ?').run(name, version);
  }
  setVersionTag(name: string, version: number, key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)').run(name, version, key, value);
  }
  deleteVersionTag(name: string, version: number, key: string): boolean {
    return this.db.prepare('DELETE FROM model_version_tags WHERE name = ? AND version = ? AND key = ?').run(name, version, key).changes > 0;
  }
  searchVersions(where: string, args: unknown[], order: string, limit: number, offset: number): ModelVersion[] {
    return (this.db.prepare(`SELECT * FROM model_versions v WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...args, limit, offset) as VersionRow[])
      .map(v => this.hydrateVersion(v));
  }
  hydrateVersion(v: VersionRow): ModelVersion {
    const tags = this.db.prepare('SELECT key, value FROM model_version_tags WHERE name = ? AND version = ?').all(v.name, v.version) as KeyValue[];
    const aliases = this.db.prepare('SELECT alias FROM registered_model_aliases WHERE name = ? AND version = ? ORDER BY alias').pluck().all(v.name, v.version) as string[];
    return {
      name: v.name, version: String(v.version), creation_timestamp: v.creation_time, last_updated_timestamp: v.last_updated_time, user_id: v.user_id,
      current_stage: v.current_stage, description: v.description, source: v.source, run_id: v.run_id ?? '', status: v.status,
      ...(v.status_message ? { status_message: v.status_message } : {}), ...(v.run_link ? { run_link: v.run_link } : {}), tags, aliases,
    };
  }
  /** Registered versions produced by these runs (for badges in the runs tree). */
  versionsOfRuns(runIds: string[]): { run_id: string; name: string; version: number; current_stage: Stage }[] {
    return this.db.prepare('SELECT run_id, name, version, current_stage FROM model_versions WHERE run_id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(runIds)) as { run_id: string; name: string; version: number; current_stage: Stage }[];
  }

  // ---- aliases ----
  aliasVersion(name: string, alias: string): number | undefined {
    return this.db.prepare('SELECT version FROM registered_model_aliases WHERE name = ? AND alias = ?').pluck().get(name, alias) as number | undefined;
  }
  setAlias(name: string, alias: string, version: number): void {
    this.db.prepare('INSERT OR REPLACE INTO registered_model_aliases (name, alias, version) VALUES (?, ?, ?)').run(name, alias, version);
  }
  deleteAlias(name: string, alias: string): boolean {
    return this.db.prepare('DELETE FROM registered_model_aliases WHERE name = ? AND alias = ?').run(name, alias).changes > 0;
  }

  // ---- audit ----
  audit(e: Omit<AuditEntry, 'id'>): void {
    this.db.prepare(
      `INSERT INTO registry_audit (time, user_id, name, version, action, target, from_value, to_value, reason, gates, overridden)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(e.time, e.user_id, e.name, e.version === undefined ? null : Number(e.version), e.action, e.target,
      e.from ?? null, e.to ?? null, e.reason, JSON.stringify(e.gates), e.overridden ? 1 : 0);
  }
  auditTrail(name: string): AuditEntry[] {
    return (this.db.prepare('SELECT * FROM registry_audit WHERE name = ? ORDER BY id').all(name) as
      { id: number; time: number; user_id: string; name: string; version: number | null; action: AuditEntry['action']; target: string; from_value: string | null; to_value: string | null; reason: string; gates: string; overridden: number }[])
      .map(r => ({ id: r.id, time: r.time, user_id: r.user_id, name: r.name, ...(r.version !== null ? { version: String(r.version) } : {}), action: r.action,
        target: r.target, ...(r.from_value !== null ? { from: r.from_value } : {}), ...(r.to_value !== null ? { to: r.to_value } : {}), reason: r.reason,
        gates: JSON.parse(r.gates) as AuditEntry['gates'], overridden: !!r.overridden }));
  }
}
