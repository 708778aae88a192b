// The pipeline feature's objects, built once by the Extension: model, runner, Pipeline view, CodeLens, diagnostics.
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { PipelineTree, type PipelineNode } from '../views/pipelineTree';
import { PIPELINE_FILES, PipelineCodeLens } from './codeLens';
import { PipelineDiagnostics } from './diagnostics';
import { PipelineModel } from './pipelineModel';
import { PipelineRunner } from './reproRunner';

export class PipelineFeature extends Disposable {
  readonly model: PipelineModel;
  readonly tree: PipelineTree;
  readonly view: vscode.TreeView<PipelineNode>;
  readonly diagnostics: PipelineDiagnostics;
  readonly runner?: PipelineRunner;

  constructor(extensionPath: string, workspace: string | undefined, out: vscode.LogOutputChannel) {
    super();
    this.model = this.track(new PipelineModel(workspace));
    this.tree = this.track(new PipelineTree(this.model));
    this.view = this.track(vscode.window.createTreeView('mlops.pipeline', { treeDataProvider: this.tree }));
    this.diagnostics = this.track(new PipelineDiagnostics(this.model));
    this.track(vscode.languages.registerCodeLensProvider(PIPELINE_FILES, this.track(new PipelineCodeLens(this.model))));
    if (workspace) {
      const runner = this.runner = this.track(new PipelineRunner(extensionPath, workspace, out));
      this.track(runner.onDidChangeRunning(r => void vscode.commands.executeCommand('setContext', 'mlops.pipelineRunning', r)));
    }
  }
}
