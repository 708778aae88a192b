// Models view: registered model → versions with stage and alias badges, source run in the description,
// lineage in the tooltip. Refreshes from the engine's change feed.
import * as vscode from 'vscode';
import type { Lineage, ModelVersion, RegisteredModel } from '../../shared/dto';
import { Disposable } from '../disposable';
import type { EngineClient } from '../engineClient';

export type ModelNode =
  | { kind: 'model'; model: RegisteredModel }
  | { kind: 'version'; version: ModelVersion; runName?: string; lineage?: Lineage }
  | { kind: 'message'; text: string; error?: boolean };

/** How many metrics at registration the tooltip lists (alphabetically; the rest are counted). */
const TOOLTIP_METRICS = 8;

const code = (v: string) => `\`${v.replace(/`/g, "'")}\``;
const num = (v: number | string) => (typeof v === 'number' && Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v));

/** Lineage lines of a version's tooltip: dataset digests, git commit/branch/dirty, metrics at registration. */
function lineageMarkdown(l: Lineage): string {
  const out: string[] = [];
  if (l.datasets.length) {
    out.push(`**Data** ${l.datasets.map(d => `${d.name} ${code(d.digest)}${d.context ? ` (${d.context})` : ''}`).join(' · ')}`);
  } else out.push('**Data** no dataset digest recorded');
  if (l.git?.commit) {
    const state = l.git.dirty === true ? 'dirty (uncommitted changes)' : l.git.dirty === false ? 'clean' : 'working tree state unknown';
    out.push(`**Code** commit ${code(l.git.commit.slice(0, 12))}${l.git.branch ? ` on ${code(l.git.branch)}` : ''} · ${state}`);
  } else out.push('**Code** no git commit recorded');
  const metrics = Object.entries(l.run?.metrics ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (metrics.length) {
    const shown = metrics.slice(0, TOOLTIP_METRICS).map(([k, v]) => `${k} ${code(num(v))}`).join(' · ');
    out.push(`**Metrics at registration** ${shown}${metrics.length > TOOLTIP_METRICS ? ` · +${metrics.length - TOOLTIP_METRICS} more` : ''}`);
  }
  return out.join('\n\n');
}

/** A version's identity for the lineage cache (a re-created model numbers its versions from 1 again). */
const lineageKey = (v: ModelVersion) => `${v.name}\0${v.version}\0${v.creation_timestamp}`;

const STAGE_ICON: Record<string, [string, string?]> = {
  Production: ['rocket', 'charts.green'], Staging: ['beaker', 'charts.yellow'], Archived: ['archive', 'disabledForeground'], None: ['circle-outline'],
};

export class ModelsTree extends Disposable implements vscode.TreeDataProvider<ModelNode> {
  private readonly _onDidChange = this.track(new vscode.EventEmitter<ModelNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChange.event;
  private client?: EngineClient;
  private sub?: vscode.Disposable;
  private timer?: NodeJS.Timeout;
  /** Lineage is captured once at registration and never changes: fetched once per version. */
  private readonly lineages = new Map<string, Lineage>();

  constructor() {
    super();
    this.track({ dispose: () => { this.sub?.dispose(); clearTimeout(this.timer); } });
  }

  setClient(client: EngineClient | undefined): void {
    this.sub?.dispose();
    this.client = client;
    this.lineages.clear();
    this.sub = client?.onChange(e => {
      if (e.kind !== 'registry' && e.id !== '*') return;
      if (!this.timer) this.timer = setTimeout(() => { this.timer = undefined; this.refresh(); }, 250);
    });
    this.refresh();
  }

  refresh(): void {
    this._onDidChange.fire(undefined);
  }

  async getChildren(node?: ModelNode): Promise<ModelNode[]> {
    if (!this.client) return [];
    try {
      const http = this.client.client.http;
      if (!node) {
        const r = await http.call<{ registered_models?: RegisteredModel[] }>('GET', 'registered-models/search', { max_results: 1000 });
        const models = r.registered_models ?? [];
        return models.length ? models.map(model => ({ kind: 'model', model })) : [{ kind: 'message', text: 'No registered models yet — right-click a run → Register Model' }];
      }
      if (node.kind !== 'model') return [];
      const r = await http.call<{ model_versions?: ModelVersion[] }>('GET', 'model-versions/search', { filter: `name = '${node.model.name.replace(/'/g, "\\'")}'`, max_results: 1000 });
      const versions = (r.model_versions ?? []).sort((a, b) => Number(b.version) - Number(a.version));
      const runs = await Promise.all([...new Set(versions.map(v => v.run_id).filter(Boolean))].map(id => this.client!.client.getRun(id).catch(() => undefined)));
      const names = new Map(runs.filter(r => r).map(r => [r!.info.run_id, r!.info.run_name]));
      for (let i = 0; i < versions.length; i += 16) await Promise.all(versions.slice(i, i + 16).map(v => this.lineage(v)));
      return versions.map(version => ({ kind: 'version', version, runName: names.get(version.run_id), lineage: this.lineages.get(lineageKey(version)) }));
    } catch (e) {
      return [{ kind: 'message', text: `Cannot load models: ${(e as Error).message}`, error: true }];
    }
  }

  /** Fills the lineage cache for `v`; a version whose lineage cannot be read gets a tooltip without it. */
  private async lineage(v: ModelVersion): Promise<void> {
    const key = lineageKey(v);
    if (this.lineages.has(key) || !this.client) return;
    const r = await this.client.client.http.call<{ lineage: Lineage }>('GET', '/api/2.0/mlops/registry/lineage', { name: v.name, version: v.version }).catch(() => undefined);
    if (r?.lineage) this.lineages.set(key, r.lineage);
  }

  getTreeItem(node: ModelNode): vscode.TreeItem {
    switch (node.kind) {
      case 'model': {
        const m = node.model;
        const item = new vscode.TreeItem(m.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `model:${m.name}`;
        item.contextValue = 'registeredModel';
        item.iconPath = new vscode.ThemeIcon('package');
        const prod = m.latest_versions.find(v => v.current_stage === 'Production');
        item.description = [prod ? `Production v${prod.version}` : '', ...m.aliases.map(a => `@${a.alias}→v${a.version}`)].filter(Boolean).join(' · ');
        item.tooltip = m.description || m.name;
        return item;
      }
      case 'version': {
        const v = node.version;
        const item = new vscode.TreeItem(`v${v.version}`, vscode.TreeItemCollapsibleState.None);
        item.id = `version:${v.name}:${v.version}`;
        item.contextValue = `modelVersion.${v.current_stage}`;
        const [icon, color] = STAGE_ICON[v.current_stage] ?? ['circle-outline'];
        item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
        item.description = [v.current_stage !== 'None' ? v.current_stage : '', ...v.aliases.map(a => `@${a}`), node.runName ? `run ${node.runName}` : ''].filter(Boolean).join(' · ');
        const md = new vscode.MarkdownString(`**${v.name} v${v.version}** · ${v.current_stage}${v.aliases.length ? ` · ${v.aliases.map(a => `@${a}`).join(' ')}` : ''}\n\n`);
        md.appendMarkdown(`source \`${v.source}\`\n\n`);
        if (v.run_id) md.appendMarkdown(`run \`${node.runName ?? v.run_id}\`\n\n`);
        if (v.status !== 'READY') md.appendMarkdown(`**${v.status}**${v.status_message ? ` — ${v.status_message}` : ''}\n\n`);
        if (node.lineage) md.appendMarkdown(`${lineageMarkdown(node.lineage)}\n\n`);
        for (const t of v.tags.filter(t => t.key.startsWith('mlops.'))) md.appendMarkdown(`- ${t.key}: \`${t.value}\`\n`);
        item.tooltip = md;
        item.command = { command: 'mlops.model.showLineage', title: 'Show Lineage', arguments: [node] };
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
