// A served model: resolves MODEL_REF, loads it into ONNX Runtime, decodes requests, micro-batches, and
// hot-swaps to a new version when the alias/stage it follows moves (no request fails during the swap).
import type { Tensor } from 'onnxruntime-node';
import { MlflowError } from '../errors';
import { log } from '../log';
import type { Engine } from '../engine';
import { resolveModelRef, type ResolvedModel } from './modelRef';
import { ModelSession, type SessionOptions } from './modelSession';
import { decodeRequest, encodeOutputs, type Feeds } from './decode';
import { MicroBatcher } from './batcher';
import { EndpointMetrics } from './metrics';
import { RequestLog } from './requestLog';

export interface EndpointOptions {
  ref: string;
  maxBatch?: number;
  maxWaitMs?: number;
  session?: SessionOptions;
  logSample?: number;
  swapPollMs?: number;
  /** How often the served version's measured p50/p99 are written to its tags (default 30 s; also on close). */
  latencyTagMs?: number;
}

/** Requests a version must have answered before its latency is recorded: fewer make a p99 meaningless. */
export const MIN_REQUESTS_FOR_LATENCY_TAG = 200;

interface Loaded extends ResolvedModel {
  model: ModelSession;
  label: string;
}

export class Endpoint {
  readonly metrics = new EndpointMetrics();
  private current!: Loaded;
  private batcher!: MicroBatcher;
  private poll?: NodeJS.Timeout;
  private latencyTimer?: NodeJS.Timeout;
  private swapping = false;
  readonly log: RequestLog;

  constructor(private readonly engine: Engine | undefined, readonly opts: EndpointOptions, endpointId: string) {
    this.log = new RequestLog(engine?.store, endpointId, opts.logSample ?? 0);
  }

  get loaded(): Loaded {
    return this.current;
  }

  private async load(): Promise<Loaded> {
    const r = resolveModelRef(this.opts.ref, this.engine);
    const model = await ModelSession.load(r.file, this.opts.session);
    return { ...r, model, label: r.version ?? 'file' };
  }

  async start(): Promise<void> {
    this.current = await this.load();
    this.batcher = new MicroBatcher(() => this.current.model, { maxBatch: this.opts.maxBatch ?? 64, maxWaitMs: this.opts.maxWaitMs ?? 0 }, rows => this.metrics.batch(this.current.label, rows));
    if (this.engine && this.current.name && this.current.version) {
      // The measured latency of a registered version feeds the `serving.p99_ms` gate of .mlops/policy.yaml.
      this.latencyTimer = setInterval(() => this.recordLatency(), this.opts.latencyTagMs ?? 30_000);
      this.latencyTimer.unref();
    }
    if (this.engine && this.opts.ref.startsWith('models:/') && !/\/\d+\/?$/.test(this.opts.ref)) {
      this.poll = setInterval(() => void this.checkSwap(), this.opts.swapPollMs ?? 1000);
      this.poll.unref();
    }
  }

  /** Loads the version the ref now points to, switches to it, and releases the old session after a grace period. */
  async checkSwap(): Promise<boolean> {
    if (this.swapping) return false;
    this.swapping = true;
    try {
      const r = resolveModelRef(this.opts.ref, this.engine);
      if (r.file === this.current.file && r.version === this.current.version) return false;
      const next = await this.load();
      const old = this.current;
      this.current = next; // atomic for every request that starts from now on
      log.info(`hot swap ${this.opts.ref}: version ${old.label} → ${next.label}`);
      setTimeout(() => void old.model.release().catch(() => undefined), 5000).unref();
      return true;
    } catch (e) {
      log.warn(`hot swap check for ${this.opts.ref} failed (still serving ${this.current.label}): ${(e as Error).message}`);
      return false;
    } finally {
      this.swapping = false;
    }
  }

  metadata(): Record<string, unknown> {
    const c = this.current;
    return { ref: this.opts.ref, name: c.name ?? null, version: c.version ?? null, file: c.file, inputs: c.model.inputs, outputs: c.model.outputs,
      batchable: c.model.batchable, max_batch: c.model.batchable ? this.opts.maxBatch ?? 64 : 1, max_wait_ms: this.opts.maxWaitMs ?? 0 };
  }

  /** One scoring request: 200 with predictions, or a 4xx naming the problem. Never throws for client input. */
  async invoke(contentType: string, body: string): Promise<{ status: number; body: unknown }> {
    const t0 = performance.now();
    const c = this.current;
    let feeds: Feeds;
    try {
      feeds = decodeRequest(c.model.ortLib, c.model.inputs, contentType, body);
    } catch (e) {
      const err = e instanceof MlflowError ? e : new MlflowError('BAD_REQUEST', (e as Error).message);
      this.metrics.request(c.label, performance.now() - t0, err.status);
      return { status: err.status, body: err.toJSON() };
    }
    let out: Record<string, Tensor>;
    try {
      out = await this.batcher.run(feeds);
    } catch (e) {
      // ONNX Runtime rejected the tensors (e.g. an impossible shape): the client's input, reported as 400.
      const message = `the model could not run on this input: ${(e as Error).message.split('\n')[0]}`;
      this.metrics.request(c.label, performance.now() - t0, 400);
      return { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message } };
    }
    const predictions = encodeOutputs(out, c.model.outputs.map(o => o.name));
    const ms = performance.now() - t0;
    this.metrics.request(c.label, ms, 200);
    this.log.record(() => ({ time: Date.now(), model_name: c.name ?? null, model_version: c.version ?? null, latency_ms: ms, status: 200, inputs: body.slice(0, 100_000), outputs: JSON.stringify(predictions).slice(0, 100_000) }));
    return { status: 200, body: { predictions } };
  }

  /**
   * Writes mlops.serving.p50_ms / p99_ms / requests on the registered version being served, from this endpoint's
   * latency histogram (the upper bound of the bucket holding the quantile: conservative for a gate).
   */
  recordLatency(): void {
    const c = this.current;
    if (!this.engine || !c?.name || !c.version) return;
    const l = this.metrics.latencyOf(c.label);
    if (!l || l.n < MIN_REQUESTS_FOR_LATENCY_TAG) return;
    try {
      for (const [k, v] of [['p50_ms', l.p50], ['p99_ms', l.p99], ['requests', l.n]] as const) this.engine.registry.setVersionTag(c.name, Number(c.version), `mlops.serving.${k}`, String(v));
    } catch (e) {
      log.warn(`could not record the serving latency of ${c.name} v${c.version}: ${(e as Error).message}`);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.poll);
    clearInterval(this.latencyTimer);
    this.recordLatency();
    this.log.flush();
    await this.current?.model.release().catch(() => undefined);
  }
}
