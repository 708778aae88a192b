// CodeLens above each stage key in dvc.yaml: "▶ Run" (the stage with its upstream) and its status.
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { stateText } from './pipelineClient';
import type { PipelineModel } from './pipelineModel';

export const PIPELINE_FILES: vscode.DocumentSelector = { scheme: 'file', pattern: '**/dvc.{yaml,yml}' };

export class PipelineCodeLens extends Disposable implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(private readonly model: PipelineModel) {
    super();
    this.onDidChangeCodeLenses = model.onDidChange;
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const p = this.model.byUri(doc.uri);
    if (!p || p.error) return [];
    // foreach/matrix stages share their definition's line: name each one there.
    const perLine = new Map<number, number>();
    for (const s of p.stages) perLine.set(s.line, (perLine.get(s.line) ?? 0) + 1);
    return p.stages.filter(s => s.line >= 1 && s.line <= doc.lineCount).flatMap(s => {
      const range = new vscode.Range(s.line - 1, 0, s.line - 1, 0);
      const target = { file: p.file, stage: s.name };
      const shared = (perLine.get(s.line) ?? 0) > 1;
      const running = s.status.state === 'running';
      return [
        new vscode.CodeLens(range, running
          ? { title: '$(sync~spin) running…', command: 'mlops.pipeline.cancel', tooltip: 'Cancel the pipeline run' }
          : { title: `▶ Run${shared ? ` ${s.name}` : ''}`, command: 'mlops.pipeline.runWithUpstream', arguments: [target], tooltip: `Run ${s.name} and the stages it depends on` }),
        new vscode.CodeLens(range, running ? { title: '', command: '' } : {
          title: stateText(s), tooltip: s.status.reasons.join('\n') || undefined,
          command: s.status.lastRunId || s.status.state === 'failed' ? 'mlops.pipeline.openLastRun' : '', arguments: [target],
        }),
      ].filter(l => l.command!.title);
    });
  }
}
