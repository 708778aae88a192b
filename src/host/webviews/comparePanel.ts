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
      switch (m.type) {
        case 'ready': void this.load(); break;
        case 'openRun': openRun(m.runId); break;
      }
    }));
  }

  async load(): Promise<void> {
    try {
      const runs = await this.client.runsByIds(this.state.runIds ?? []);
      this.post({ type: 'compare', runs: runs.map(r => summarize(r)) });
    } catch (e) {
      this.post({ type: 'error', message: `Cannot load the runs: ${(e as Error).message}` });
    }
  }
}
