// The drift feature's objects, built once by the Extension: monitors model, Monitors view (with its badge),
// monitors.yaml diagnostics, notifier, scheduler and the report panels.
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { EngineClient } from '../engineClient';
import { MonitorsTree, type MonitorNode } from '../views/monitorsTree';
import { DriftPanel, DRIFT_VIEW_TYPE } from '../webviews/driftPanel';
import type { DriftState } from '../../shared/protocol';
import { runMonitor, type DriftCheckDto } from './driftClient';
import { MonitorsDiagnostics } from './diagnostics';
import { MonitorsModel } from './monitorsModel';
import { DriftNotifier } from './notifier';
import { DriftScheduler } from './scheduler';

export class DriftFeature extends Disposable {
  readonly model: MonitorsModel;
  readonly tree: MonitorsTree;
  readonly view: vscode.TreeView<MonitorNode>;
  readonly diagnostics: MonitorsDiagnostics;
  readonly notifier: DriftNotifier;
  readonly scheduler: DriftScheduler;
  readonly panels = new Set<DriftPanel>();

  constructor(private readonly extensionUri: vscode.Uri, workspace: string | undefined, private readonly out: vscode.LogOutputChannel,
    readonly client: () => Promise<EngineClient>) {
    super();
    this.model = this.track(new MonitorsModel(workspace));
    this.tree = this.track(new MonitorsTree(this.model));
    this.view = this.track(vscode.window.createTreeView('mlops.monitors', { treeDataProvider: this.tree, showCollapseAll: true }));
    this.track(this.model.onDidChange(() => this.updateBadge()));
    this.diagnostics = this.track(new MonitorsDiagnostics(this.model));
    this.notifier = this.track(new DriftNotifier((monitor, checkId) => void this.openReport({ monitor, checkId })));
    const enabled = () => vscode.workspace.getConfiguration('mlops.monitors').get('runSchedules', true);
    const scheduled = (name: string) => vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `MLOps: checking monitor ${name}` },
      () => this.runCheck(name, { notify: true }));
    this.scheduler = this.track(new DriftScheduler(this.model, scheduled, enabled));
    this.track(vscode.window.registerWebviewPanelSerializer(DRIFT_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: DriftState | undefined) => { this.adopt(panel, { checkId: state?.checkId, monitor: state?.monitor }); },
    }));
    this.track({ dispose: () => { for (const p of this.panels) p.panel.dispose(); } });
  }

  /** The view's badge: monitors whose last check drifted or raised a data-quality alert. */
  private updateBadge(): void {
    const alerting = this.model.monitors.filter(m => m.alert);
    const drift = alerting.filter(m => m.last_check?.drift).map(m => m.name);
    const quality = alerting.filter(m => !m.last_check?.drift).map(m => m.name);
    const tooltip = [drift.length ? `Drift in ${drift.join(', ')}` : '', quality.length ? `Data-quality alerts in ${quality.join(', ')}` : ''].filter(Boolean).join('; ');
    this.view.badge = alerting.length ? { value: alerting.length, tooltip } : undefined;
  }

  /** Runs a monitor now; scheduled checks notify when a column crosses its threshold or a data-quality alert comes up. Failures are recorded for the view. */
  async runCheck(name: string, opts: { notify?: boolean } = {}): Promise<DriftCheckDto> {
    const before = this.model.get(name);
    const previous = before?.last_check ? before.drifted : undefined;
    const previousAlerts = before?.last_check ? before.qualityAlerts : undefined;
    try {
      const check = await runMonitor(await this.client(), name);
      this.model.failures.delete(name);
      const alerts = check.report.qualityAlerts;
      this.out.info(`drift: monitor ${name} checked (#${check.id}): ${check.drift ? `drift in ${check.report.driftedColumns.join(', ')}` : 'no drift'}${alerts.length ? `; data-quality alerts: ${alerts.join('; ')}` : ''}`);
      if (opts.notify) this.notifier.checked(name, check.id, check.report.driftedColumns, previous, alerts, previousAlerts);
      for (const p of this.panels) if (p.target.monitor === name) void p.load({ checkId: check.id });
      return check;
    } catch (e) {
      const msg = (e as Error).message;
      this.model.failures.set(name, msg);
      this.out.warn(`drift: monitor ${name} failed: ${msg}`);
      throw e;
    } finally {
      await this.model.refresh();
    }
  }

  /** Opens (or reveals and updates) the report panel of a monitor or a stored check. */
  openReport(target: DriftState): DriftPanel {
    const same = [...this.panels].find(p => (target.monitor ? p.target.monitor === target.monitor : p.target.checkId === target.checkId));
    if (same) {
      same.panel.reveal();
      void same.load({ checkId: undefined, ...target });
      return same;
    }
    const panel = vscode.window.createWebviewPanel(DRIFT_VIEW_TYPE, target.monitor ? `Drift · ${target.monitor}` : 'Drift', vscode.ViewColumn.Active,
      { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')] });
    return this.adopt(panel, target);
  }

  private adopt(panel: vscode.WebviewPanel, target: DriftState): DriftPanel {
    const p = new DriftPanel(panel, this.extensionUri, { ...target }, {
      client: this.client,
      runCheck: name => this.runCheck(name),
      openSource: source => this.openSource(source),
    });
    this.panels.add(p);
    panel.onDidDispose(() => this.panels.delete(p));
    return p;
  }

  private openSource(source: string): void {
    const ws = this.model.workspace;
    if (!ws || /^(run|endpoint)[: ]/.test(source)) return;
    void vscode.commands.executeCommand('vscode.open', vscode.Uri.joinPath(vscode.Uri.file(ws), source));
  }
}
