// The quick picks of the drift commands: a reference data file (workspace data files or a file dialog), an
// endpoint's request-log window, and the monitors.yaml template "Create monitors.yaml" writes.
import * as vscode from 'vscode';
import path from 'node:path';

export const DATA_EXTENSIONS = ['csv', 'tsv', 'parquet', 'arrow', 'feather', 'ipc'];
const EXCLUDE = '**/{node_modules,.git,.mlops,.venv,.vscode-test,__pycache__}/**';

/** A data file as the engine takes it: relative to the workspace when inside it. */
export function sourcePath(workspace: string | undefined, file: string): string {
  if (!workspace) return file;
  const rel = path.relative(workspace, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

export async function workspaceDataFiles(): Promise<vscode.Uri[]> {
  const files = await vscode.workspace.findFiles(`**/*.{${DATA_EXTENSIONS.join(',')}}`, EXCLUDE, 500);
  return files.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

export interface ReferencePick { label: string; description?: string; file?: string; monitor?: string; browse?: boolean }

/** Picks a reference: `extra` items first (e.g. a monitor), then the workspace's data files, then "Browse…". */
export async function pickReference(title: string, exclude: string | undefined, extra: ReferencePick[] = []): Promise<ReferencePick | undefined> {
  const files = (await workspaceDataFiles()).filter(u => u.fsPath !== exclude);
  const items: (ReferencePick & { kind?: vscode.QuickPickItemKind })[] = [...extra];
  if (extra.length && files.length) items.push({ label: 'Data files', kind: vscode.QuickPickItemKind.Separator });
  for (const u of files) items.push({ label: vscode.workspace.asRelativePath(u, false), description: path.extname(u.fsPath).slice(1).toUpperCase(), file: u.fsPath });
  items.push({ label: '$(folder-opened) Browse…', description: 'a data file anywhere', browse: true });
  const pick = await vscode.window.showQuickPick(items, { title, placeHolder: 'The reference (e.g. the training data) to compare against', matchOnDescription: true });
  if (!pick?.browse) return pick;
  const chosen = await vscode.window.showOpenDialog({ title, canSelectMany: false, filters: { 'Data files': DATA_EXTENSIONS } });
  return chosen?.[0] ? { label: chosen[0].fsPath, file: chosen[0].fsPath } : undefined;
}

/** Minutes of request log to compare; 0 = everything logged. */
export async function pickWindow(endpoint: string): Promise<number | undefined> {
  const items = [
    { label: 'Last 15 minutes', minutes: 15 }, { label: 'Last 60 minutes', minutes: 60 }, { label: 'Last 6 hours', minutes: 360 },
    { label: 'Last 24 hours', minutes: 1440 }, { label: 'Everything logged', minutes: 0 },
  ];
  return (await vscode.window.showQuickPick(items, { title: `Requests to ${endpoint} from…` }))?.minutes;
}

export const MONITORS_TEMPLATE = `# Drift monitors (MLOps Workbench): what to compare with what, and how often.
# Sources: {file: data/train.csv}, {run: <run id>, dataset: <name or digest>}, {endpoint: <model name>, window: 60m}.
# Tests: psi, ks, wasserstein, jensenshannon, chisquare, z (chosen per column when not set).
version: 1
monitors:
  # customers:
  #   description: Today's data against the training snapshot
  #   reference: {file: data/train.csv}
  #   current: {file: data/today.csv}
  #   schedule: 60m            # checked every hour while VS Code is open
  #   volume_change: 0.5       # alert when the row count changes by more than ±50 % (false: never)
  #   thresholds:
  #     default: {missing: 0.05}
  #     income: {test: psi, threshold: 0.2}
`;
