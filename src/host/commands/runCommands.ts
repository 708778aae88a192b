// Palette and context-menu commands: workspace, server, runs, webviews, notebook logging.
import * as vscode from 'vscode';
import type { Extension } from '../extensionMain';
import type { Node } from '../views/experimentsTree';
import { registerCommand } from './registry';
import { serverMenu } from '../statusBar';
import { writeDotEnv } from '../notebookLogging';
import { ChartsPanel, CHARTS_VIEW_TYPE } from '../webviews/chartsPanel';
import { RunsTablePanel, RUNS_TABLE_VIEW_TYPE } from '../webviews/runsTablePanel';
import { RunPanel, RUN_VIEW_TYPE } from '../webviews/runPanel';
import { ComparePanel, COMPARE_VIEW_TYPE } from '../webviews/comparePanel';
import type { PanelState } from '../../shared/protocol';

type RunNode = Extract<Node, { kind: 'run' }>;
const isRun = (n: unknown): n is RunNode => !!n && typeof n === 'object' && (n as Node).kind === 'run';

/** Run ids from a context-menu invocation (clicked node + multi-selection), else the tree's selection. */
function selectedRunIds(node: unknown, selection: unknown, treeSelection: readonly Node[] = []): string[] {
  const nodes = Array.isArray(selection) && selection.length ? selection : node ? [node] : [...treeSelection];
  return nodes.filter(isRun).map(n => n.run.info.run_id);
}

