// Pipeline view: one node per dvc.yaml (when there are several), its stages in DAG order with status icon,
// a short status, and a tooltip with cmd, deps, outs and the reasons. Elements are plain data; the model fires.
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { cmdText, paramsText, pathsOf, stateText, type PipelineStageDto, type StageStateDto } from '../pipeline/pipelineClient';
import type { PipelineInfo, PipelineModel } from '../pipeline/pipelineModel';

export type PipelineNode =
  | { kind: 'pipeline'; file: string }
  | { kind: 'stage'; file: string; stage: string }
  | { kind: 'message'; text: string; error?: boolean; command?: vscode.Command };

const ICON: Record<StageStateDto, [string, string?]> = {
  'up-to-date': ['pass', 'testing.iconPassed'], changed: ['diff-modified', 'list.warningForeground'], 'never-run': ['circle-large-outline'],
  frozen: ['lock', 'disabledForeground'], running: ['sync~spin', 'charts.blue'], failed: ['error', 'testing.iconFailed'],
};

/** Opens dvc.yaml (or the params file) at a 1-based line. */
export function openAt(uri: vscode.Uri, line: number, col = 1): vscode.Command {
  const pos = new vscode.Position(Math.max(0, line - 1), Math.max(0, col - 1));
  return { command: 'vscode.open', title: 'Go to Definition', arguments: [uri, { selection: new vscode.Range(pos, pos) }] };
}

export class PipelineTree extends Disposable implements vscode.TreeDataProvider<PipelineNode> {
  private readonly _onDidChange = this.track(new vscode.EventEmitter<PipelineNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChange.event;

  constructor(private readonly model: PipelineModel) {
    super();
    this.track(model.onDidChange(() => this._onDidChange.fire(undefined)));
  }

  getChildren(node?: PipelineNode): PipelineNode[] {
    const m = this.model;
    if (node?.kind === 'pipeline') {
      const p = m.pipelines.find(x => x.file === node.file);
      return p ? this.stagesOf(p) : [];
    }
    if (node) return [];
    if (!m.hasClient) {
      if (!m.files.length) return [];
      return [vscode.workspace.isTrusted
        ? { kind: 'message', text: 'Start the tracking server to see stage status', command: { command: 'mlops.server.start', title: 'Start' } }
        : { kind: 'message', text: 'Pipelines show and run in a trusted workspace only', command: { command: 'workbench.trust.manage', title: 'Manage Workspace Trust' } }];
    }
    if (m.problem) return [{ kind: 'message', text: `Cannot load pipelines: ${m.problem}`, error: true }];
    if (m.pipelines.length === 1) return this.stagesOf(m.pipelines[0]);
    return m.pipelines.map(p => ({ kind: 'pipeline', file: p.file }));
  }

  private stagesOf(p: PipelineInfo): PipelineNode[] {
    if (p.error) return [{ kind: 'message', text: `${p.error.message} (${vscode.workspace.asRelativePath(p.error.uri)}:${p.error.line})`, error: true, command: openAt(p.error.uri, p.error.line, p.error.col) }];
    if (!p.stages.length) return [{ kind: 'message', text: 'No stages in this file' }];
    return p.stages.map(s => ({ kind: 'stage', file: p.file, stage: s.name }));
  }

  getTreeItem(node: PipelineNode): vscode.TreeItem {
    switch (node.kind) {
      case 'pipeline': {
        const p = this.model.pipelines.find(x => x.file === node.file);
        const item = new vscode.TreeItem(node.file, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `pipeline:${node.file}`;
        item.contextValue = p?.error ? 'pipeline.invalid' : 'pipeline';
        item.iconPath = new vscode.ThemeIcon(p?.error ? 'error' : 'type-hierarchy', p?.error ? new vscode.ThemeColor('errorForeground') : undefined);
        const changed = p?.stages.filter(s => s.status.state !== 'up-to-date' && s.status.state !== 'frozen').length ?? 0;
        item.description = p?.error ? 'invalid' : `${p?.stages.length ?? 0} stages${changed ? ` · ${changed} to run` : ' · up to date'}`;
        item.resourceUri = p?.uri;
        return item;
      }
      case 'stage': {
        const s = this.model.find(node.file, node.stage);
        const item = new vscode.TreeItem(node.stage, vscode.TreeItemCollapsibleState.None);
        item.id = `stage:${node.file}:${node.stage}`;
        if (!s) return item;
        const [icon, color] = ICON[s.status.state] ?? ['circle-outline'];
        item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
        item.description = stateText(s);
        item.contextValue = `stage.${s.status.state}${s.status.lastRunId || s.status.state === 'failed' ? '.hasRun' : ''}`;
        item.tooltip = stageTooltip(s);
        const p = this.model.pipelines.find(x => x.file === node.file)!;
        item.command = openAt(p.uri, s.line, s.col);
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.error ? 'warning' : 'info');
        item.command = node.command;
        return item;
      }
    }
  }
}

export function stageTooltip(s: PipelineStageDto): vscode.MarkdownString {
  const md = new vscode.MarkdownString(`**${s.name}** — ${stateText(s)}\n\n`);
  if (s.desc) md.appendText(`${s.desc}\n\n`);
  md.appendCodeblock(cmdText(s.cmd), 'sh');
  const list = (title: string, xs: string[]) => { if (xs.length) md.appendMarkdown(`\n\n${title}: ${xs.map(x => `\`${x}\``).join(', ')}`); };
  list('deps', s.deps);
  list('params', paramsText(s.params));
  list('outs', [...pathsOf(s.outs), ...pathsOf(s.metrics), ...pathsOf(s.plots)].filter((x, i, a) => a.indexOf(x) === i));
  if (s.wdir && s.wdir !== '.') list('wdir', [s.wdir]);
  if (s.status.reasons.length) md.appendMarkdown(`\n\n${s.status.reasons.map(r => `- ${r.replace(/[\\`*_{}[\]()#+!|<>]/g, '\\$&')}`).join('\n')}`);
  if (s.status.lastRunId) md.appendMarkdown(`\n\nlast run \`${s.status.lastRunId}\``);
  return md;
}
