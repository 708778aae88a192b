// What the Monitors view, the scheduler, the diagnostics and the Endpoints view's drift badge share: the monitors of
// .mlops/monitors.yaml with their last check (its drifted columns and data-quality alerts), or the file's error.
// Reloaded when the file changes, when the engine (re)connects, after every check the extension runs, and on the
// scheduler's tick.
import * as vscode from 'vscode';
import path from 'node:path';
import fs from 'node:fs';
import { Disposable } from '../disposable';
import type { EngineClient } from '../engineClient';
import { alerted, endpointMatches, getCheck, listMonitors, type MonitorDto } from './driftClient';

export interface MonitorInfo extends MonitorDto {
  /** The drifted columns of the last check (empty when it did not drift or never ran). */
  drifted: string[];
  /** The data-quality alerts of the last check (missing values, volume, schema…). */
  qualityAlerts: string[];
  /** The last check crossed a threshold: drift or a data-quality alert (what badges and notifies). */
  alert: boolean;
}
export interface MonitorsFileError { message: string; file: string; line: number; col: number; uri: vscode.Uri }

export const MONITORS_FILE = '.mlops/monitors.yaml';

export class MonitorsModel extends Disposable {
  monitors: MonitorInfo[] = [];
  error?: MonitorsFileError;
  /** Why the engine could not be asked (shown as an item in the view, never a pop-up). */
  problem?: string;
  /** The last failed check per monitor in this session (cleared by a successful one), shown in the view. */
  readonly failures = new Map<string, string>();
  private client?: EngineClient;
  private loading?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;
  private fileFlag?: boolean;
  private badges = '[]';
  private readonly _onDidChange = this.track(new vscode.EventEmitter<void>());
  readonly onDidChange = this._onDidChange.event;
  private readonly _onDidChangeBadges = this.track(new vscode.EventEmitter<void>());
  /** The endpoints with a drift warning changed (EndpointBadges). */
  readonly onDidChangeBadges = this._onDidChangeBadges.event;

  constructor(readonly workspace: string | undefined) {
    super();
    this.track({ dispose: () => clearTimeout(this.timer) });
    if (!workspace) return;
    const w = this.track(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(workspace, MONITORS_FILE)));
    const changed = () => { this.updateFileContext(); this.schedule(); };
    this.track(w.onDidCreate(changed));
    this.track(w.onDidChange(changed));
    this.track(w.onDidDelete(changed));
    this.updateFileContext();
  }

  get hasClient(): boolean {
    return !!this.client;
  }

  get fileUri(): vscode.Uri | undefined {
    return this.workspace ? vscode.Uri.file(path.join(this.workspace, MONITORS_FILE)) : undefined;
  }

  get fileExists(): boolean {
    return !!this.workspace && fs.existsSync(path.join(this.workspace, MONITORS_FILE));
  }

  setClient(client: EngineClient | undefined): void {
    this.client = client;
    void this.refresh();
  }

  get(name: string): MonitorInfo | undefined {
    return this.monitors.find(m => m.name === name);
  }

  /** Monitors over this endpoint's request log whose last check drifted or raised a data-quality alert. */
  alertingFor(e: { ref: string; name?: string | null }): MonitorInfo[] {
    return this.monitors.filter(m => m.endpoint && m.alert && endpointMatches(m.endpoint, e));
  }

  /** The Endpoints view's badge text for an endpoint (EndpointBadges). */
  warningFor(e: { ref: string; name?: string | null }): string | undefined {
    const ms = this.alertingFor(e);
    const drift = ms.filter(m => m.last_check?.drift).map(m => m.name);
    const quality = ms.filter(m => !m.last_check?.drift).map(m => m.name);
    return [drift.length ? `drift: ${drift.join(', ')}` : '', quality.length ? `data-quality alert: ${quality.join(', ')}` : ''].filter(Boolean).join('; ') || undefined;
  }

  schedule(ms = 300): void {
    if (this.timer) return;
    this.timer = setTimeout(() => { this.timer = undefined; void this.refresh(); }, ms);
  }

  /** Reloads; concurrent calls share one load (and one more after it if asked meanwhile). */
  refresh(): Promise<void> {
    if (this.loading) { this.again = true; return this.loading; }
    this.loading = (async () => {
      try {
        do { this.again = false; await this.load(); } while (this.again && !this.isDisposed);
      } finally { this.loading = undefined; }
    })();
    return this.loading;
  }

  private async load(): Promise<void> {
    const c = this.client;
    if (!c) {
      this.monitors = [];
      this.error = this.problem = undefined;
    } else {
      try {
        const r = await listMonitors(c);
        const old = new Map(this.monitors.map(m => [m.name, m]));
        this.monitors = await Promise.all(r.monitors.map(async (m): Promise<MonitorInfo> => {
          const before = old.get(m.name);
          const last = m.last_check;
          if (!last) return { ...m, drifted: [], qualityAlerts: [], alert: false };
          if (before?.last_check?.id === last.id) return { ...m, drifted: before.drifted, qualityAlerts: before.qualityAlerts, alert: before.alert };
          // The stored drift flag is the data-set verdict; the report says which data-quality alerts came with it.
          const report = await getCheck(c, last.id).then(x => x.report, () => undefined);
          return {
            ...m, drifted: last.drift ? report?.driftedColumns ?? [] : [], qualityAlerts: report?.qualityAlerts ?? [],
            alert: last.drift || (report ? alerted(report) : false),
          };
        }));
        this.error = r.error && { ...r.error, uri: vscode.Uri.file(path.resolve(this.workspace ?? '/', r.error.file)) };
        this.problem = undefined;
      } catch (e) {
        this.problem = (e as Error).message;
      }
    }
    this.updateFileContext();
    this._onDidChange.fire();
    // The Endpoints view re-renders only when an endpoint's warning can have changed (not on every minute's reload).
    const badges = JSON.stringify(this.monitors.filter(m => m.endpoint && m.alert).map(m => [m.name, m.endpoint, !!m.last_check?.drift]));
    if (badges !== this.badges) {
      this.badges = badges;
      this._onDidChangeBadges.fire();
    }
  }

  /** `mlops.monitorsFileExists` drives the view's welcome content. */
  private updateFileContext(): void {
    const exists = this.fileExists;
    if (exists !== this.fileFlag) void vscode.commands.executeCommand('setContext', 'mlops.monitorsFileExists', (this.fileFlag = exists));
  }
}