export function registerRunCommands(ext: Extension): void {
  const out = ext.out;
  const uri = ext.context.extensionUri;
  const reg = (id: string, fn: (...a: any[]) => unknown) => ext.context.subscriptions.push(registerCommand(id, out, fn));
  const cfg = () => vscode.workspace.getConfiguration('mlops');
  const maxPoints = () => cfg().get('charts.maxPoints', 2000);
  const newPanel = (viewType: string, title: string) =>
    vscode.window.createWebviewPanel(viewType, title, vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [vscode.Uri.joinPath(uri, 'media')] });

  const openRun = async (runId: string, panel = newPanel(RUN_VIEW_TYPE, 'Run')) =>
    new RunPanel(panel, uri, await ext.ensureClient(), runId, ext.workspace!, ids => void plot(ids));
  const plot = async (runIds: string[], panel?: vscode.WebviewPanel) => {
    if (!runIds.length) throw new Error('Select one or more runs to plot');
    const p = panel ?? newPanel(CHARTS_VIEW_TYPE, runIds.length === 1 ? 'Metrics' : `Metrics · ${runIds.length} runs`);
    return new ChartsPanel(p, uri, await ext.ensureClient(), runIds, maxPoints, id => void openRun(id));
  };
  const compare = async (runIds: string[], panel?: vscode.WebviewPanel) => {
    if (runIds.length < 2) throw new Error('Select at least two runs to compare');
    return new ComparePanel(panel ?? newPanel(COMPARE_VIEW_TYPE, `Compare · ${runIds.length} runs`), uri, await ext.ensureClient(), runIds, id => void openRun(id));
  };
  const table = async (experimentIds?: string[], filter = '', panel?: vscode.WebviewPanel) =>
    new RunsTablePanel(panel ?? newPanel(RUNS_TABLE_VIEW_TYPE, 'Runs'), uri, await ext.ensureClient(), experimentIds, filter, {
      openRun: id => void openRun(id), compare: ids => void compare(ids), plot: ids => void plot(ids),
    });

  reg('mlops.workspace.init', async () => {
    if (!ext.workspace) throw new Error('Open a folder first: the tracking store lives in the workspace');
    const url = await ext.start(); // the engine creates .mlops/ (store + artifacts) on start
    ext.updateStoreContext();
    ext.tree.refresh();
    void vscode.window.showInformationMessage(`MLOps: tracking initialised in .mlops/ — mlflow clients can log to ${url}`);
    return url;
  });
  reg('mlops.server.start', () => ext.start());
  reg('mlops.server.stop', () => ext.engine?.stop());
  reg('mlops.server.restart', () => vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'MLOps: restarting tracking server' }, () => ext.restart()));
  reg('mlops.server.copyUri', async () => {
    const url = await ext.start();
    await vscode.env.clipboard.writeText(url);
    void vscode.window.showInformationMessage(`MLOps: copied ${url}`);
    return url;
  });
  reg('mlops.server.menu', serverMenu);
  reg('mlops.view.refresh', () => ext.tree.refresh());
  reg('mlops.experiment.showMore', (experimentId: string) => ext.tree.showMore(experimentId));
  // The clicked experiment, the experiments selected in the tree, or (none selected) every experiment.
  reg('mlops.runsTable.open', async (node?: Node, selection?: Node[]) => {
    const nodes = selection?.length ? selection : node ? [node] : [...ext.treeView.selection];
    const ids = nodes.flatMap(n => (n.kind === 'experiment' ? [n.id] : []));
    return table(ids.length ? ids : undefined);
  });
  reg('mlops.run.open', async (node?: Node | string) => {
    const id = typeof node === 'string' ? node : isRun(node) ? node.run.info.run_id : await pickRun(ext);
    if (id) return openRun(id);
  });
  reg('mlops.metrics.plot', async (node?: unknown, selection?: unknown) => {
    const ids = Array.isArray(node) ? (node as string[]) : selectedRunIds(node, selection, ext.treeView.selection);
    return plot(ids.length ? ids : await pickRuns(ext, true));
  });
  reg('mlops.runs.compare', async (node?: unknown, selection?: unknown) => {
    const ids = Array.isArray(node) ? (node as string[]) : selectedRunIds(node, selection, ext.treeView.selection);
    return compare(ids.length ? ids : await pickRuns(ext, true));
  });
  reg('mlops.run.copyId', async (node?: Node) => { if (isRun(node)) await vscode.env.clipboard.writeText(node.run.info.run_id); });
  // From the palette with nothing selected: pick the runs (deleted ones for Restore).
  reg('mlops.run.delete', async (node?: unknown, selection?: unknown) => {
    const selected = selectedRunIds(node, selection, ext.treeView.selection);
    const ids = selected.length ? selected : await pickRuns(ext, true);
    const c = await ext.ensureClient();
    for (const id of ids) await c.client.http.call('POST', 'runs/delete', { run_id: id });
  });
  reg('mlops.run.restore', async (node?: unknown, selection?: unknown) => {
    const selected = selectedRunIds(node, selection, ext.treeView.selection);
    const ids = selected.length ? selected : await pickRuns(ext, true, 'DELETED_ONLY');
    const c = await ext.ensureClient();
    for (const id of ids) await c.client.http.call('POST', 'runs/restore', { run_id: id });
  });
  reg('mlops.notebook.configure', async () => {
    const url = await ext.start();
    const file = writeDotEnv(ext.workspace!, url, ext.client?.token);
    void vscode.window.showInformationMessage(
      `MLOps: wrote MLFLOW_TRACKING_URI=${url} to ${vscode.workspace.asRelativePath(file)}. The Jupyter extension loads this .env into new kernels ` +
      '(restart running kernels); integrated terminals already have it. In a cell: import mlflow; mlflow.start_run() logs here.', 'Open .env')
      .then(pick => { if (pick) void vscode.window.showTextDocument(vscode.Uri.file(file)); });
    return file;
  });

  // Panels survive reloads: the serializer rebuilds them from their saved state.
  const revive = (viewType: string, fn: (panel: vscode.WebviewPanel, s: PanelState) => Promise<unknown>) =>
    ext.context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(viewType, {
      deserializeWebviewPanel: async (panel, state: PanelState | undefined) => { await fn(panel, state ?? {}).catch(e => out.error(String(e))); },
    }));
  revive(CHARTS_VIEW_TYPE, (p, s) => plot(s.runIds ?? [], p));
  revive(RUNS_TABLE_VIEW_TYPE, (p, s) => table(s.experimentIds, s.filter, p));
  revive(RUN_VIEW_TYPE, (p, s) => openRun(s.runIds?.[0] ?? '', p));
  revive(COMPARE_VIEW_TYPE, (p, s) => compare(s.runIds ?? [], p));
}

async function pickRuns(ext: Extension, many: boolean, view: 'ACTIVE_ONLY' | 'DELETED_ONLY' = 'ACTIVE_ONLY'): Promise<string[]> {
  const c = await ext.ensureClient();
  const exps = await c.experiments();
  const { runs } = await c.runs(exps.map(e => e.id), { max: 500, view });
  if (!runs.length) throw new Error(view === 'DELETED_ONLY' ? 'There are no deleted runs to restore' : 'There are no runs yet');
  const picks = runs.map(r => ({ label: r.info.run_name, description: `${exps.find(e => e.id === r.info.experiment_id)?.name ?? ''} · ${r.info.status}`, id: r.info.run_id }));
  const chosen = await vscode.window.showQuickPick(picks, { canPickMany: many, title: view === 'DELETED_ONLY' ? 'Select deleted runs to restore' : 'Select runs' }) as unknown;
  if (!chosen) return [];
  return (Array.isArray(chosen) ? chosen : [chosen]).map((p: { id: string }) => p.id);
}

async function pickRun(ext: Extension): Promise<string | undefined> {
  return (await pickRuns(ext, false))[0];
}
