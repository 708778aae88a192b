// One notification when a check crosses a threshold: "Drift detected in monitor X: col_a, col_b" with "Open
// Report". A column that already drifted in the monitor's previous check does not notify again (hourly checks
// of a drift nobody fixed yet stay quiet); a newly drifting column does.
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { newlyDrifted } from './driftClient';

export interface DriftNotice { monitor: string; checkId: number; columns: string[]; message: string; time: number }

export class DriftNotifier extends Disposable {
  /** Every notification shown in this session (the extension-host tests read it). */
  readonly shown: DriftNotice[] = [];
  private readonly _onDidNotify = this.track(new vscode.EventEmitter<DriftNotice>());
  readonly onDidNotify = this._onDidNotify.event;

  constructor(private readonly openReport: (monitor: string, checkId: number) => void) {
    super();
  }

  /** After a check of `monitor`: notifies (once) when a column crossed its threshold since the previous check. */
  checked(monitor: string, checkId: number, drifted: string[], previous: string[] | undefined): DriftNotice | undefined {
    if (!drifted.length || !newlyDrifted(drifted, previous).length) return undefined;
    const shownCols = drifted.length > 5 ? `${drifted.slice(0, 5).join(', ')} and ${drifted.length - 5} more` : drifted.join(', ');
    const notice: DriftNotice = { monitor, checkId, columns: drifted, message: `Drift detected in monitor ${monitor}: ${shownCols}`, time: Date.now() };
    this.shown.push(notice);
    this._onDidNotify.fire(notice);
    void vscode.window.showWarningMessage(`MLOps: ${notice.message}`, 'Open Report').then(a => { if (a) this.openReport(monitor, checkId); });
    return notice;
  }
}
