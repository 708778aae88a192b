// The TypeScript tracking client: what notebooks (JS/TS cells), scripts and the VS Code host use.
// Logging is buffered and flushed in the background, so a training loop never waits on HTTP per step.
import { ApiError, Http, type HttpOptions } from './http';
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

/** The server refused the content (bad value, missing run): sending it again cannot succeed. Auth and availability can. */
const isRefusal = (e: unknown): boolean => e instanceof ApiError && (e.status === 400 || e.status === 404);

/** The same key and value twice in one log-batch is refused as a duplicate, though logging it twice is allowed. */
function pushParam(p: Pending, x: KeyValue): void {
  if (!p.params.some(q => q.key === x.key && q.value === x.value)) p.params.push(x);
}

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

  /** Background flushes never throw into the training loop: their error surfaces at the next flush()/endRun(). */
  private schedule(): void {
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
    for (const [key, value] of Object.entries(params)) pushParam(p, { key, value: String(value) });
  }

  setTags(runId: string, tags: Record<string, string>): void {
    const p = this.buf(runId);
    for (const [key, value] of Object.entries(tags)) p.tags.push({ key, value });
  }

  /** Queues a whole batch (any size: split into MLflow-sized requests on flush). */
  logBatch(runId: string, batch: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] }): void {
    const p = this.buf(runId);
    p.metrics.push(...(batch.metrics ?? []));
    for (const x of batch.params ?? []) pushParam(p, x);
    p.tags.push(...(batch.tags ?? []));
  }

  /** Sends everything buffered; resolves when the server has stored it. Rejects with the first error: items the server
   *  refuses (a changed param value, a missing run) are dropped, the rest still sent; on any other error all stay queued. */
  flush(): Promise<void> {
    const next = this.inflight.then(() => this.drain()).then(() => {
      // A background flush had items refused (and dropped): report that once. Transient failures (server
      // unreachable, 5xx, 401/403) kept their data queued, and this successful drain delivered it.
      const f = this.failure;
      this.failure = undefined;
      if (f instanceof ApiError && (f.status === 400 || f.status === 404)) throw f;
    });
    this.inflight = next.catch(() => undefined);
    return next;
  }

  private async drain(): Promise<void> {
    let refused: unknown;
    for (const [runId, p] of this.pending) {
      while (p.metrics.length || p.params.length || p.tags.length) {
        const params = p.params.splice(0, MAX_PARAMS);
        const tags = p.tags.splice(0, MAX_TAGS);
        const metrics = p.metrics.splice(0, MAX_METRICS - params.length - tags.length);
        try {
          await this.http.call('POST', 'runs/log-batch', { run_id: runId, metrics, params, tags });
        } catch (e) {
          if (!isRefusal(e)) {
            // Nothing is dropped: the batch goes back to the front of the queue for the next flush.
            p.metrics.unshift(...metrics);
            p.params.unshift(...params);
            p.tags.unshift(...tags);
            throw e;
          }
          // The server refused the batch as a whole (log-batch is all or nothing), and resending it would be refused
          // forever: send its parts on their own so one bad item (say a changed param value) does not hold back the rest.
          refused ??= e;
          await this.sendParts(runId, p, metrics, params, tags);
        }
      }
      this.pending.delete(runId);
    }
    if (refused) throw refused;
  }

  /** Sends each metric key's points, each param and each tag as its own batch; drops only what the server refuses. */
  private async sendParts(runId: string, p: Pending, metrics: Metric[], params: KeyValue[], tags: KeyValue[]): Promise<void> {
    const byKey = new Map<string, Metric[]>();
    for (const m of metrics) { const ms = byKey.get(m.key); if (ms) ms.push(m); else byKey.set(m.key, [m]); }
    const parts: Pending[] = [
      ...[...byKey.values()].map(ms => ({ metrics: ms, params: [], tags: [] })),
      ...params.map(x => ({ metrics: [], params: [x], tags: [] })),
      ...tags.map(x => ({ metrics: [], params: [], tags: [x] })),
    ];
    for (const [i, part] of parts.entries()) {
      try {
        await this.http.call('POST', 'runs/log-batch', { run_id: runId, ...part });
      } catch (e) {
        if (isRefusal(e)) continue;
        for (const q of parts.slice(i).reverse()) { p.metrics.unshift(...q.metrics); p.params.unshift(...q.params); p.tags.unshift(...q.tags); }
        throw e;
      }
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
