// One run: params, latest metrics, tags, dataset inputs, git lineage, artifacts (open in an editor).
import * as vscode from 'vscode';
import path from 'node:path';
import type { FileInfo } from '../../shared/dto';
import type { RunToHost, RunToWebview } from '../../shared/protocol';
import type { EngineClient } from '../engineClient';
import { Panel } from './panel';

export const RUN_VIEW_TYPE = 'mlops.run';

/** Local file of a run artifact: mlflow-artifacts:/X lives in <workspace>/.mlops/artifacts/X. */
export function artifactFile(workspace: string, artifactUri: string, rel: string): string | undefined {
  if (!artifactUri.startsWith('mlflow-artifacts:')) return artifactUri.startsWith('file://') ? path.join(vscode.Uri.parse(artifactUri).fsPath, rel) : undefined;
  const root = path.join(workspace, '.mlops', 'artifacts');
  const full = path.resolve(root, artifactUri.replace(/^mlflow-artifacts:\/*/, ''), rel);
  return full.startsWith(root + path.sep) ? full : undefined;
}

async function listAll(client: EngineClient, runId: string, sub = '', depth = 0): Promise<FileInfo[]> {
  const r = await client.client.http.call<{ files?: FileInfo[] }>('GET', 'artifacts/list', { run_id: runId, path: sub || undefined });
  const out: FileInfo[] = [];
  for (const f of r.files ?? []) {
    out.push(f);
    if (f.is_dir && depth < 3) out.push(...await listAll(client, runId, f.path, depth + 1));
  }
  return out;
}

export class RunPanel extends Panel<RunToHost, RunToWebview> {
  constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly client: EngineClient, runId: string,
    workspace: string, plot: (ids: string[]) => void) {
    super(panel, extensionUri, 'run', { runIds: [runId] });
    this.track(this.onMessage(async m => {
      switch (m.type) {
        case 'ready': await this.load(); break;
        case 'plot': plot([runId]); break;
        case 'openArtifact': {
          const run = await client.client.getRun(runId);
          const file = artifactFile(workspace, run.info.artifact_uri, m.path);
          if (file) await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
          break;
        }
      }
    }));
    this.track(client.onChange(e => { if (e.id === runId) void this.load(); }));
  }

  async load(): Promise<void> {
    try {
      const runId = this.state.runIds![0];
      const run = await this.client.client.getRun(runId);
      const exps = await this.client.experiments();
      this.panel.title = `Run: ${run.info.run_name}`;
      this.post({ type: 'run', run, experimentName: exps.find(e => e.id === run.info.experiment_id)?.name ?? '', artifacts: await listAll(this.client, runId) });
    } catch (e) {
      this.post({ type: 'error', message: (e as Error).message });
    }
  }
}
