// The TypeScript tracking client: what notebooks (JS/TS cells), scripts and the VS Code host use.
// Logging is buffered and flushed in the background, so a training loop never waits on HTTP per step.
import { Http, type HttpOptions } from './http';
import type { Experiment, KeyValue, Metric, MetricWithRunId, Run, RunInfo, RunStatus } from '../shared/dto';

export { ApiError } from './http';

interface Pending {
  metrics: Metric[];
  params: KeyValue[];
  tags: KeyValue[];
}
const MAX_METRICS = 1000;
const MAX_PARAMS = 100;
const MAX_TAGS = 100;

export interface ClientOptions extends Partial<HttpOptions> {
  /** Background flush interval (ms). */
  flushIntervalMs?: number;
}

export class TrackingClient {
  readonly http: Http;
  private readonly pending = new Map<string, Pending>();
  private timer?: NodeJS.Timeout;
  private inflight: Promise<void> = Promise.resolve();
  private failure?: Error;
  private readonly interval: number;

  constructor(opts: ClientOptions = {}) {
    const trackingUri = opts.trackingUri ?? process.env.MLFLOW_TRACKING_URI;
    if (!trackingUri || !/^https?:\/\//.test(trackingUri)) throw new Error('TrackingClient needs an http(s) trackingUri (or MLFLOW_TRACKING_URI)');
    this.http = new Http({ trackingUri, token: opts.token ?? process.env.MLFLOW_TRACKING_TOKEN, retries: opts.retries });
    this.interval = opts.flushIntervalMs ?? 200;
  }

  get trackingUri(): string {
    return this.http.base;
  }

  // ---- experiments and runs ----
  async getOrCreateExperiment(name: string): Promise<string> {
    try {
      return (await this.http.call<{ experiment: Experiment }>('GET', 'experiments/get-by-name', { experiment_name: name })).experiment.experiment_id;
    } catch (e) {
      if ((e as { code?: string }).code !== 'RESOURCE_DOES_NOT_EXIST') throw e;
      return (await this.http.call<{ experiment_id: string }>('POST', 'experiments/create', { name })).experiment_id;
    }
  }

  async startRun(opts: { experimentId?: string; experimentName?: string; runName?: string; tags?: Record<string, string> } = {}): Promise<RunInfo> {
    const experimentId = opts.experimentId ?? (opts.experimentName ? await this.getOrCreateExperiment(opts.experimentName) : process.env.MLFLOW_EXPERIMENT_ID ?? '0');
    const tags = Object.entries(opts.tags ?? {}).map(([key, value]) => ({ key, value }));
    const { run } = await this.http.call<{ run: Run }>('POST', 'runs/create', { experiment_id: experimentId, run_name: opts.runName, start_time: Date.now(), tags });
    return run.info;
  }

  /** Flushes everything buffered for the run, then sets its status and end time. */
  async endRun(runId: string, status: RunStatus = 'FINISHED'): Promise<void> {
    await this.flush();
    await this.http.call('POST', 'runs/update', { run_id: runId, status, end_time: Date.now() });
  }

  getRun(runId: string): Promise<Run> {
    return this.http.call<{ run: Run }>('GET', 'runs/get', { run_id: runId }).then(r => r.run);
  }

  searchRuns(body: { experiment_ids: string[]; filter?: string; order_by?: string[]; max_results?: number; page_token?: string; run_view_type?: string }):
    Promise<{ runs?: Run[]; next_page_token?: string }> {
    return this.http.call('POST', 'runs/search', body);
  }

  searchExperiments(body: { view_type?: string; max_results?: number; filter?: string } = {}): Promise<{ experiments?: Experiment[] }> {
    return this.http.call('POST', 'experiments/search', { max_results: 1000, ...body });
  }

  metricIntervals(runIds: string[], key: string, maxResults = 2000): Promise<MetricWithRunId[]> {
    return this.http.call<{ metrics?: MetricWithRunId[] }>('GET', 'metrics/get-history-bulk-interval', { run_ids: runIds, metric_key: key, max_results: maxResults })
      .then(r => r.metrics ?? []);
  }

  // ---- buffered logging ----
  private buf(runId: string): Pending {
    let p = this.pending.get(runId);
    if (!p) this.pending.set(runId, (p = { metrics: [], params: [], tags: [] }));
    this.schedule();
    return p;
  }

  private schedule(): void {
    if (this.failure) { const f = this.failure; this.failure = undefined; throw f; }
    if (this.timer) return;
    this.timer = setTimeout(() => { this.timer = undefined; void this.flush().catch(e => (this.failure = e as Error)); }, this.interval);
    this.timer.unref?.();
  }

  logMetric(runId: string, key: string, value: number, step = 0, timestamp = Date.now()): void {
    const v = Number.isNaN(value) ? 'NaN' : value === Infinity ? 'Infinity' : value === -Infinity ? '-Infinity' : value;
    const p = this.buf(runId);
    p.metrics.push({ key, value: v, step, timestamp });
    if (p.metrics.length >= MAX_METRICS) void this.flush().catch(e => (this.failure = e as Error));
  }

  logMetrics(runId: string, metrics: Record<string, number>, step = 0): void {
    const ts = Date.now();
    for (const [k, v] of Object.entries(metrics)) this.logMetric(runId, k, v, step, ts);
  }

  logParams(runId: string, params: Record<string, string | number | boolean>): void {
    const p = this.buf(runId);
    for (const [key, value] of Object.entries(params)) p.params.push({ key, value: String(value) });
  }

  setTags(runId: string, tags: Record<string, string>): void {
    const p = this.buf(runId);
    for (const [key, value] of Object.entries(tags)) p.tags.push({ key, value });
  }

  /** Queues a whole batch (any size: split into MLflow-sized requests on flush). */
  logBatch(runId: string, batch: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] }): void {
    const p = this.buf(runId);
    p.metrics.push(...(batch.metrics ?? []));
    p.params.push(...(batch.params ?? []));
    p.tags.push(...(batch.tags ?? []));
  }

  /** Sends everything buffered; resolves when the server has stored it. Rejects with the first error. */
  flush(): Promise<void> {
    const next = this.inflight.then(() => this.drain());
    this.inflight = next.catch(() => undefined);
    return next;
  }

  private async drain(): Promise<void> {
    for (const [runId, p] of this.pending) {
      while (p.metrics.length || p.params.length || p.tags.length) {
        const params = p.params.splice(0, MAX_PARAMS);
        const tags = p.tags.splice(0, MAX_TAGS);
        const metrics = p.metrics.splice(0, MAX_METRICS - params.length - tags.length);
        try {
          await this.http.call('POST', 'runs/log-batch', { run_id: runId, metrics, params, tags });
        } catch (e) {
          // Nothing is dropped: the batch goes back to the front of the queue for the next flush.
          p.metrics.unshift(...metrics);
          p.params.unshift(...params);
          p.tags.unshift(...tags);
          throw e;
        }
      }
      this.pending.delete(runId);
    }
  }

  /** Flushes and stops the background timer. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    if (this.failure) { const f = this.failure; this.failure = undefined; throw f; }
  }
}
