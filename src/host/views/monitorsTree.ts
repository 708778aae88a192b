// Monitors view: each monitor of .mlops/monitors.yaml with its last check (verdict, time, drifted columns), a
// warning icon when it drifted, and its sources and schedule below. Elements are plain data; the model fires.
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { MonitorInfo, MonitorsModel } from '../drift/monitorsModel';
import { openAt } from './pipelineTree';

export type MonitorNode =
  | { kind: 'monitor'; name: string }
  | { kind: 'detail'; name: string; field: 'check' | 'reference' | 'current' | 'columns' | 'schedule' }
  | { kind: 'message'; text: string; error?: boolean; command?: vscode.Command };

/** "just now", "5 min ago", "3 h ago", "2 d ago". */
export function ago(time: number, now = Date.now()): string {
  const min = Math.round((now - time) / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const h = Math.round(min / 60);
  return h < 48 ? `${h} h ago` : `${Math.round(h / 24)} d ago`;
}

export function verdictText(m: MonitorInfo): string {
  if (!m.last_check) return 'never checked';
  const cols = m.drifted.length ? m.drifted.join(', ') : `${m.last_check.drifted_columns} column${m.last_check.drifted_columns === 1 ? '' : 's'}`;
  const drift = m.last_check.drift ? `drift: ${cols}` : m.last_check.drifted_columns ? `no data-set drift (${cols})` : 'no drift';
  return m.qualityAlerts.length ? `${drift} · data quality: ${m.qualityAlerts.join(', ')}` : drift;
}

export class MonitorsTree extends Disposable implements vscode.TreeDataProvider<MonitorNode> {
  private readonly _onDidChange = this.track(new vscode.EventEmitter<MonitorNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChange.event;

  constructor(private readonly model: MonitorsModel) {
    super();
    this.track(model.onDidChange(() => this._onDidChange.fire(undefined)));
  }

  getChildren(node?: MonitorNode): MonitorNode[] {
    const m = this.model;
    if (node?.kind === 'monitor') {
      const mon = m.get(node.name);
      if (!mon) return [];
      const fields: ('check' | 'reference' | 'current' | 'columns' | 'schedule')[] = ['check', 'reference', 'current'];
      if (mon.columns.length) fields.push('columns');
      if (mon.schedule_minutes) fields.push('schedule');
      return fields.map(field => ({ kind: 'detail', name: node.name, field }));
    }
    if (node || !m.fileExists) return [];
    if (!m.hasClient) {
      return [vscode.workspace.isTrusted
        ? { kind: 'message', text: 'Start the tracking server to check monitors', command: { command: 'mlops.server.start', title: 'Start' } }
        : { kind: 'message', text: 'Monitors run in a trusted workspace only', command: { command: 'workbench.trust.manage', title: 'Manage Workspace Trust' } }];
    }
    if (m.problem) return [{ kind: 'message', text: `Cannot load monitors: ${m.problem}`, error: true }];
    if (m.error) {
      return [{ kind: 'message', text: `${m.error.message} (${m.error.file}:${m.error.line}:${m.error.col})`, error: true, command: openAt(m.error.uri, m.error.line, m.error.col) }];
    }
    if (!m.monitors.length) return [{ kind: 'message', text: 'No monitors in monitors.yaml yet', command: { command: 'mlops.monitor.edit', title: 'Edit' } }];
    return m.monitors.map(x => ({ kind: 'monitor', name: x.name }));
  }

  getTreeItem(node: MonitorNode): vscode.TreeItem {
    switch (node.kind) {
      case 'monitor': return this.monitorItem(node.name);
      case 'detail': return this.detailItem(node);
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.error ? 'error' : 'info', node.error ? new vscode.ThemeColor('errorForeground') : undefined);
        item.command = node.command;
        item.tooltip = node.text;
        return item;
      }
    }
  }

  private monitorItem(name: string): vscode.TreeItem {
    const m = this.model.get(name);
    const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `monitor:${name}`;
    if (!m) return item;
    const failure = this.model.failures.get(name);
    const last = m.last_check;
    // A threshold crossed — drift or a data-quality alert — is a warning.
    const [icon, color] = failure ? ['error', 'errorForeground'] : !last ? ['circle-large-outline'] : m.alert ? ['warning', 'list.warningForeground'] : ['pass', 'testing.iconPassed'];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.description = failure ? `check failed: ${failure}` : `${verdictText(m)}${last ? ` · ${ago(last.time)}` : ''}`;
    item.contextValue = `monitor${m.alert ? '.drift' : ''}${last ? '.checked' : ''}`;
    const md = new vscode.MarkdownString(`**${name}**${m.description ? ` — ${m.description}` : ''}\n\n`);
    md.appendMarkdown(`\`${m.reference}\` → \`${m.current}\`\n\n`);
    if (last) md.appendText(`Last check ${new Date(last.time).toLocaleString()}: ${verdictText(m)}`);
    if (failure) md.appendText(`\n\nLast attempt failed: ${failure}`);
    item.tooltip = md;
    if (last) item.command = { command: 'mlops.monitor.openReport', title: 'Open Report', arguments: [{ kind: 'monitor', name }] };
    return item;
  }

  private detailItem(node: Extract<MonitorNode, { kind: 'detail' }>): vscode.TreeItem {
    const m = this.model.get(node.name)!;
    const last = m?.last_check;
    const rows: Record<typeof node.field, [string, string, string]> = {
      check: last
        ? [`Last check: ${last.drift ? 'drift' : m.alert ? 'data-quality alert' : 'no drift'}`, `${new Date(last.time).toLocaleString()}${m.drifted.length ? ` · ${m.drifted.join(', ')}` : ''}${m.qualityAlerts.length ? ` · ${m.qualityAlerts.join(', ')}` : ''}`, m.alert ? 'warning' : 'pass']
        : ['Not checked yet', 'Run Check compares the two sources now', 'circle-large-outline'],
      reference: ['Reference', m?.reference ?? '', 'database'],
      current: ['Current', m?.current ?? '', m?.endpoint ? 'radio-tower' : 'database'],
      columns: ['Columns', m?.columns.join(', ') ?? '', 'list-flat'],
      schedule: ['Schedule', `every ${m?.schedule_minutes} min while VS Code is open`, 'clock'],
    };
    const [label, description, icon] = rows[node.field];
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = `monitor:${node.name}:${node.field}`;
    item.description = description;
    item.tooltip = `${label}: ${description}`;
    item.iconPath = new vscode.ThemeIcon(icon, node.field === 'check' && m?.alert ? new vscode.ThemeColor('list.warningForeground') : undefined);
    if (node.field === 'check' && last) item.command = { command: 'mlops.monitor.openReport', title: 'Open Report', arguments: [{ kind: 'monitor', name: node.name }] };
    return item;
  }
}
