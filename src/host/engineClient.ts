// The host's only way to the engine: its HTTP API (the same one notebooks use), plus its change feed.
import * as vscode from 'vscode';
import { TrackingClient } from '../client/trackingClient';
import type { Run } from '../shared/dto';
import type { RunSummary } from '../shared/protocol';
import { Disposable } from './disposable';

export interface ChangeEvent {
  kind: string;
  id: string;
  experimentId?: string;
  version: number;
}

export function summarize(run: Run, experimentName = ''): RunSummary {
  const kv = (xs: { key: string; value: string }[]) => Object.fromEntries(xs.map(x => [x.key, x.value]));
  return {
    runId: run.info.run_id, name: run.info.run_name, experimentId: run.info.experiment_id, experimentName,
    status: run.info.status, startTime: run.info.start_time, endTime: run.info.end_time,
    metrics: Object.fromEntries(run.data.metrics.map(m => [m.key, m.value])), params: kv(run.data.params), tags: kv(run.data.tags),
  };
}

export class EngineClient extends Disposable {
  readonly client: TrackingClient;
  private readonly _onChange = this.track(new vscode.EventEmitter<ChangeEvent>());
  readonly onChange = this._onChange.event;
  private abort = new AbortController();

  constructor(readonly url: string, readonly token?: string) {
    super();
    this.client = new TrackingClient({ trackingUri: url, token });
    this.track({ dispose: () => { this.abort.abort(); void this.client.close().catch(() => undefined); } });
    void this.listen();
  }

  /** Server-sent events from /api/2.0/mlops/events; reconnects while the client lives. */
  private async listen(): Promise<void> {
    while (!this.isDisposed) {
      try {
        const res = await fetch(`${this.url}/api/2.0/mlops/events`, { signal: this.abort.signal, headers: this.token ? { Authorization: `Bearer ${this.token}` } : {} });
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const chunk = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const data = chunk.split('\n').find(l => l.startsWith('data: '));
            if (data) this._onChange.fire(JSON.parse(data.slice(6)) as ChangeEvent);
          }
        }
      } catch { /* engine restarting or disposed */ }
      if (!this.isDisposed) await new Promise(r => setTimeout(r, 500));
    }
  }

  async experiments(): Promise<{ id: string; name: string }[]> {
    const r = await this.client.searchExperiments({ max_results: 50000 });
    return (r.experiments ?? []).map(e => ({ id: e.experiment_id, name: e.name }));
  }

  async runs(experimentIds: string[], opts: { filter?: string; orderBy?: string[]; max?: number; pageToken?: string; all?: boolean; view?: 'ACTIVE_ONLY' | 'DELETED_ONLY' } = {}):
    Promise<{ runs: Run[]; next?: string }> {
    const run_view_type = opts.all ? 'ALL' : opts.view ?? 'ACTIVE_ONLY';
    const r = await this.client.searchRuns({ experiment_ids: experimentIds, filter: opts.filter, order_by: opts.orderBy, max_results: opts.max ?? 1000, page_token: opts.pageToken, run_view_type });
    return { runs: r.runs ?? [], next: r.next_page_token };
  }

  async runsByIds(runIds: string[]): Promise<Run[]> {
    return Promise.all(runIds.map(id => this.client.getRun(id)));
  }
}
