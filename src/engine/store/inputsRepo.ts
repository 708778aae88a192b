// SQL for datasets and run inputs (MLflow's log-inputs) and run outputs (log-outputs).
import crypto from 'node:crypto';
import type { Db } from './db';
import type { Dataset, KeyValue } from '../../shared/dto';

export class InputsRepo {
  constructor(private readonly db: Db) {}

  /** Upserts the dataset (unique per experiment, name and digest) and links it to the run. */
  link(runId: string, experimentId: string, dataset: Dataset, tags: KeyValue[]): void {
    const existing = this.db.prepare('SELECT dataset_uuid FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?')
      .pluck().get(Number(experimentId), dataset.name, dataset.digest) as string | undefined;
    const id = existing ?? crypto.randomUUID().replace(/-/g, '');
    if (!existing) {
      this.db.prepare(
        `INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, source_type, source, schema, profile)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(id, Number(experimentId), dataset.name, dataset.digest, dataset.source_type,
        dataset.source, dataset.schema ?? null, dataset.profile ?? null);
    }
    this.db.prepare('INSERT OR REPLACE INTO run_inputs (run_uuid, dataset_uuid, tags) VALUES (?, ?, ?)').run(runId, id, JSON.stringify(tags));
  }

  linkOutput(runId: string, modelId: string, step: number): void {
    this.db.prepare('INSERT OR REPLACE INTO run_outputs (run_uuid, model_id, step) VALUES (?, ?, ?)').run(runId, modelId, step);
  }
}
