// Pipeline DAG: the stages of one dvc.yaml as a layered graph with status colours, live while stages run.
import type * as vscode from 'vscode';
import type { DagStage, DagToHost, DagToWebview } from '../../shared/protocol';
import { cmdText, stateText } from '../pipeline/pipelineClient';
import type { PipelineModel } from '../pipeline/pipelineModel';
import { Panel } from './panel';

export const DAG_VIEW_TYPE = 'mlops.pipelineDag';

export interface DagActions {
  run(file: string, stage: string): void;
  openRun(runId: string): void;
  openDefinition(file: string, stage: string): void;
  running(): boolean;
}

export class DagPanel extends Panel<DagToHost, DagToWebview> {
  constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly model: PipelineModel, private file: string | undefined,
    actions: DagActions) {
    super(panel, extensionUri, 'dag', {});
    this.track(this.onMessage(m => {
      switch (m.type) {
        case 'ready': return this.send(actions.running());
        case 'run': return actions.run(m.file, m.stage);
        case 'openRun': return actions.openRun(m.runId);
        case 'openDefinition': return actions.openDefinition(m.file, m.stage);
        case 'selectFile': this.file = m.file; return this.send(actions.running());
      }
    }));
    this.track(model.onDidChange(() => this.send(actions.running())));
  }

  /** Posts the current graph (queued by Panel until the webview is ready). */
  send(running: boolean): void {
    const pipelines = this.model.pipelines;
    const p = pipelines.find(x => x.file === this.file) ?? pipelines[0];
    if (!p) {
      this.post({ type: 'empty', message: this.model.problem ? `Cannot load pipelines: ${this.model.problem}` : this.model.hasClient ? 'No dvc.yaml in this workspace' : 'Waiting for the tracking server…' });
      return;
    }
    this.panel.title = `Pipeline · ${p.file}`;
    const stages: DagStage[] = p.stages.map(s => ({
      name: s.name, state: s.status.state, text: stateText(s), cmd: cmdText(s.cmd), desc: s.desc, reasons: s.status.reasons, upstream: s.upstream, lastRunId: s.status.lastRunId,
    }));
    this.post({ type: 'dag', file: p.file, files: pipelines.map(x => x.file), stages, running,
      error: p.error ? `${p.error.message} (${p.error.file}:${p.error.line}:${p.error.col})` : undefined });
  }
}
