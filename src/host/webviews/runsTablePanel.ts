// Runs table: all runs of one or more experiments, MLflow filter grammar, compare/plot selected.
import * as vscode from 'vscode';
import type { RunsTableToHost, RunsTableToWebview } from '../../shared/protocol';
import { ApiError } from '../../client/trackingClient';
import { summarize, type EngineClient } from '../engineClient';
import { Panel } from './panel';

export const RUNS_TABLE_VIEW_TYPE = 'mlops.runsTable';

export class RunsTablePanel extends Panel<RunsTableToHost, RunsTableToWebview> {
  private orderBy: string[] = [];

  constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly client: EngineClient, experimentIds: string[] | undefined,
    filter: string, actions: { openRun(id: string): void; compare(ids: string[]): void; plot(ids: string[]): void }) {
    super(panel, extensionUri, 'runsTable', { experimentIds, filter });
    this.track(this.onMessage(m => {
      switch (m.type) {
        case 'ready': void this.load(); break;
        case 'query': this.state.filter = m.filter; this.orderBy = m.orderBy; void this.load(); break;
        case 'openRun': actions.openRun(m.runId); break;
        case 'compare': actions.compare(m.runIds); break;
        case 'plot': actions.plot(m.runIds); break;
      }
    }));
  }

  /** Loads the runs; a filter mistake is shown at the filter box, anything else as an error in the panel. */
  async load(): Promise<void> {
    const t0 = Date.now();
    try {
      const exps = await this.client.experiments();
      const ids = this.state.experimentIds?.length ? this.state.experimentIds : exps.map(e => e.id);
      const names = new Map(exps.map(e => [e.id, e.name]));
      const { runs } = await this.client.runs(ids, { filter: this.state.filter, orderBy: this.orderBy, max: 50000 });
      this.post({
        type: 'runs', experimentNames: ids.map(i => names.get(i) ?? i), runs: runs.map(r => summarize(r, names.get(r.info.experiment_id))),
        filter: this.state.filter ?? '', total: runs.length, elapsedMs: Date.now() - t0,
      });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'INVALID_PARAMETER_VALUE') this.post({ type: 'filterError', message: e.message });
      else this.post({ type: 'error', message: `Cannot load the runs: ${(e as Error).message}` });
    }
  }
}
