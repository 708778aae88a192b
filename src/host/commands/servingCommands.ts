// Serving commands: Serve Model (quick pick of versions/aliases/stages), Stop/Restart Endpoint, Copy URL,
// Open Metadata, Send Test Request (a sample built from the signature, editable), Show Log, Batch Predict.
import * as vscode from 'vscode';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Extension } from '../extensionMain';
import type { ModelVersion, RegisteredModel, TensorSignature } from '../../shared/dto';
import type { ModelNode } from '../views/modelsTree';
import { EndpointProcess } from '../process/endpointProcess';
import { registerCommand } from './registry';

/** A one-row sample for each input, from its element type and shape (dynamic dims → 1). */
export function sampleRequest(inputs: TensorSignature[]): unknown {
  const zero = (t: string) => (t === 'bool' ? false : t === 'string' ? '' : t.startsWith('float') ? 0.5 : 1);
  const build = (shape: (number | string)[], t: string): unknown => (shape.length ? Array.from({ length: typeof shape[0] === 'number' && shape[0] > 0 ? shape[0] : 1 }, () => build(shape.slice(1), t)) : zero(t));
  return inputs.length === 1 ? { inputs: build(inputs[0].shape, inputs[0].type) } : { inputs: Object.fromEntries(inputs.map(i => [i.name, build(i.shape, i.type)])) };
}

