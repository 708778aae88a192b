// A pipeline definition error (file, line, col, message) as a diagnostic on dvc.yaml or the params file;
// replaced on every refresh, so it disappears once the file is fixed.
import * as vscode from 'vscode';
import { rangeAt } from '../diagnosticRange';
import { Disposable } from '../disposable';
import type { PipelineModel } from './pipelineModel';

export class PipelineDiagnostics extends Disposable {
  readonly collection = this.track(vscode.languages.createDiagnosticCollection('mlops.pipeline'));

  constructor(private readonly model: PipelineModel) {
    super();
    this.track(model.onDidChange(() => this.update()));
  }

  update(): void {
    const byFile = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
    for (const p of this.model.pipelines) {
      if (!p.error) continue;
      const e = p.error;
      const d = new vscode.Diagnostic(rangeAt(e.uri.fsPath, e.line, e.col), e.message, vscode.DiagnosticSeverity.Error);
      d.source = 'MLOps pipeline';
      if (e.uri.fsPath !== p.uri.fsPath) d.relatedInformation = [new vscode.DiagnosticRelatedInformation(new vscode.Location(p.uri, new vscode.Position(0, 0)), `used by ${p.file}`)];
      const entry = byFile.get(e.uri.fsPath) ?? { uri: e.uri, list: [] };
      entry.list.push(d);
      byFile.set(e.uri.fsPath, entry);
    }
    this.collection.clear();
    for (const { uri, list } of byFile.values()) this.collection.set(uri, list);
  }
}
