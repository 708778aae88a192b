// A monitors.yaml error (file, line, col, message) as a diagnostic; replaced on every reload of the monitors, so
// it disappears once the file is fixed.
import * as vscode from 'vscode';
import { rangeAt } from '../diagnosticRange';
import { Disposable } from '../disposable';
import type { MonitorsModel } from './monitorsModel';

export class MonitorsDiagnostics extends Disposable {
  readonly collection = this.track(vscode.languages.createDiagnosticCollection('mlops.monitors'));

  constructor(private readonly model: MonitorsModel) {
    super();
    this.track(model.onDidChange(() => this.update()));
  }

  update(): void {
    this.collection.clear();
    const e = this.model.error;
    if (!e) return;
    const d = new vscode.Diagnostic(rangeAt(e.uri.fsPath, e.line, e.col), e.message, vscode.DiagnosticSeverity.Error);
    d.source = 'MLOps monitors';
    this.collection.set(e.uri, [d]);
  }
}
