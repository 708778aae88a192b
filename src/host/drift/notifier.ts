// One notification when a check crosses a threshold: "Drift detected in monitor X: col_a, col_b", or "Data-quality
// alert in monitor X: …" (missing values, volume, schema…), with "Open Report". A column that already drifted in
// the monitor's previous check, or an alert it already raised, does not notify again (hourly checks of a problem
// nobody fixed yet stay quiet); a newly drifting column or a new kind of alert does.
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { newAlerts, newlyDrifted } from './driftClient';

export interface DriftNotice { monitor: string; checkId: number; columns: string[]; alerts: string[]; message: string; time: number }

export class DriftNotifier extends Disposable {
  /** Every notification shown in this session (the extension-host tests read it). */
  readonly shown: DriftNotice[] = [];
  private readonly _onDidNotify = this.track(new vscode.EventEmitter<DriftNotice>());
  readonly onDidNotify = this._onDidNotify.event;

  constructor(private readonly openReport: (monitor: string, checkId: number) => void) {
    super();
  }

  /**
   * After a check of `monitor`: notifies (once) when a column crossed its threshold, or a data-quality alert came
   * up, since the previous check (`previous` / `previousAlerts`: undefined when there was none).
   */
  checked(monitor: string, checkId: number, drifted: string[], previous: string[] | undefined, alerts: string[] = [], previousAlerts?: string[]): DriftNotice | undefined {
    const drift = drifted.length > 0 && newlyDrifted(drifted, previous).length > 0;
    const fresh = newAlerts(alerts, previousAlerts);
    if (!drift && !fresh.length) return undefined;
    const some = (xs: string[], n: number, sep: string) => (xs.length > n ? `${xs.slice(0, n).join(sep)} and ${xs.length - n} more` : xs.join(sep));
    const quality = `${alerts.length} data-quality alert${alerts.length === 1 ? '' : 's'}`;
    const message = drift
      ? `Drift detected in monitor ${monitor}: ${some(drifted, 5, ', ')}${alerts.length ? ` (and ${quality})` : ''}`
      : `Data-quality alert in monitor ${monitor}: ${some(fresh, 1, '; ')}`;
    const notice: DriftNotice = { monitor, checkId, columns: drifted, alerts, message, time: Date.now() };
    this.shown.push(notice);
    this._onDidNotify.fire(notice);
    void vscode.window.showWarningMessage(`MLOps: ${notice.message}`, 'Open Report').then(a => { if (a) this.openReport(monitor, checkId); });
    return notice;
  }
}
