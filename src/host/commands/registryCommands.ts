// Registry commands: register, promote (gates shown before confirming), aliases, archive, rollback,
// lineage, push to a remote MLflow registry. Each accepts tree nodes or plain arguments (API/tests).
import os from 'node:os';
import * as vscode from 'vscode';
import type { Extension } from '../extensionMain';
import type { FileInfo, GateResult, ModelVersion, RegisteredModel } from '../../shared/dto';
import type { ModelNode } from '../views/modelsTree';
import type { Node } from '../views/experimentsTree';
import { registerCommand } from './registry';
import { LineagePanel, LINEAGE_VIEW_TYPE } from '../webviews/lineagePanel';

type VersionRef = { name: string; version: string };
type Target = { stage?: string; alias?: string };
const REMOTE_TOKEN = 'mlops.remote.token';
const REMOTE_USER = 'mlops.remote.username';
const REMOTE_PASSWORD = 'mlops.remote.password';

function versionRef(arg: unknown): VersionRef | undefined {
  const n = arg as ModelNode | VersionRef | undefined;
  if (!n) return undefined;
  if ('kind' in n && n.kind === 'version') return { name: n.version.name, version: n.version.version };
  if ('name' in n && 'version' in n) return { name: n.name, version: String(n.version) };
  return undefined;
}
const targetLabel = (t: Target) => (t.stage ? t.stage : `@${t.alias}`);

/** Who the audit trail names for actions taken here: the OS user VS Code runs as. */
function hostUser(): string | undefined {
  try { return os.userInfo().username; } catch { return undefined; }
}

/** What a push sets on the remote: the given stage/aliases, else the version's local stage (unless None) and aliases. */
function pushTargets(mv: ModelVersion, given?: { stage?: string; alias?: string; aliases?: string[] }): { stage?: string; aliases: string[] } {
  const aliases = [...(given?.aliases ?? []), ...(given?.alias ? [given.alias] : [])];
  if (given?.stage || aliases.length) return { stage: given?.stage, aliases };
  return { stage: mv.current_stage !== 'None' ? mv.current_stage : undefined, aliases: mv.aliases };
}

