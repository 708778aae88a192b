// Host side of the notebook run card: answers the renderer's subscriptions and pushes updates while runs log.
import * as vscode from 'vscode';
import type { RunCard, RunCardToHost, RunCardToRenderer } from '../shared/protocol';
import { Disposable } from './disposable';
import type { EngineClient } from './engineClient';
import { toNumber } from '../shared/dto';

export async function buildCard(client: EngineClient, runId: string): Promise<RunCard> {
  const run = await client.client.getRun(runId);
  const exps = await client.experiments();
  const metrics: RunCard['metrics'] = {};
  for (const m of run.data.metrics) {
    const pts = await client.client.metricIntervals([runId], m.key, 120);
    metrics[m.key] = { latest: m.value, points: pts.map(p => [p.step, toNumber(p.value)]) };
  }
  return {
    runId, name: run.info.run_name, status: run.info.status, startTime: run.info.start_time, endTime: run.info.end_time,
    experimentName: exps.find(e => e.id === run.info.experiment_id)?.name ?? '', metrics,
    params: Object.fromEntries(run.data.params.map(p => [p.key, p.value])),
  };
}

export class RunCardMessaging extends Disposable {
  private readonly messaging = vscode.notebooks.createRendererMessaging('mlops.runCard');
  /** run id → editors showing its card. */
  readonly subscriptions = new Map<string, Set<vscode.NotebookEditor>>();
  private timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly client: () => Promise<EngineClient>, onClient: vscode.Event<EngineClient | undefined>) {
    super();
    this.track(this.messaging.onDidReceiveMessage(e => void this.receive(e.editor, e.message as RunCardToHost)));
    let sub: vscode.Disposable | undefined;
    this.track(onClient(c => {
      sub?.dispose();
      sub = c?.onChange(ev => { if (this.subscriptions.has(ev.id) || ev.id === '*') this.schedule(ev.id === '*' ? [...this.subscriptions.keys()] : [ev.id]); });
    }));
    this.track({ dispose: () => { sub?.dispose(); for (const t of this.timers.values()) clearTimeout(t); } });
  }

  private async receive(editor: vscode.NotebookEditor, m: RunCardToHost): Promise<void> {
    if (m.type === 'unsubscribe') { this.subscriptions.get(m.runId)?.delete(editor); return; }
    if (!this.subscriptions.has(m.runId)) this.subscriptions.set(m.runId, new Set());
    this.subscriptions.get(m.runId)!.add(editor);
    await this.push(m.runId);
  }

  private schedule(runIds: string[]): void {
    for (const id of runIds) {
      if (this.timers.has(id)) continue;
      this.timers.set(id, setTimeout(() => { this.timers.delete(id); void this.push(id); }, 1000));
    }
  }

  private async push(runId: string): Promise<void> {
    let msg: RunCardToRenderer;
    try {
      msg = { type: 'card', card: await buildCard(await this.client(), runId) };
    } catch (e) {
      msg = { type: 'cardError', runId, message: (e as Error).message };
    }
    for (const editor of this.subscriptions.get(runId) ?? []) void this.messaging.postMessage(msg, editor);
  }
}
