// Prometheus text metrics for an endpoint: requests, errors by code, latency and batch-size histograms,
// labelled with the model version being served.
const LATENCY_BUCKETS_MS = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 25, 50, 75, 100, 250, 500, 1000, 2500];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

class Histogram {
  readonly counts: number[];
  sum = 0;
  n = 0;
  constructor(readonly buckets: number[]) { this.counts = buckets.map(() => 0); }
  observe(v: number): void {
    this.sum += v;
    this.n++;
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]) this.counts[i]++;
  }
  /** Approximate quantile from the buckets (upper bound of the bucket holding it). */
  quantile(q: number): number {
    const target = q * this.n;
    for (let i = 0; i < this.buckets.length; i++) if (this.counts[i] >= target) return this.buckets[i];
    return Infinity;
  }
}

export class EndpointMetrics {
  private requests = new Map<string, number>(); // by version
  private errors = new Map<string, number>(); // by "code"
  private latency = new Map<string, Histogram>();
  private batches = new Map<string, Histogram>();
  private readonly started = Date.now();
  private recent: number[] = []; // request timestamps from index `oldest` on: the last 10 s (requests/s)
  private oldest = 0;

  request(version: string, ms: number, status: number): void {
    this.requests.set(version, (this.requests.get(version) ?? 0) + 1);
    if (status >= 400) this.errors.set(String(status), (this.errors.get(String(status)) ?? 0) + 1);
    else {
      let h = this.latency.get(version);
      if (!h) this.latency.set(version, (h = new Histogram(LATENCY_BUCKETS_MS)));
      h.observe(ms);
    }
    const now = Date.now();
    this.recent.push(now);
    // Amortised O(1): advance past expired stamps, compact only once half the array is expired.
    while (this.recent[this.oldest] < now - 10000) this.oldest++;
    if (this.oldest > 1024 && this.oldest * 2 > this.recent.length) { this.recent = this.recent.slice(this.oldest); this.oldest = 0; }
  }

  batch(version: string, size: number): void {
    let h = this.batches.get(version);
    if (!h) this.batches.set(version, (h = new Histogram(BATCH_BUCKETS)));
    h.observe(size);
  }

  /** Successful requests of one version and their p50/p99 latency (bucket upper bounds, ms). */
  latencyOf(version: string): { n: number; p50: number; p99: number } | undefined {
    const h = this.latency.get(version);
    return h?.n ? { n: h.n, p50: h.quantile(0.5), p99: h.quantile(0.99) } : undefined;
  }

  /** Live figures for the VS Code Endpoints view. */
  summary(): { requests: number; errors: number; rps: number; p50_ms: number; p99_ms: number; uptime_s: number } {
    const now = Date.now();
    const last = this.recent.slice(this.oldest).filter(t => t >= now - 10000);
    const all = new Histogram(LATENCY_BUCKETS_MS);
    for (const h of this.latency.values()) { h.counts.forEach((c, i) => (all.counts[i] += c)); all.n += h.n; all.sum += h.sum; }
    return {
      requests: [...this.requests.values()].reduce((a, b) => a + b, 0), errors: [...this.errors.values()].reduce((a, b) => a + b, 0),
      rps: last.length / Math.min(10, Math.max(1, (now - this.started) / 1000)), p50_ms: all.n ? all.quantile(0.5) : 0, p99_ms: all.n ? all.quantile(0.99) : 0,
      uptime_s: Math.round((now - this.started) / 1000),
    };
  }

  render(model: string): string {
    const lines: string[] = [];
    const lbl = (o: Record<string, string>) => `{${Object.entries({ model, ...o }).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',')}}`;
    lines.push('# HELP mlops_requests_total Scoring requests by model version.', '# TYPE mlops_requests_total counter');
    for (const [v, n] of this.requests) lines.push(`mlops_requests_total${lbl({ version: v })} ${n}`);
    lines.push('# HELP mlops_request_errors_total Failed scoring requests by HTTP status.', '# TYPE mlops_request_errors_total counter');
    for (const [c, n] of this.errors) lines.push(`mlops_request_errors_total${lbl({ code: c })} ${n}`);
    const hist = (name: string, help: string, map: Map<string, Histogram>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
      for (const [v, h] of map) {
        h.buckets.forEach((b, i) => lines.push(`${name}_bucket${lbl({ version: v, le: String(b) })} ${h.counts[i]}`));
        lines.push(`${name}_bucket${lbl({ version: v, le: '+Inf' })} ${h.n}`, `${name}_sum${lbl({ version: v })} ${h.sum}`, `${name}_count${lbl({ version: v })} ${h.n}`);
      }
    };
    hist('mlops_request_latency_ms', 'Request latency in milliseconds (HTTP in to HTTP out).', this.latency);
    hist('mlops_batch_size', 'Rows per ONNX Runtime run (after micro-batching).', this.batches);
    return `${lines.join('\n')}\n`;
  }
}
