// Experiments view: experiment → runs (newest first, paged), live from the engine's change feed.
import * as vscode from 'vscode';
import type { Run } from '../../shared/dto';
import { Disposable } from '../disposable';
import type { ChangeEvent, EngineClient } from '../engineClient';

export type Node =
  | { kind: 'experiment'; id: string; name: string }
  | { kind: 'run'; run: Run; experimentId: string; versions?: { name: string; version: number; current_stage: string }[] }
  | { kind: 'more'; experimentId: string; loaded: number }
  | { kind: 'message'; text: string; error?: boolean };

const STATUS_ICON: Record<string, [string, string?]> = {
  RUNNING: ['sync~spin', 'charts.blue'], FINISHED: ['pass', 'testing.iconPassed'], FAILED: ['error', 'testing.iconFailed'],
  KILLED: ['circle-slash', 'disabledForeground'], SCHEDULED: ['clock'],
};

export function duration(run: Run): string {
  const end = run.info.end_time ?? (run.info.status === 'RUNNING' ? Date.now() : run.info.start_time);
  const s = Math.max(0, Math.round((end - run.info.start_time) / 1000));
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

export class ExperimentsTree extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly _onDidChange = this.track(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this._onDidChange.event;
  private client?: EngineClient;
  private readonly experiments = new Map<string, Node & { kind: 'experiment' }>();
  private readonly pages = new Map<string, number>();
  private pending = new Set<string>();
  /** Run nodes on screen, by run id: a metric or status change updates just that node. */
  private readonly runNodes = new Map<string, Node & { kind: 'run' }>();
  private pendingRuns = new Set<string>();
  private timer?: NodeJS.Timeout;
  private clientSub?: vscode.Disposable;

  constructor(private readonly pageSize: () => number, private readonly keyMetric: () => string) {
    super();
    this.track({ dispose: () => { clearTimeout(this.timer); this.clientSub?.dispose(); } });
  }

  setClient(client: EngineClient | undefined): void {
    this.clientSub?.dispose();
    this.client = client;
    this.clientSub = client?.onChange(e => this.changed(e));
    this.refresh();
  }

  refresh(): void {
    this.experiments.clear();
    this.runNodes.clear();
    this._onDidChange.fire(undefined);
  }

  /**
   * Coalesces change events (≤ 4 refreshes/s). A change to a run on screen (a metric, a status) re-reads that run
   * and redraws its node only; a new run refreshes its experiment; anything else the whole tree.
   */
  private changed(e: ChangeEvent): void {
    const whole = e.kind === 'experiment' || e.kind === 'registry' || e.id === '*' || !e.experimentId;
    if (whole) this.pending.add('*');
    else if ((e.kind === 'metric' || e.kind === 'run') && this.runNodes.has(e.id)) this.pendingRuns.add(e.id);
    else this.pending.add(e.experimentId!);
    this.timer ??= setTimeout(() => void this.flushChanges(), 250);
  }

  private async flushChanges(): Promise<void> {
    const ids = [...this.pending];
    const runIds = [...this.pendingRuns];
    this.pending.clear();
    this.pendingRuns.clear();
    try {
      if (ids.includes('*') || ids.some(id => !this.experiments.has(id))) return this.refresh();
      for (const id of ids) this._onDidChange.fire(this.experiments.get(id));
      // Runs whose experiment is refreshed anyway are re-read with it.
      const single = runIds.filter(id => !ids.includes(this.runNodes.get(id)?.experimentId ?? ''));
      if (!single.length || !this.client) return;
      for (const run of await this.client.runsByIds(single)) {
        const node = this.runNodes.get(run.info.run_id);
        if (!node) continue;
        node.run = run;
        this._onDidChange.fire(node);
      }
    } catch {
      this.refresh(); // the engine went away or the run vanished: a full reload shows the truth (or the error item)
    } finally {
      this.timer = undefined;
      if (this.pending.size || this.pendingRuns.size) this.timer = setTimeout(() => void this.flushChanges(), 250);
    }
  }

  showMore(experimentId: string): void {
    this.pages.set(experimentId, (this.pages.get(experimentId) ?? 1) + 1);
    const node = this.experiments.get(experimentId);
    this._onDidChange.fire(node);
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!this.client) return [];
    try {
      if (!node) {
        const exps = await this.client.experiments();
        return exps.map(e => {
          const n = { kind: 'experiment' as const, id: e.id, name: e.name };
          this.experiments.set(e.id, n);
          return n;
        });
      }
      if (node.kind !== 'experiment') return [];
      const want = (this.pages.get(node.id) ?? 1) * this.pageSize();
      const runs: Run[] = [];
      let token: string | undefined;
      do {
        const page = await this.client.runs([node.id], { max: Math.min(want - runs.length, 5000), pageToken: token, all: true });
        runs.push(...page.runs);
        token = page.next;
      } while (token && runs.length < want);
      const versions = await this.registeredVersions(runs.map(r => r.info.run_id));
      const out: Node[] = runs.map(run => {
        const n = { kind: 'run' as const, run, experimentId: node.id, versions: versions.get(run.info.run_id) };
        this.runNodes.set(run.info.run_id, n);
        return n;
      });
      if (token) out.push({ kind: 'more', experimentId: node.id, loaded: runs.length });
      if (!runs.length) out.push({ kind: 'message', text: 'No runs yet' });
      return out;
    } catch (e) {
      return [{ kind: 'message', text: `Cannot load: ${(e as Error).message}`, error: true }];
    }
  }

  /** Registered versions produced by these runs (badges). */
  private async registeredVersions(runIds: string[]): Promise<Map<string, { name: string; version: number; current_stage: string }[]>> {
    const out = new Map<string, { name: string; version: number; current_stage: string }[]>();
    for (let i = 0; i < runIds.length; i += 200) {
      const r = await this.client!.client.http.call<{ versions: { run_id: string; name: string; version: number; current_stage: string }[] }>(
        'GET', '/api/2.0/mlops/registry/run-versions', { run_ids: runIds.slice(i, i + 200) });
      for (const v of r.versions) out.set(v.run_id, [...(out.get(v.run_id) ?? []), v]);
    }
    return out;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'experiment': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `exp:${node.id}`;
        item.contextValue = 'experiment';
        item.iconPath = new vscode.ThemeIcon('beaker');
        item.description = `#${node.id}`;
        return item;
      }
      case 'run': {
        const r = node.run;
        const item = new vscode.TreeItem(r.info.run_name || r.info.run_id, vscode.TreeItemCollapsibleState.None);
        item.id = `run:${r.info.run_id}`;
        const deleted = r.info.lifecycle_stage === 'deleted';
        item.contextValue = deleted ? 'runDeleted' : 'run';
        const [icon, color] = deleted ? ['trash'] : STATUS_ICON[r.info.status] ?? ['circle-outline'];
        item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
        const key = this.keyMetric() || [...r.data.metrics.map(m => m.key)].sort()[0];
        const m = r.data.metrics.find(x => x.key === key);
        const val = m ? (typeof m.value === 'number' ? Number(m.value.toPrecision(4)) : m.value) : undefined;
        const badges = (node.versions ?? []).map(v => `⬢ ${v.name} v${v.version}${v.current_stage !== 'None' ? ` ${v.current_stage}` : ''}`);
        item.description = [duration(r), m ? `${key}=${val}` : '', ...badges].filter(Boolean).join(' · ');
        const md = new vscode.MarkdownString(`**${r.info.run_name}** · ${r.info.status}${deleted ? ' · deleted' : ''}\n\n\`${r.info.run_id}\`\n\n`);
        if (r.data.params.length) md.appendMarkdown(r.data.params.map(p => `- ${p.key}: \`${p.value}\``).join('\n'));
        item.tooltip = md;
        item.command = { command: 'mlops.run.open', title: 'Open Run', arguments: [node] };
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem(`Show ${this.pageSize()} more…`, vscode.TreeItemCollapsibleState.None);
        item.id = `more:${node.experimentId}:${node.loaded}`;
        item.description = `${node.loaded} loaded`;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: 'mlops.experiment.showMore', title: 'Show more', arguments: [node.experimentId] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.error ? 'warning' : 'info');
        return item;
      }
    }
  }
}
