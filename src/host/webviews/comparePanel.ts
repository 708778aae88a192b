// Compare runs: params and metrics side by side, parallel coordinates, scatter.
import * as vscode from 'vscode';
import type { CompareToHost, CompareToWebview } from '../../shared/protocol';
import { summarize, type EngineClient } from '../engineClient';
import { Panel } from './panel';

export const COMPARE_VIEW_TYPE = 'mlops.compare';

export class ComparePanel extends Panel<CompareToHost, CompareToWebview> {
  constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly client: EngineClient, runIds: string[], openRun: (id: string) => void) {
    super(panel, extensionUri, 'compare', { runIds });
    this.track(this.onMessage(m => {
      if (m.type === 'ready') void this.load();
      else if (m.type === 'openRun') openRun(m.runId);
    }));
  }

  async load(): Promise<void> {
    const runs = await this.client.runsByIds(this.state.runIds ?? []);
    this.post({ type: 'compare', runs: runs.map(r => summarize(r)) });
  }
}
