// Lineage of a model version: data → run → code commit → version → stage history.
import * as vscode from 'vscode';
import type { LineageToHost, LineageToWebview } from '../../shared/protocol';
import type { EngineClient } from '../engineClient';
import { Panel } from './panel';

export const LINEAGE_VIEW_TYPE = 'mlops.lineage';

export class LineagePanel extends Panel<LineageToHost, LineageToWebview> {
  constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly client: EngineClient, private readonly ref: { name: string; version: string },
    openRun: (id: string) => void) {
    super(panel, extensionUri, 'lineage', {});
    this.track(this.onMessage(m => {
      if (m.type === 'ready') void this.load();
      else if (m.type === 'openRun') openRun(m.runId);
    }));
    this.track(client.onChange(e => { if (e.kind === 'registry' && e.id === ref.name) void this.load(); }));
  }

  async load(): Promise<void> {
    const r = await this.client.client.http.call<Omit<LineageToWebview, 'type'> & { model_version: LineageToWebview['version'] }>('GET', '/api/2.0/mlops/registry/lineage', this.ref);
    this.post({ type: 'lineage', version: r.model_version, lineage: r.lineage, audit: r.audit });
  }
}