export function registerRegistryCommands(ext: Extension): void {
  const reg = (id: string, fn: (...a: any[]) => unknown) => ext.context.subscriptions.push(registerCommand(id, ext.out, fn));
  const http = async () => (await ext.ensureClient()).client.http;

  reg('mlops.model.register', async (arg?: Node | { runId: string; path?: string; name?: string }) => {
    const runId = arg && 'kind' in arg && arg.kind === 'run' ? arg.run.info.run_id : arg && 'runId' in arg ? arg.runId : undefined;
    if (!runId) throw new Error('Right-click a run in the Experiments view to register one of its artifacts');
    const h = await http();
    let path = arg && 'runId' in arg ? arg.path : undefined;
    if (path === undefined) {
      const files: FileInfo[] = [];
      const walk = async (p?: string, depth = 0): Promise<void> => {
        const r = await h.call<{ files?: FileInfo[] }>('GET', 'artifacts/list', { run_id: runId, path: p });
        for (const f of r.files ?? []) { files.push(f); if (f.is_dir && depth < 2) await walk(f.path, depth + 1); }
      };
      await walk();
      const picks = [{ label: '$(root-folder) (all artifacts of the run)', path: '' },
        ...files.filter(f => f.is_dir || f.path.endsWith('.onnx')).map(f => ({ label: `${f.is_dir ? '$(folder)' : '$(file-binary)'} ${f.path}`, path: f.path }))];
      const pick = await vscode.window.showQuickPick(picks, { title: 'Register Model: which artifact?', placeHolder: files.length ? 'a model folder or .onnx file' : 'this run has no artifacts yet' });
      if (!pick) return;
      path = pick.path;
    }
    let name = arg && 'runId' in arg ? arg.name : undefined;
    if (!name) {
      const models = (await h.call<{ registered_models?: RegisteredModel[] }>('GET', 'registered-models/search', { max_results: 1000 })).registered_models ?? [];
      const pick = await vscode.window.showQuickPick([{ label: '$(add) New model…', name: '' }, ...models.map(m => ({ label: m.name, name: m.name }))], { title: 'Register Model: into which model?' });
      if (!pick) return;
      name = pick.name || await vscode.window.showInputBox({ title: 'New registered model name', validateInput: v => (v.trim() ? undefined : 'A name is required') });
      if (!name) return;
    }
    await h.call('POST', 'registered-models/create', { name }).catch((e: { code?: string }) => { if (e.code !== 'RESOURCE_ALREADY_EXISTS') throw e; });
    const { model_version } = await h.call<{ model_version: ModelVersion }>('POST', 'model-versions/create', { name, source: `runs:/${runId}${path ? `/${path}` : ''}`, run_id: runId });
    void vscode.window.showInformationMessage(`MLOps: registered ${name} version ${model_version.version}`);
    return model_version;
  });

  reg('mlops.model.promote', async (arg?: unknown, given?: Target & { override?: boolean; reason?: string }) => {
    const ref = versionRef(arg);
    if (!ref) throw new Error('Select a model version in the Models view');
    const h = await http();
    let target: Target | undefined = given?.stage || given?.alias ? { stage: given.stage, alias: given.alias } : undefined;
    if (!target) {
      const pick = await vscode.window.showQuickPick([
        { label: 'Staging', t: { stage: 'Staging' } }, { label: 'Production', t: { stage: 'Production' } },
        { label: '@champion', t: { alias: 'champion' } }, { label: '@challenger', t: { alias: 'challenger' } }, { label: 'Other alias…', t: {} as Target },
      ], { title: `Promote ${ref.name} v${ref.version} to…` });
      if (!pick) return;
      target = pick.t.stage || pick.t.alias ? pick.t : { alias: await vscode.window.showInputBox({ title: 'Alias name' }) };
      if (!target.stage && !target.alias) return;
    }
    const { gates } = await h.call<{ gates: GateResult[] }>('POST', '/api/2.0/mlops/registry/evaluate', { ...ref, ...target });
    const failed = gates.filter(g => !g.passed);
    let override = given?.override ?? false;
    let reason = given?.reason;
    if (!given) {
      const items = [
        ...gates.map(g => ({ label: `${g.passed ? '$(pass)' : '$(error)'} ${g.rule}`, detail: g.detail, action: '' })),
        { label: '', kind: vscode.QuickPickItemKind.Separator, action: '' },
        failed.length ? { label: '$(warning) Override with a written reason…', action: 'override' } : { label: `$(check) Promote to ${targetLabel(target)}`, action: 'promote' },
        { label: 'Cancel', action: 'cancel' },
      ];
      const pick = await vscode.window.showQuickPick(items, { title: `${ref.name} v${ref.version} → ${targetLabel(target)}: ${gates.length ? `${gates.length - failed.length}/${gates.length} gates pass` : 'no gates in .mlops/policy.yaml'}` });
      if (!pick || !pick.action || pick.action === 'cancel') return;
      if (pick.action === 'override') {
        reason = await vscode.window.showInputBox({ title: 'Why override the failing gates? (recorded in the audit trail)', validateInput: v => (v.trim() ? undefined : 'A reason is required') });
        if (!reason) return;
        override = true;
      }
    }
    const r = await h.call<{ model_version: ModelVersion; gates: GateResult[] }>('POST', '/api/2.0/mlops/registry/promote', { ...ref, ...target, override, reason, user: hostUser() });
    void vscode.window.showInformationMessage(`MLOps: ${ref.name} v${ref.version} → ${targetLabel(target)}${override && failed.length ? ' (gates overridden)' : ''}`);
    return r;
  });

  reg('mlops.model.setAlias', async (arg?: unknown, alias?: string) => {
    const ref = versionRef(arg);
    if (!ref) throw new Error('Select a model version in the Models view');
    alias ??= await vscode.window.showInputBox({ title: `Alias for ${ref.name} v${ref.version}`, value: 'champion' });
    if (alias) return vscode.commands.executeCommand('mlops.model.promote', ref, { alias });
  });
  reg('mlops.model.removeAlias', async (arg?: unknown, alias?: string) => {
    const node = arg as ModelNode | undefined;
    const ref = versionRef(arg);
    if (!ref) throw new Error('Select a model version in the Models view');
    const aliases = node && 'kind' in node && node.kind === 'version' ? node.version.aliases : [];
    alias ??= aliases.length === 1 ? aliases[0] : await vscode.window.showQuickPick(aliases, { title: 'Remove which alias?' });
    if (alias) await (await http()).call('DELETE', 'registered-models/alias', { name: ref.name, alias, user: hostUser() });
  });
  reg('mlops.model.archive', async (arg?: unknown) => {
    const ref = versionRef(arg);
    if (!ref) throw new Error('Select a model version in the Models view');
    return (await http()).call('POST', 'model-versions/transition-stage', { ...ref, stage: 'Archived', archive_existing_versions: false, user: hostUser() });
  });
  reg('mlops.model.rollback', async (arg?: unknown, given?: Target & { reason?: string }) => {
    const n = arg as ModelNode | { name: string } | undefined;
    const name = n && 'kind' in n ? (n.kind === 'model' ? n.model.name : n.kind === 'version' ? n.version.name : undefined) : n?.name;
    if (!name) throw new Error('Select a registered model in the Models view');
    let target: Target | undefined = given?.stage || given?.alias ? given : undefined;
    if (!target) {
      const model = n && 'kind' in n && n.kind === 'model' ? n.model : undefined;
      const pick = await vscode.window.showQuickPick([{ label: 'Production', t: { stage: 'Production' } }, { label: 'Staging', t: { stage: 'Staging' } },
        ...(model?.aliases ?? []).map(a => ({ label: `@${a.alias}`, t: { alias: a.alias } }))], { title: `Roll back ${name}: which stage or alias?` });
      if (!pick) return;
      target = pick.t;
    }
    const r = await (await http()).call<{ model_version: ModelVersion }>('POST', '/api/2.0/mlops/registry/rollback', { name, ...target, reason: given?.reason, user: hostUser() });
    void vscode.window.showInformationMessage(`MLOps: ${name} ${targetLabel(target)} is version ${r.model_version.version} again`);
    return r;
  });
  reg('mlops.model.showLineage', async (arg?: unknown) => {
    const ref = versionRef(arg);
    if (!ref) throw new Error('Select a model version in the Models view');
    const panel = vscode.window.createWebviewPanel(LINEAGE_VIEW_TYPE, `Lineage · ${ref.name} v${ref.version}`, vscode.ViewColumn.Active,
      { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [vscode.Uri.joinPath(ext.context.extensionUri, 'media')] });
    return new LineagePanel(panel, ext.context.extensionUri, await ext.ensureClient(), ref, id => void vscode.commands.executeCommand('mlops.run.open', id));
  });
  reg('mlops.models.refresh', () => ext.models.refresh());
  reg('mlops.remote.setCredentials', async () => {
    const kind = await vscode.window.showQuickPick(['Bearer token', 'Username and password', 'Clear credentials'], { title: 'Remote MLflow registry credentials (kept in SecretStorage, never in settings)' });
    if (!kind) return;
    for (const k of [REMOTE_TOKEN, REMOTE_USER, REMOTE_PASSWORD]) await ext.context.secrets.delete(k);
    if (kind === 'Bearer token') {
      const token = await vscode.window.showInputBox({ title: 'Bearer token', password: true });
      if (token) await ext.context.secrets.store(REMOTE_TOKEN, token);
    } else if (kind === 'Username and password') {
      const user = await vscode.window.showInputBox({ title: 'Username' });
      const password = user ? await vscode.window.showInputBox({ title: 'Password', password: true }) : undefined;
      if (user && password) { await ext.context.secrets.store(REMOTE_USER, user); await ext.context.secrets.store(REMOTE_PASSWORD, password); }
    }
  });
  reg('mlops.model.push', async (arg?: unknown, given?: { remote?: string; stage?: string; alias?: string; aliases?: string[]; confirm?: boolean }) => {
    const ref = versionRef(arg);
    if (!ref) throw new Error('Select a model version in the Models view');
    const remote = given?.remote ?? vscode.workspace.getConfiguration('mlops').get<string>('remote.uri', '');
    if (!remote) throw new Error('Set mlops.remote.uri (and "MLOps: Set Remote Registry Credentials") first');
    const [token, username, password] = await Promise.all([REMOTE_TOKEN, REMOTE_USER, REMOTE_PASSWORD].map(k => ext.context.secrets.get(k)));
    const h = await http();
    // Only what the version holds locally (its gates ran on local promotion); the engine refuses anything else.
    const { model_version: mv } = await h.call<{ model_version: ModelVersion }>('GET', 'model-versions/get', ref);
    const { stage, aliases } = pushTargets(mv, given);
    const body = { ...ref, remote_uri: remote, stage, aliases, token, username, password };
    const plan = await h.call<{ steps: string[] }>('POST', '/api/2.0/mlops/registry/push', { ...body, dry_run: true });
    if (given?.confirm !== false) {
      const sets = [stage ? `stage ${stage}` : '', ...aliases.map(a => `alias @${a}`)].filter(Boolean);
      const summary = sets.length ? `Sets on the remote: ${sets.join(', ')} (as held locally).`
        : `Sets no stage or alias on the remote: v${ref.version} is in stage None locally and holds no alias.`;
      const ok = await vscode.window.showInformationMessage(`Push ${ref.name} v${ref.version} to ${remote}?`, { modal: true, detail: `${summary}\n\n${plan.steps.join('\n')}` }, 'Push');
      if (ok !== 'Push') return;
    }
    const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `MLOps: pushing ${ref.name} v${ref.version} to ${remote}` },
      () => h.call<{ remoteVersion: string }>('POST', '/api/2.0/mlops/registry/push', body));
    void vscode.window.showInformationMessage(`MLOps: pushed ${ref.name} v${ref.version} → remote version ${r.remoteVersion}`);
    return r;
  });

  ext.context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(LINEAGE_VIEW_TYPE, {
    deserializeWebviewPanel: async (panel, state: { name?: string; version?: string } | undefined) => {
      if (state?.name && state.version) new LineagePanel(panel, ext.context.extensionUri, await ext.ensureClient(), { name: state.name, version: state.version }, id => void vscode.commands.executeCommand('mlops.run.open', id));
    },
  }));
}
