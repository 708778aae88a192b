// Run lifecycle: create (with name and git lineage), get, update, delete, restore.
import crypto from 'node:crypto';
import { invalid, notFound } from '../errors';
import type { Store } from '../store/store';
import type { RunRow } from '../store/runsRepo';
import type { KeyValue, Run, RunStatus } from '../../shared/dto';
import type { ExperimentsService } from './experiments';
import type { GitLineage } from './git';
import { LIMITS, validateKey, validateValue } from './validate';

export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
const ADJECTIVES = ['bold', 'calm', 'eager', 'fast', 'gentle', 'honest', 'keen', 'lucky', 'merry', 'nimble', 'proud', 'quiet', 'rare', 'sharp', 'tidy', 'vast', 'wise', 'zesty'];
const NOUNS = ['ant', 'bear', 'crane', 'deer', 'eel', 'finch', 'goat', 'hawk', 'ibis', 'jay', 'koala', 'lynx', 'mole', 'newt', 'owl', 'puma', 'quail', 'seal', 'toad', 'wolf'];

export function generateRunName(): string {
  const pick = <T>(a: T[]) => a[crypto.randomInt(a.length)];
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${crypto.randomInt(1000)}`;
}

/** Where a run's artifacts live, from its experiment's artifact location. */
export function runArtifactUri(experimentLocation: string, runId: string): string {
  return `${experimentLocation.replace(/\/+$/, '')}/${runId}/artifacts`;
}

export interface CreateRun {
  experimentId: string;
  userId?: string;
  startTime?: number;
  runName?: string;
  tags: KeyValue[];
}

export class RunsService {
  constructor(private readonly store: Store, private readonly experiments: ExperimentsService, private readonly git?: GitLineage) {}

  create(req: CreateRun): Run {
    const exp = this.experiments.getActive(req.experimentId);
    for (const t of req.tags) validateValue('Tag', validateKey('Tag', t.key), t.value, LIMITS.tagValueBytes);
    const tagName = req.tags.find(t => t.key === 'mlflow.runName')?.value;
    if (req.runName && tagName && req.runName !== tagName) {
      throw invalid(`Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${req.runName}', mlflow.runName='${tagName}').`);
    }
    const name = req.runName || tagName || generateRunName();
    if (name.length > LIMITS.runNameLength) throw invalid(`run_name exceeds ${LIMITS.runNameLength} characters`);
    const runId = crypto.randomUUID().replace(/-/g, '');
    const tags = new Map<string, string>();
    for (const t of this.git?.tags() ?? []) tags.set(t.key, t.value);
    for (const t of req.tags) tags.set(t.key, t.value);
    tags.set('mlflow.runName', name);
    if (req.userId && !tags.has('mlflow.user')) tags.set('mlflow.user', req.userId);
    this.store.tx(() => {
      this.store.runs.insert({
        run_uuid: runId, experiment_id: Number(exp.experiment_id), name, user_id: req.userId ?? '', status: 'RUNNING',
        start_time: req.startTime ?? Date.now(), artifact_uri: runArtifactUri(exp.artifact_location, runId),
      });
      for (const [k, v] of tags) this.store.runs.setTag(runId, k, v);
    });
    this.store.changed('run', runId, exp.experiment_id);
    return this.get(runId);
  }

  row(runId: string): RunRow {
    if (typeof runId !== 'string' || !runId) throw invalid("Missing value for required parameter 'run_id'");
    const r = this.store.runs.get(runId);
    if (!r) throw notFound(`Run with id=${runId} not found`);
    return r;
  }

  /** The run, which must be active (writes to deleted runs are refused, as in MLflow). */
  activeRow(runId: string): RunRow {
    const r = this.row(runId);
    if (r.lifecycle_stage !== 'active') throw invalid(`The run ${runId} must be in the 'active' state. Current state is ${r.lifecycle_stage}.`);
    return r;
  }

  get(runId: string): Run {
    return this.store.runs.hydrate([this.row(runId)])[0];
  }

  update(runId: string, fields: { status?: RunStatus; endTime?: number; runName?: string }): Run {
    if (fields.status !== undefined && !RUN_STATUSES.includes(fields.status)) {
      throw invalid(`Invalid value '${fields.status}' for parameter 'status': expected one of ${RUN_STATUSES.join(', ')}`);
    }
    const r = this.store.tx(() => {
      const row = this.activeRow(runId);
      const ended = fields.status && fields.status !== 'RUNNING' && fields.status !== 'SCHEDULED';
      const endTime = fields.endTime ?? (ended ? row.end_time ?? Date.now() : undefined);
      this.store.runs.update(runId, { status: fields.status, end_time: endTime, name: fields.runName || undefined });
      if (fields.runName) this.store.runs.setTag(runId, 'mlflow.runName', fields.runName);
      return row;
    });
    this.store.changed('run', runId, String(r.experiment_id));
    return this.get(runId);
  }

  delete(runId: string): void {
    const r = this.store.tx(() => { const row = this.row(runId); this.store.runs.setLifecycle(runId, 'deleted', Date.now()); return row; });
    this.store.changed('run', runId, String(r.experiment_id));
  }

  restore(runId: string): void {
    const r = this.store.tx(() => { const row = this.row(runId); this.store.runs.setLifecycle(runId, 'active', null); return row; });
    this.store.changed('run', runId, String(r.experiment_id));
  }
}
