// Endpoints view: each endpoint with URL, model@version, requests/s and p99 (live), state.
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { EndpointProcess } from '../process/endpointProcess';

/** A warning shown on an endpoint from elsewhere (drift monitors over its request log): icon, text, tooltip. */
export interface EndpointBadges {
  warningFor(e: EndpointProcess): string | undefined;
  readonly onDidChangeBadges: vscode.Event<void>;
}

export class EndpointsTree extends Disposable implements vscode.TreeDataProvider<EndpointProcess> {
  private readonly _onDidChange = this.track(new vscode.EventEmitter<EndpointProcess | undefined>());
  readonly onDidChangeTreeData = this._onDidChange.event;
  readonly endpoints: EndpointProcess[] = [];

  constructor(private readonly badges?: EndpointBadges) {
    super();
    if (badges) this.track(badges.onDidChangeBadges(() => this._onDidChange.fire(undefined)));
  }

  add(e: EndpointProcess): void {
    this.endpoints.push(e);
    this.track(e); // endpoint processes stop with the extension
    this.track(e.onChange(() => this._onDidChange.fire(e)));
    this._onDidChange.fire(undefined);
  }

  remove(e: EndpointProcess): void {
    this.endpoints.splice(this.endpoints.indexOf(e), 1);
    e.dispose();
    this._onDidChange.fire(undefined);
  }

  /** Mirrors `.mlops/endpoints/*.json` (endpoints started with `mlops serve`) into the view. */
  sync(records: { url: string; ref: string; pid: number; name: string | null; version: string | null }[], make: (r: (typeof records)[number]) => EndpointProcess): void {
    const urls = new Set(records.map(r => r.url));
    for (const e of [...this.endpoints]) if (e.externalPid && !urls.has(e.url ?? '')) this.remove(e);
    for (const r of records) if (!this.endpoints.some(e => e.url === r.url || e.pid === r.pid)) this.add(make(r));
  }

  getChildren(node?: EndpointProcess): EndpointProcess[] {
    return node ? [] : this.endpoints;
  }

  getTreeItem(e: EndpointProcess): vscode.TreeItem {
    const label = `${e.name ? `${e.name}@${e.version ?? '?'}` : e.ref}${e.externalPid ? ' (terminal)' : ''}`;
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = `endpoint:${e.ref}:${e.url ?? 'pending'}`;
    item.contextValue = `endpoint.${e.state}`;
    const icon = { running: ['radio-tower', 'charts.green'], starting: ['loading~spin'], stopped: ['debug-stop'], failed: ['error', 'errorForeground'] }[e.state];
    item.iconPath = new vscode.ThemeIcon(icon[0], icon[1] ? new vscode.ThemeColor(icon[1]) : undefined);
    const s = e.stats;
    item.description = e.state === 'running'
      ? `${e.url?.replace('http://', '')} · ${s ? `${s.rps.toFixed(1)} req/s · p99 ${s.p99_ms} ms` : 'idle'}`
      : e.state === 'failed' ? `failed: ${e.error ?? ''}` : e.state;
    item.tooltip = new vscode.MarkdownString(`**${e.ref}**\n\n${e.url ?? ''}\n\nrequests ${s?.requests ?? 0} · errors ${s?.errors ?? 0} · p50 ${s?.p50_ms ?? 0} ms · p99 ${s?.p99_ms ?? 0} ms`);
    const warning = this.badges?.warningFor(e);
    if (warning) {
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
      item.description = `⚠ ${warning} · ${item.description}`;
      item.tooltip.appendText(`\n\n⚠ ${warning}`);
    }
    return item;
  }
}
