// Drift commands: mlops.monitor.run|openReport|openHistory|edit|refresh, mlops.drift.compareWithReference (a data
// file's explorer menu) and mlops.endpoint.checkDrift (the Endpoints view). Monitor commands take a tree node, a
// monitor name or nothing (a quick pick); the others take an options object for scripted use (tests).
import * as vscode from 'vscode';
import fs from 'node:fs';
import path from 'node:path';
import type { Extension } from '../extensionMain';
import type { DriftFeature } from '../drift/driftFeature';
import { alerted, checkDrift, endpointMatches, type DriftCheckRequest } from '../drift/driftClient';
import { DATA_EXTENSIONS, MONITORS_TEMPLATE, pickReference, pickWindow, sourcePath } from '../drift/sourcePicks';
import { EndpointProcess } from '../process/endpointProcess';
import type { DriftPanel } from '../webviews/driftPanel';
import type { DriftReport } from '../../shared/dto';
import { registerCommand } from './registry';

export interface AdHocResult { checkId: number; report: DriftReport; panel: DriftPanel }

export function registerDriftCommands(ext: Extension, feature: DriftFeature): void {
  const reg = (id: string, fn: (...a: any[]) => unknown) => ext.context.subscriptions.push(registerCommand(id, ext.out, fn));
  const { model } = feature;

  /** A tree node, a name, or a pick among the monitors. */
  const monitorOf = async (arg: unknown): Promise<string | undefined> => {
    if (typeof arg === 'string') return arg;
    if (arg && typeof arg === 'object' && 'name' in arg && typeof arg.name === 'string') return arg.name;
    await ext.ensureClient();
    await model.refresh();
    if (model.error) throw new Error(`${model.error.file}:${model.error.line}:${model.error.col}: ${model.error.message}`);
    if (!model.monitors.length) throw new Error('No monitors yet: add one to .mlops/monitors.yaml ("MLOps: Edit monitors.yaml")');
    return (await vscode.window.showQuickPick(model.monitors.map(m => ({ label: m.name, description: `${m.reference} → ${m.current}` })), { title: 'Which monitor?' }))?.label;
  };

  const progress = <T>(title: string, fn: () => Promise<T>) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `MLOps: ${title}` }, fn);

  reg('mlops.monitor.run', async (arg?: unknown) => {
    const name = await monitorOf(arg);
    if (!name) return undefined;
    const check = await progress(`checking monitor ${name}`, () => feature.runCheck(name));
    const alerts = check.report.qualityAlerts.length;
    const quality = alerts ? `${alerts} data-quality alert${alerts === 1 ? '' : 's'}` : '';
    const text = check.drift ? `drift in ${check.report.driftedColumns.join(', ')}${quality ? `, ${quality}` : ''}` : quality ? `no drift, ${quality}` : 'no drift';
    vscode.window.setStatusBarMessage(`$(${alerted(check.report) || check.drift ? 'warning' : 'pass'}) MLOps: ${name}: ${text}`, 8000);
    feature.openReport({ monitor: name, checkId: check.id });
    return check;
  });
  reg('mlops.monitor.openReport', async (arg?: unknown) => {
    const name = await monitorOf(arg);
    return name ? feature.openReport({ monitor: name }) : undefined;
  });
  reg('mlops.monitor.openHistory', async (arg?: unknown) => {
    const name = await monitorOf(arg);
    return name ? feature.openReport({ monitor: name, focus: 'history' }) : undefined;
  });
  reg('mlops.monitor.refresh', () => model.refresh());
  reg('mlops.monitor.edit', async (arg?: unknown) => {
    const uri = model.fileUri;
    if (!uri) throw new Error('Open a folder first: monitors live in .mlops/monitors.yaml');
    if (!fs.existsSync(uri.fsPath)) {
      fs.mkdirSync(path.dirname(uri.fsPath), { recursive: true });
      fs.writeFileSync(uri.fsPath, MONITORS_TEMPLATE, { flag: 'wx' });
      model.schedule(0);
    }
    const name = typeof arg === 'string' ? arg : (arg as { name?: string } | undefined)?.name;
    const lines = fs.readFileSync(uri.fsPath, 'utf8').split(/\r?\n/);
    const line = name ? Math.max(0, lines.findIndex(l => new RegExp(`^\\s+["']?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*:`).test(l))) : 0;
    const editor = await vscode.window.showTextDocument(uri, { selection: new vscode.Range(line, 0, line, 0) });
    return editor.document.uri.fsPath;
  });

  /** Runs an ad-hoc comparison under a progress notification and shows it in a report panel. */
  const compare = async (label: string, req: DriftCheckRequest): Promise<AdHocResult> => {
    const c = await ext.ensureClient();
    const r = await progress(`comparing ${label}`, () => checkDrift(c, req));
    if (r.check_id === undefined) throw new Error('the engine did not store the check');
    return { checkId: r.check_id, report: r.report, panel: feature.openReport({ checkId: r.check_id }) };
  };

  reg('mlops.drift.compareWithReference', async (uri?: vscode.Uri, opts?: { reference?: string }) => {
    const isData = (u: vscode.Uri | undefined) => !!u && DATA_EXTENSIONS.includes(path.extname(u.fsPath).slice(1).toLowerCase());
    const active = vscode.window.activeTextEditor?.document.uri;
    const current = (uri instanceof vscode.Uri ? uri : isData(active) ? active : undefined)?.fsPath
      ?? (await vscode.window.showOpenDialog({ title: 'Current data', filters: { 'Data files': DATA_EXTENSIONS } }))?.[0]?.fsPath;
    if (!current) return undefined;
    const reference = opts?.reference ?? (await pickReference(`Compare ${path.basename(current)} with…`, current))?.file;
    if (!reference) return undefined;
    return compare(`${path.basename(current)} with ${path.basename(reference)}`,
      { reference: sourcePath(ext.workspace, reference), current: sourcePath(ext.workspace, current) });
  });

  reg('mlops.endpoint.checkDrift', async (arg?: EndpointProcess, opts?: { reference?: string; monitor?: string; windowMinutes?: number }) => {
    const e = arg instanceof EndpointProcess ? arg : ext.endpoints.endpoints.find(x => x.state === 'running');
    if (!e) throw new Error('No endpoint: run "MLOps: Serve Model" first');
    await ext.ensureClient();
    await model.refresh();
    const monitors = model.monitors.filter(m => m.endpoint && endpointMatches(m.endpoint, e));
    let pick: { file?: string; monitor?: string } | undefined = opts?.reference || opts?.monitor ? opts : undefined;
    pick ??= await pickReference(`Check drift of ${e.ref}: reference`, undefined,
      monitors.map(m => ({ label: `$(pulse) Monitor ${m.name}`, description: `${m.reference} → ${m.current}`, monitor: m.name })));
    if (!pick) return undefined;
    if (pick.monitor) return vscode.commands.executeCommand('mlops.monitor.run', pick.monitor);
    const reference = opts?.reference ?? pick.file!;
    const minutes = opts?.windowMinutes ?? await pickWindow(e.ref);
    if (minutes === undefined) return undefined;
    return compare(`${e.ref} requests with ${path.basename(reference)}`, {
      reference: sourcePath(ext.workspace, reference), current: minutes ? { endpoint: e.ref, window: `${minutes}m` } : { endpoint: e.ref },
    });
  });
}
