// Metric charts for any number of runs: one chart per metric key, series down-sampled by the engine.
import * as vscode from 'vscode';
import type { ChartsToHost, ChartsToWebview, Series } from '../../shared/protocol';
import type { EngineClient } from '../engineClient';
import { Panel } from './panel';

export const CHARTS_VIEW_TYPE = 'mlops.charts';

/** Fetches every metric of the runs, ≤ maxPoints per series (≤ 100 runs per engine call). */
export async function chartData(client: EngineClient, runIds: string[], maxPoints: number): Promise<ChartsToWebview> {
  const runs = await client.runsByIds(runIds);
  const keys = [...new Set(runs.flatMap(r => r.data.metrics.map(m => m.key)))].sort();
  const names = new Map(runs.map(r => [r.info.run_id, r.info.run_name]));
  const metrics: Record<string, Series[]> = {};
  await Promise.all(keys.map(async key => {
    const series = new Map<string, Series>();
    for (let i = 0; i < runIds.length; i += 100) {
      const pts = await client.client.metricIntervals(runIds.slice(i, i + 100), key, maxPoints);
      for (const p of pts) {
        let s = series.get(p.run_id);
        if (!s) series.set(p.run_id, (s = { runId: p.run_id, runName: names.get(p.run_id) ?? p.run_id, points: [] }));
        const v = typeof p.value === 'number' ? p.value : p.value === 'NaN' ? NaN : p.value === 'Infinity' ? Infinity : -Infinity;
        s.points.push([p.step, v, p.timestamp]);
      }
    }
    metrics[key] = runIds.map(id => series.get(id)).filter((s): s is Series => !!s);
  }));
  return {
    type: 'charts', title: runs.length === 1 ? runs[0].info.run_name : `${runs.length} runs`,
    runs: runs.map(r => ({ runId: r.info.run_id, name: r.info.run_name, startTime: r.info.start_time, status: r.info.status })), metrics,
  };
}

export class ChartsPanel extends Panel<ChartsToHost, ChartsToWebview> {
  private timer?: NodeJS.Timeout;

  constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly client: EngineClient, runIds: string[],
    private readonly maxPoints: () => number, openRun: (id: string) => void) {
    super(panel, extensionUri, 'charts', { runIds });
    this.track(this.onMessage(m => { if (m.type === 'openRun') openRun(m.runId); }));
    this.track(this.onReady(() => void this.load()));
    // A running run's chart extends live: reload (throttled to 1/s) when one of our runs logs.
    this.track(client.onChange(e => {
      if (e.id !== '*' && !runIds.includes(e.id)) return;
      if (!this.timer) this.timer = setTimeout(() => { this.timer = undefined; void this.load(); }, 1000);
    }));
    this.track({ dispose: () => clearTimeout(this.timer) });
  }

  async load(): Promise<void> {
    try {
      this.post(await chartData(this.client, this.state.runIds ?? [], this.maxPoints()));
    } catch (e) {
      this.post({ type: 'error', message: (e as Error).message });
    }
  }
}
