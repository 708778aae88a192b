// Pipeline commands (mlops.pipeline.*): run / run one stage / run with upstream / force run, cancel, stage log,
// last run, DAG panel, refresh. Each accepts a tree node, a {file, stage} object (CodeLens, DAG, tests) or nothing.
import * as vscode from 'vscode';
import fs from 'node:fs';
import type { Extension } from '../extensionMain';
import type { PipelineFeature } from '../pipeline/pipelineFeature';
import { latestStageRun, type PipelineStageDto } from '../pipeline/pipelineClient';
import { refuseUntrusted, type ReproRequest } from '../pipeline/reproArgs';
import type { ReproResult } from '../pipeline/reproRunner';
import { openAt } from '../views/pipelineTree';
import { DagPanel, DAG_VIEW_TYPE } from '../webviews/dagPanel';
import { artifactFile } from '../webviews/runPanel';
import type { DagState } from '../../shared/protocol';
import { registerCommand } from './registry';

export interface StageTarget { file?: string; stage?: string }
export type PipelineRunResult = ReproResult & { failed: string[] };


const plain = (s: string) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, ''); // eslint-disable-line no-control-regex

export function registerPipelineCommands(ext: Extension, feature: PipelineFeature): void {
  const reg = (id: string, fn: (...a: any[]) => unknown) => ext.context.subscriptions.push(registerCommand(id, ext.out, fn));
  const { model } = feature;
  /** A tree node, a {file, stage}, a stage name, or a dvc.yaml Uri (editor title). */
  const targetOf = (arg: unknown): StageTarget => {
    if (typeof arg === 'string') return { stage: arg };
    if (arg instanceof vscode.Uri) return { file: model.byUri(arg)?.file };
    if (!arg || typeof arg !== 'object') return {};
    const a = arg as { kind?: string; file?: string; stage?: string };
    return a.kind === 'pipeline' ? { file: a.file } : { file: a.file, stage: a.stage };
  };

  /** The dvc.yaml a target means: given, the one holding the stage, the only one, or a pick. */
  const fileOf = async (t: StageTarget): Promise<string | undefined> => {
    if (t.file) return t.file;
    const holding = model.pipelines.filter(p => !t.stage || p.stages.some(s => s.name === t.stage));
    if (holding.length <= 1) return holding[0]?.file;
    return (await vscode.window.showQuickPick(holding.map(p => p.file), { title: 'Which dvc.yaml?' })) ?? '';
  };
  /** The stage a target means, picked when not given. */
  const stageOf = async (t: StageTarget): Promise<{ file: string; stage: PipelineStageDto } | undefined> => {
    if (!model.pipelines.length) await model.refresh();
    if (!t.stage) {
      const picks = model.pipelines.flatMap(p => p.stages.map(s => ({ label: s.name, description: `${p.file} · ${s.status.state}`, file: p.file, stage: s })));
      if (!picks.length) throw new Error('No pipeline stages found (is there a dvc.yaml, and is the tracking server running?)');
      return vscode.window.showQuickPick(picks, { title: 'Which stage?' });
    }
    const file = await fileOf(t);
    const stage = file ? model.find(file, t.stage) : undefined;
    if (!file || !stage) throw new Error(`No stage '${t.stage}'${t.file ? ` in ${t.file}` : ''}`);
    return { file, stage };
  };

  const run = async (req: ReproRequest, label: string): Promise<PipelineRunResult | undefined> => {
    refuseUntrusted(vscode.workspace.isTrusted);
    const runner = feature.runner;
    if (!runner || !ext.workspace) throw new Error('Open a folder first');
    const url = await ext.start();
    const done = runner.start(url, ext.client?.token, req, vscode.workspace.isTrusted);
    model.setRunning(true);
    let result: ReproResult;
    try {
      result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `MLOps: ${label}`, cancellable: true }, (progress, token) => {
        token.onCancellationRequested(() => runner.cancel());
        const sub = runner.onLine(l => progress.report({ message: plain(l).slice(0, 90) }));
        return done.finally(() => sub.dispose());
      });
    } finally {
      model.setRunning(false);
    }
    await model.refresh();
    const p = model.pipelines.find(x => x.file === req.file) ?? model.pipelines[0];
    const failed = (p?.stages ?? []).filter(s => s.status.state === 'failed').map(s => s.name);
    if (result.cancelled) {
      void vscode.window.showInformationMessage('MLOps: pipeline run cancelled');
    } else if (result.code !== 0) {
      void vscode.window.showErrorMessage(`MLOps: pipeline failed${failed.length ? ` at ${failed.join(', ')}` : ''} (exit code ${result.code})`, 'Show Output', ...(failed.length ? ['Show Log'] : []))
        .then(a => { if (a === 'Show Output') runner.showTerminal(); else if (a === 'Show Log') void vscode.commands.executeCommand('mlops.pipeline.showLog', { file: p?.file, stage: failed[0] }); });
    } else {
      vscode.window.setStatusBarMessage(`$(pass) MLOps: ${label} done in ${(result.ms / 1000).toFixed(1)} s`, 8000);
    }
    return { ...result, failed };
  };

  const runTarget = async (arg: unknown, how: { single?: boolean; force?: boolean; needStage?: boolean }) => {
    const t = targetOf(arg);
    if (how.needStage && !t.stage) {
      const picked = await stageOf(t);
      if (!picked) return undefined;
      Object.assign(t, { file: picked.file, stage: picked.stage.name });
    }
    const file = await fileOf(t);
    if (file === '') return undefined; // pick dismissed
    const stages = t.stage ? [t.stage] : [];
    const what = t.stage ? `${how.single ? 'stage' : 'reproduce'} ${t.stage}` : `reproduce ${file ?? 'dvc.yaml'}`;
    return run({ file, stages, single: how.single && !!t.stage, force: how.force }, `${how.force ? 'force ' : ''}${what}`);
  };

  reg('mlops.pipeline.run', (arg?: unknown) => runTarget(arg, {}));
  reg('mlops.pipeline.runStage', (arg?: unknown) => runTarget(arg, { single: true, needStage: true }));
  reg('mlops.pipeline.runWithUpstream', (arg?: unknown) => runTarget(arg, { needStage: true }));
  // On a stage: that stage alone even if nothing changed; on a file or from the palette: every stage.
  reg('mlops.pipeline.forceRun', (arg?: unknown) => runTarget(arg, { force: true, single: true }));
  reg('mlops.pipeline.cancel', () => feature.runner?.cancel() ?? false);
  reg('mlops.pipeline.refresh', () => model.refresh());

  /** The stage's latest run (a failed one too), else the run that made its current outputs. */
  const lastRun = async (picked: { file: string; stage: PipelineStageDto }) => {
    const runId = await latestStageRun(await ext.ensureClient(), picked.file, picked.stage.name).catch(() => undefined) ?? picked.stage.status.lastRunId;
    if (!runId) throw new Error(`Stage ${picked.stage.name} has not run yet`);
    return runId;
  };

  reg('mlops.pipeline.openLastRun', async (arg?: unknown) => {
    const picked = await stageOf(targetOf(arg));
    if (!picked) return undefined;
    const runId = await lastRun(picked);
    await vscode.commands.executeCommand('mlops.run.open', runId);
    return runId;
  });

  reg('mlops.pipeline.showLog', async (arg?: unknown) => {
    const picked = await stageOf(targetOf(arg));
    if (!picked) return undefined;
    if (picked.stage.status.state === 'running' && feature.runner?.running) return feature.runner.showTerminal(); // the log so far
    const runId = await lastRun(picked);
    const c = await ext.ensureClient();
    const info = (await c.client.getRun(runId)).info;
    const local = ext.workspace ? artifactFile(ext.workspace, info.artifact_uri, 'stage.log') : undefined;
    if (local && fs.existsSync(local)) {
      await vscode.window.showTextDocument(vscode.Uri.file(local), { preview: true });
      return local;
    }
    const res = await fetch(`${c.url}/api/2.0/mlflow-artifacts/artifacts/${info.artifact_uri.replace(/^mlflow-artifacts:\/*/, '')}/stage.log`,
      { headers: c.token ? { Authorization: `Bearer ${c.token}` } : {} });
    if (!res.ok) throw new Error(`Run ${runId} of stage ${picked.stage.name} has no stage.log (${res.status})`);
    const doc = await vscode.workspace.openTextDocument({ content: await res.text(), language: 'log' });
    await vscode.window.showTextDocument(doc, { preview: true });
    return doc.uri.toString();
  });

  const openDag = (panel: vscode.WebviewPanel, file: string | undefined) => new DagPanel(panel, ext.context.extensionUri, model, file, {
    run: (f, stage) => void vscode.commands.executeCommand('mlops.pipeline.runWithUpstream', { file: f, stage }),
    openRun: id => void vscode.commands.executeCommand('mlops.run.open', id),
    openDefinition: (f, stage) => {
      const p = model.pipelines.find(x => x.file === f);
      const s = p?.stages.find(x => x.name === stage);
      if (p && s) { const c = openAt(p.uri, s.line, s.col); void vscode.commands.executeCommand(c.command, ...c.arguments!); }
    },
    running: () => feature.runner?.running ?? false,
  });
  reg('mlops.pipeline.showDag', async (arg?: unknown) => {
    if (ext.workspace && ext.storeExists) await ext.start().catch(() => undefined); // the panel says what is missing
    const file = targetOf(arg).file;
    const panel = vscode.window.createWebviewPanel(DAG_VIEW_TYPE, `Pipeline${file ? ` · ${file}` : ''}`, vscode.ViewColumn.Active,
      { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [vscode.Uri.joinPath(ext.context.extensionUri, 'media')] });
    return openDag(panel, file);
  });
  ext.context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(DAG_VIEW_TYPE, {
    deserializeWebviewPanel: async (panel, state: DagState | undefined) => { openDag(panel, state?.file); },
  }));
}
