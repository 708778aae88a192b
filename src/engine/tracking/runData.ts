// Logging into runs: params (immutable), metrics (append), tags (overwrite), batches, inputs, models.
import { invalid, notFound } from '../errors';
import type { Store } from '../store/store';
import type { MetricPoint } from '../store/metricsRepo';
import type { Dataset, KeyValue } from '../../shared/dto';
import type { RunsService } from './runs';
import { LIMITS, validateKey, validateValue } from './validate';

export interface Batch {
  metrics: MetricPoint[];
  params: KeyValue[];
  tags: KeyValue[];
}

export class RunDataService {
  constructor(private readonly store: Store, private readonly runs: RunsService) {}

  private checkParams(params: KeyValue[]): KeyValue[] {
    const seen = new Set<string>();
    const dupes = new Set<string>();
    const out = params.map(p => {
      const key = validateKey('Param', p.key);
      if (seen.has(key)) dupes.add(key);
      seen.add(key);
      return { key, value: validateValue('Param', key, p.value ?? '', LIMITS.paramValueBytes) };
    });
    if (dupes.size) throw invalid(`Duplicate parameter keys have been submitted: [${[...dupes].map(k => `'${k}'`).join(', ')}]. Please ensure the request contains only one param value per param key.`);
    return out;
  }

  private checkMetric(m: MetricPoint): MetricPoint {
    validateKey('Metric', m.key);
    if (typeof m.value !== 'number') throw invalid(`Got invalid value ${String(m.value)} for metric '${m.key}' (timestamp=${m.timestamp}). Please specify value as a valid double (64-bit floating point)`);
    if (!Number.isSafeInteger(m.timestamp) || m.timestamp < 0) throw invalid(`Got invalid timestamp ${m.timestamp} for metric '${m.key}' (value=${m.value}). Timestamp must be a nonnegative long (64-bit integer)`);
    if (!Number.isSafeInteger(m.step)) throw invalid(`Got invalid step ${m.step} for metric '${m.key}' (value=${m.value}). Step must be a valid long (64-bit integer).`);
    return m;
  }

  private checkTags(tags: KeyValue[]): KeyValue[] {
    return tags.map(t => ({ key: validateKey('Tag', t.key), value: validateValue('Tag', t.key, t.value ?? '', LIMITS.tagValueBytes) }));
  }

  /** Validates everything first, then writes params, metrics and tags in one transaction: all or nothing. */
  logBatch(runId: string, batch: Batch): void {
    const { metrics, params, tags } = batch;
    if (metrics.length > LIMITS.batchMetrics) throw invalid(`A batch logging request can contain at most ${LIMITS.batchMetrics} metrics. Got ${metrics.length} metrics. Please split up metrics across multiple requests and try again.`);
    if (params.length > LIMITS.batchParams) throw invalid(`A batch logging request can contain at most ${LIMITS.batchParams} params. Got ${params.length} params. Please split up params across multiple requests and try again.`);
    if (tags.length > LIMITS.batchTags) throw invalid(`A batch logging request can contain at most ${LIMITS.batchTags} tags. Got ${tags.length} tags. Please split up tags across multiple requests and try again.`);
    const total = metrics.length + params.length + tags.length;
    if (total > LIMITS.batchTotal) throw invalid(`A batch logging request can contain at most ${LIMITS.batchTotal} metrics, params and tags in total. Got ${total}.`);
    const ps = this.checkParams(params);
    metrics.forEach(m => this.checkMetric(m));
    const ts = this.checkTags(tags);
    const run = this.store.tx(() => {
      const row = this.runs.activeRow(runId);
      for (const p of ps) this.writeParam(runId, p);
      if (metrics.length) this.store.metrics.insert(runId, metrics);
      for (const t of ts) this.writeTag(runId, t);
      return row;
    });
    this.store.changed(metrics.length && !ps.length && !ts.length ? 'metric' : 'run', runId, String(run.experiment_id));
  }

  private writeParam(runId: string, p: KeyValue): void {
    const existing = this.store.runs.insertParam(runId, p.key, p.value);
    if (existing !== undefined && existing !== p.value) {
      throw invalid(`Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${existing}' for run ID='${runId}'. Attempted logging new value '${p.value}'.`);
    }
  }

  private writeTag(runId: string, t: KeyValue): void {
    this.store.runs.setTag(runId, t.key, t.value);
    if (t.key === 'mlflow.runName') this.store.runs.update(runId, { name: t.value });
  }

  logMetric(runId: string, m: MetricPoint): void {
    this.logBatch(runId, { metrics: [m], params: [], tags: [] });
  }

  logParam(runId: string, key: string, value: string): void {
    this.logBatch(runId, { metrics: [], params: [{ key, value }], tags: [] });
  }

  setTag(runId: string, key: string, value: string): void {
    this.logBatch(runId, { metrics: [], params: [], tags: [{ key, value }] });
  }

  deleteTag(runId: string, key: string): void {
    const run = this.store.tx(() => {
      const row = this.runs.activeRow(runId);
      if (!this.store.runs.deleteTag(runId, key)) throw notFound(`No tag with name: ${key} in run with id ${runId}`);
      return row;
    });
    this.store.changed('run', runId, String(run.experiment_id));
  }

  logInputs(runId: string, inputs: { dataset: Dataset; tags: KeyValue[] }[]): void {
    for (const [i, inp] of inputs.entries()) {
      for (const f of ['name', 'digest', 'source_type', 'source'] as const) {
        if (typeof inp.dataset?.[f] !== 'string' || !inp.dataset[f]) throw invalid(`Missing value for required parameter 'datasets[${i}].dataset.${f}'`);
      }
    }
    const run = this.store.tx(() => {
      const row = this.runs.activeRow(runId);
      for (const inp of inputs) this.store.inputs.link(runId, String(row.experiment_id), inp.dataset, inp.tags);
      return row;
    });
    this.store.changed('run', runId, String(run.experiment_id));
  }

  /** runs/log-model: appends the model's JSON to the run's `mlflow.log-model.history` tag. */
  logModel(runId: string, modelJson: string): void {
    let model: Record<string, unknown>;
    try {
      model = JSON.parse(modelJson) as Record<string, unknown>;
      if (!model || typeof model !== 'object' || Array.isArray(model)) throw new Error('not an object');
    } catch {
      throw invalid(`Malformed model info. model_json is not valid JSON: ${modelJson.slice(0, 80)}`);
    }
    const missing = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'].filter(k => !(k in model));
    if (missing.length) throw invalid(`Model json is missing mandatory fields: {${missing.map(k => `'${k}'`).join(', ')}}`);
    const run = this.store.tx(() => {
      const row = this.runs.activeRow(runId);
      const prev = this.store.runs.getTag(runId, 'mlflow.log-model.history');
      let history: unknown[] = [];
      try { history = prev ? (JSON.parse(prev) as unknown[]) : []; } catch { history = []; }
      history.push(model);
      this.store.runs.setTag(runId, 'mlflow.log-model.history', JSON.stringify(history));
      return row;
    });
    this.store.changed('run', runId, String(run.experiment_id));
  }

  logOutputs(runId: string, models: { model_id: string; step: number }[]): void {
    const run = this.store.tx(() => {
      const row = this.runs.activeRow(runId);
      for (const m of models) this.store.inputs.linkOutput(runId, m.model_id, m.step);
      return row;
    });
    this.store.changed('run', runId, String(run.experiment_id));
  }
}
