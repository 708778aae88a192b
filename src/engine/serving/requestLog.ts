// Writes a configurable sample of requests (inputs, outputs, latency, model version) to the store, batched
// in one transaction every 250 ms so logging never adds a commit to a request's latency.
import type { Store } from '../store/store';
import type { ServingLogRow } from '../store/servingLogRepo';
import { log } from '../log';

export class RequestLog {
  private pending: ServingLogRow[] = [];
  private timer?: NodeJS.Timeout;

  constructor(private readonly store: Store | undefined, private readonly endpoint: string, private readonly sample: number) {}

  /** `row` is only built for a sampled request: a request that is not logged pays nothing for its JSON. */
  record(row: () => Omit<ServingLogRow, 'endpoint'>): void {
    if (!this.store || this.sample <= 0 || Math.random() >= this.sample) return;
    this.pending.push({ ...row(), endpoint: this.endpoint });
    this.timer ??= setTimeout(() => this.flush(), 250);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.store || !this.pending.length) return;
    const rows = this.pending.splice(0);
    try {
      this.store.tx(() => this.store!.servingLog.insertMany(rows));
    } catch (e) {
      log.warn(`request log: ${rows.length} rows not written: ${(e as Error).message}`);
    }
  }
}