export function registerServingCommands(ext: Extension): void {
  const reg = (id: string, fn: (...a: any[]) => unknown) => ext.context.subscriptions.push(registerCommand(id, ext.out, fn));
  const cfg = () => vscode.workspace.getConfiguration('mlops.serving');
  const args = () => ['--max-batch', String(cfg().get('maxBatch', 64)), '--max-wait-ms', String(cfg().get('maxWaitMs', 0)),
    '--threads', String(cfg().get('threads', 0)), '--graph-optimization', cfg().get('graphOptimizationLevel', 'all'), '--log-sample', String(cfg().get('logSample', 0.1))];
  const endpointOf = (arg: unknown) => {
    const e = arg instanceof EndpointProcess ? arg : ext.endpoints.endpoints.find(x => x.state === 'running');
    if (!e) throw new Error('No running endpoint: run "MLOps: Serve Model" first');
    return e;
  };

  const pickRef = async (): Promise<string | undefined> => {
    const h = (await ext.ensureClient()).client.http;
    const models = (await h.call<{ registered_models?: RegisteredModel[] }>('GET', 'registered-models/search', { max_results: 1000 })).registered_models ?? [];
    const items: { label: string; description?: string; ref: string }[] = [];
    for (const m of models) {
      for (const a of m.aliases) items.push({ label: `models:/${m.name}@${a.alias}`, description: `version ${a.version} (follows the alias: hot swap on move)`, ref: `models:/${m.name}@${a.alias}` });
      for (const v of m.latest_versions.filter(v => v.current_stage === 'Production' || v.current_stage === 'Staging')) {
        items.push({ label: `models:/${m.name}/${v.current_stage}`, description: `version ${v.version} (follows the stage)`, ref: `models:/${m.name}/${v.current_stage}` });
      }
      const versions = (await h.call<{ model_versions?: ModelVersion[] }>('GET', 'model-versions/search', { filter: `name = '${m.name.replace(/'/g, "\\'")}'` })).model_versions ?? [];
      for (const v of versions) items.push({ label: `models:/${m.name}/${v.version}`, description: v.current_stage, ref: `models:/${m.name}/${v.version}` });
    }
    items.push({ label: '$(file) An .onnx file…', ref: '' });
    const pick = await vscode.window.showQuickPick(items, { title: 'Serve which model?' });
    if (!pick) return undefined;
    if (pick.ref) return pick.ref;
    const file = await vscode.window.showOpenDialog({ filters: { 'ONNX model': ['onnx'] }, canSelectMany: false });
    return file?.[0].fsPath;
  };

  reg('mlops.endpoint.serve', async (arg?: string | ModelNode) => {
    if (!ext.workspace) throw new Error('Open a folder first');
    if (!vscode.workspace.isTrusted) throw new Error('Serving runs model code: trust the workspace first');
    const ref = typeof arg === 'string' ? arg : arg && arg.kind === 'version' ? `models:/${arg.version.name}/${arg.version.version}` : await pickRef();
    if (!ref) return;
    await ext.ensureClient();
    const e = new EndpointProcess(ref, ext.context.extensionPath, ext.workspace, ext.out, args);
    ext.endpoints.add(e);
    const url = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `MLOps: serving ${ref}` }, () => e.start());
    void vscode.window.showInformationMessage(`MLOps: ${ref} is served at ${url}/invocations`, 'Copy URL').then(a => { if (a) void vscode.env.clipboard.writeText(`${url}/invocations`); });
    return e;
  });
  reg('mlops.endpoint.stop', (arg?: EndpointProcess) => { const e = endpointOf(arg); e.kill(); ext.endpoints.remove(e); });
  reg('mlops.endpoint.restart', (arg?: EndpointProcess) => endpointOf(arg).restart());
  reg('mlops.endpoint.copyUrl', async (arg?: EndpointProcess) => { const url = `${endpointOf(arg).url}/invocations`; await vscode.env.clipboard.writeText(url); return url; });
  reg('mlops.endpoint.showLog', () => ext.out.show());
  reg('mlops.endpoint.openMetadata', async (arg?: EndpointProcess) => {
    const meta = await (await fetch(`${endpointOf(arg).url}/metadata`)).json();
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(meta, null, 2) }));
    return meta;
  });
  reg('mlops.endpoint.sendTestRequest', async (arg?: EndpointProcess, bodyArg?: unknown) => {
    const e = endpointOf(arg);
    const meta = await (await fetch(`${e.url}/metadata`)).json() as { inputs: TensorSignature[] };
    let body = bodyArg === undefined ? undefined : JSON.stringify(bodyArg);
    if (body === undefined) {
      body = await vscode.window.showInputBox({ title: `Test request to ${e.ref} (edit the JSON, Enter sends it)`, value: JSON.stringify(sampleRequest(meta.inputs)),
        validateInput: v => { try { JSON.parse(v); return undefined; } catch (err) { return `Not JSON: ${(err as Error).message}`; } } });
      if (body === undefined) return;
    }
    const res = await fetch(`${e.url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    const answer = await res.json();
    if (bodyArg === undefined) {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'jsonc', content: `// ${res.status} from ${e.url}/invocations\n${JSON.stringify(answer, null, 2)}` }), { preview: true });
    }
    return { status: res.status, body: answer };
  });

  reg('mlops.model.batchPredict', async (given?: { model?: string; input?: string; output?: string }) => {
    if (!ext.workspace) throw new Error('Open a folder first');
    const model = given?.model ?? await pickRef();
    if (!model) return;
    const input = given?.input ?? (await vscode.window.showOpenDialog({ title: 'Input data', filters: { Data: ['csv', 'arrow', 'feather', 'ipc', 'parquet'] } }))?.[0].fsPath;
    if (!input) return;
    const output = given?.output ?? (await vscode.window.showSaveDialog({ title: 'Write predictions to', defaultUri: vscode.Uri.file(input.replace(/(\.[^.]+)$/, '.predictions$1')) }))?.fsPath;
    if (!output) return;
    const summary = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `MLOps: batch predict ${path.basename(input)}`, cancellable: true }, (progress, token) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(ext.context.extensionPath, 'dist', 'cli.js'), '--workspace', ext.workspace!, 'predict', '--model', model, '--input', input, '--output', output],
          { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
        let out = '';
        let err = '';
        token.onCancellationRequested(() => child.kill());
        child.stdout.on('data', d => (out += d));
        child.stderr.on('data', d => { err += d; const last = String(d).trim().split('\n').pop(); if (last) progress.report({ message: last.slice(0, 80) }); });
        child.on('exit', code => (code === 0 ? resolve(out.trim()) : reject(new Error(err.trim().split('\n').pop() || `predict exited with code ${code}`))));
      }));
    void vscode.window.showInformationMessage(`MLOps: ${summary.split('\n').pop()}`, 'Open Output').then(a => { if (a) void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(output)); });
    return summary;
  });
}
