// Drift report: one stored check (a monitor's or an ad-hoc comparison) with the monitor's history. The panel keeps
// only the check id and monitor name, so a reloaded window asks the engine again.
import type * as vscode from 'vscode';
import type { DriftState, DriftToHost, DriftToWebview } from '../../shared/protocol';
import type { EngineClient } from '../engineClient';
import { getCheck, monitorHistory, type DriftCheckDto, type HistoryCheck } from '../drift/driftClient';
import { Panel } from './panel';

export const DRIFT_VIEW_TYPE = 'mlops.driftReport';

export interface DriftPanelActions {
  client(): Promise<EngineClient>;
  /** Runs the monitor (the caller records and notifies); the new check. */
  runCheck(monitor: string): Promise<DriftCheckDto | undefined>;
  openSource(source: string): void;
}

export function driftTitle(check: Pick<DriftCheckDto, 'monitor' | 'report'>): string {
  const base = (s: string) => s.split(/[\\/]/).pop() ?? s;
  return check.monitor ? `Drift · ${check.monitor}` : `Drift · ${base(check.report.current.source)} vs ${base(check.report.reference.source)}`;
}

export class DriftPanel extends Panel<DriftToHost, DriftToWebview> {
  /** What the webview was last sent (the extension-host tests read it). */
  last?: { check: DriftCheckDto; history?: HistoryCheck[] };

  constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, target: DriftState, private readonly actions: DriftPanelActions) {
    super(panel, extensionUri, 'drift', target);
    this.track(this.onMessage(m => {
      switch (m.type) {
        case 'ready': return void this.load();
        case 'runCheck': return void this.rerun(m.monitor);
        case 'openCheck': return void this.load({ checkId: m.id });
        case 'openSource': return actions.openSource(m.source);
      }
    }));
  }

  get target(): DriftState {
    return this.state as DriftState;
  }

  /** Shows another check (of the same or another monitor) in this panel. */
  async load(target: DriftState = {}): Promise<void> {
    Object.assign(this.state, target);
    const t = this.target;
    try {
      const c = await this.actions.client();
      let id = t.checkId;
      if (id === undefined && t.monitor) id = (await monitorHistory(c, t.monitor, 1))[0]?.id;
      if (id === undefined) {
        this.post({ type: 'error', message: t.monitor ? `Monitor ${t.monitor} has not been checked yet: run it first.` : 'Nothing to show.' });
        return;
      }
      const check = await getCheck(c, id);
      this.show(check, check.monitor ? await monitorHistory(c, check.monitor, 200) : undefined);
    } catch (e) {
      this.post({ type: 'error', message: (e as Error).message });
    }
  }

  show(check: DriftCheckDto, history?: HistoryCheck[]): void {
    Object.assign(this.state, { checkId: check.id, monitor: check.monitor });
    this.last = { check, history };
    this.panel.title = driftTitle(check);
    const focus = this.target.focus;
    this.target.focus = undefined;
    this.post({ type: 'report', report: check.report, monitor: check.monitor, checkId: check.id, history, focus });
  }

  private async rerun(monitor: string): Promise<void> {
    this.post({ type: 'loading', message: `Checking ${monitor}…` });
    try {
      const check = await this.actions.runCheck(monitor);
      if (check) await this.load({ checkId: check.id, monitor });
      else await this.load();
    } catch (e) {
      this.post({ type: 'error', message: (e as Error).message });
    }
  }
}
