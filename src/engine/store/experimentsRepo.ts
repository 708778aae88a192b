// SQL for experiments and their tags.
import type { Db } from './db';
import type { Experiment, KeyValue, LifecycleStage } from '../../shared/dto';

interface ExperimentRow {
  experiment_id: number;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  creation_time: number;
  last_update_time: number;
}

export class ExperimentsRepo {
  constructor(private readonly db: Db) {}

  insert(name: string, artifactLocation: (id: number) => string, tags: KeyValue[], now: number, id?: number): string {
    const row = this.db.prepare(
      `INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time)
       VALUES (?, ?, '', ?, ?) RETURNING experiment_id`).get(id ?? null, name, now, now) as { experiment_id: number };
    const eid = row.experiment_id;
    this.db.prepare('UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?').run(artifactLocation(eid), eid);
    const ins = this.db.prepare('INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)');
    for (const t of tags) ins.run(eid, t.key, t.value);
    return String(eid);
  }

  private hydrate(rows: ExperimentRow[]): Experiment[] {
    if (!rows.length) return [];
    const tags = this.db.prepare(
      'SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id IN (SELECT value FROM json_each(?))',
    ).all(JSON.stringify(rows.map(r => r.experiment_id))) as { experiment_id: number; key: string; value: string }[];
    const byId = new Map<number, KeyValue[]>();
    for (const t of tags) {
      const list = byId.get(t.experiment_id) ?? [];
      list.push({ key: t.key, value: t.value });
      byId.set(t.experiment_id, list);
    }
    return rows.map(r => ({ ...r, experiment_id: String(r.experiment_id), tags: byId.get(r.experiment_id) ?? [] }));
  }

  get(id: string): Experiment | undefined {
    if (!/^\d+$/.test(id)) return undefined;
    const row = this.db.prepare('SELECT * FROM experiments WHERE experiment_id = ?').get(Number(id)) as ExperimentRow | undefined;
    return row ? this.hydrate([row])[0] : undefined;
  }

  getByName(name: string): Experiment | undefined {
    const row = this.db.prepare('SELECT * FROM experiments WHERE name = ?').get(name) as ExperimentRow | undefined;
    return row ? this.hydrate([row])[0] : undefined;
  }

  /** `where` is a compiled SQL fragment with bound `args` (see experimentSearch.ts). */
  search(where: string, args: unknown[], orderBy: string, limit: number, offset: number): Experiment[] {
    const rows = this.db.prepare(
      `SELECT * FROM experiments e WHERE ${where} ORDER BY ${orderBy} LIMIT ? OFFSET ?`,
    ).all(...args, limit, offset) as ExperimentRow[];
    return this.hydrate(rows);
  }

  rename(id: string, name: string, now: number): void {
    this.db.prepare('UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?').run(name, now, Number(id));
  }

  /** Moves the experiment and all of its runs to `stage` (MLflow deletes and restores runs with it). */
  setLifecycle(id: string, stage: LifecycleStage, now: number): void {
    this.db.prepare('UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?').run(stage, now, Number(id));
    this.db.prepare('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?')
      .run(stage, stage === 'deleted' ? now : null, Number(id));
  }

  setTag(id: string, key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)').run(Number(id), key, value);
  }

  deleteTag(id: string, key: string): boolean {
    return this.db.prepare('DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?').run(Number(id), key).changes > 0;
  }
}
