// One metric key: a card with a chart.js line chart, exactly one dataset per run. The chart is created the
// first time the card scrolls into view and then updated in place, so a running run extends live and the
// runs hidden through the legend stay hidden.
import type { ChartDataset, ChartOptions } from 'chart.js';
import type { Series } from '../../src/shared/protocol';
import { Chart } from '../common/chartSetup';
import { h } from '../common/dom';
import { formatNumber } from '../common/format';
import { runColor } from '../common/theme';
import { attachDragZoom } from './dragZoom';
import { formatX, toPoints, X_AXIS_LABELS, type XAxisMode, type XY } from './transform';

export interface ChartSettings {
  mode: XAxisMode;
  smoothing: number;
  logY: boolean;
  range?: { min: number; max: number };
}
export interface ChartContext {
  settings(): ChartSettings;
  /** Start time and palette index of a run (stable across all charts). */
  run(runId: string): { startTime?: number; index: number };
  zoom(min: number, max: number): void;
  openRun(runId: string): void;
}
type LineDataset = ChartDataset<'line', XY[]>;

export class MetricChart {
  readonly card: HTMLElement;
  private readonly body: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private chart?: Chart<'line', XY[]>;
  private series: Series[] = [];
  private datasets = new Map<string, LineDataset>();
  private runIds: string[] = [];

  constructor(readonly key: string, private readonly ctx: ChartContext) {
    this.canvas = h('canvas', { attrs: { role: 'img', 'aria-label': `Metric ${key}` } });
    this.body = h('div', { className: 'chart-body' }, this.canvas);
    this.card = h('section', { className: 'chart', data: { key } },
      h('h3', { className: 'chart-title', text: key, title: key }), this.body);
  }

  get created(): boolean {
    return !!this.chart;
  }

  setSeries(series: Series[]): void {
    this.series = series;
    if (!this.chart) return;
    this.syncDatasets();
    this.chart.update('none');
  }

  /** Settings (x axis, smoothing, log scale, zoom) or theme changed: recompute points and options. */
  refresh(): void {
    if (!this.chart) return;
    this.chart.options = this.options();
    this.syncDatasets();
    this.chart.update('none');
  }

  ensureCreated(): void {
    if (this.chart) return;
    this.chart = new Chart<'line', XY[]>(this.canvas, { type: 'line', data: { datasets: [] }, options: this.options() });
    this.syncDatasets();
    this.chart.update('none');
    attachDragZoom(this.chart, this.body, (min, max) => this.ctx.zoom(min, max));
    this.canvas.addEventListener('dblclick', e => {
      const hit = this.chart?.getElementsAtEventForMode(e, 'nearest', { intersect: false }, false)[0];
      if (hit) this.ctx.openRun(this.runIds[hit.datasetIndex]);
    });
  }

  destroy(): void {
    this.chart?.destroy();
    this.card.remove();
  }

  private syncDatasets(): void {
    const { mode, smoothing, logY } = this.ctx.settings();
    const next = new Map<string, LineDataset>();
    for (const s of this.series) {
      if (next.has(s.runId)) continue;
      const run = this.ctx.run(s.runId);
      const ds: LineDataset = this.datasets.get(s.runId) ?? {
        label: s.runName, data: [], borderWidth: 1, pointRadius: 0, pointHoverRadius: 3, tension: 0, spanGaps: true,
      };
      ds.label = s.runName || s.runId;
      ds.data = toPoints(s, mode, run.startTime, smoothing, logY);
      ds.borderColor = ds.backgroundColor = runColor(run.index);
      next.set(s.runId, ds);
    }
    this.datasets = next;
    this.runIds = [...next.keys()];
    this.chart!.data.datasets = [...next.values()];
  }

  private options(): ChartOptions<'line'> {
    const { mode, logY, range } = this.ctx.settings();
    return {
      parsing: false, normalized: true, animation: false, responsive: true, maintainAspectRatio: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: {
          type: 'linear', min: range?.min, max: range?.max,
          title: { display: true, text: X_AXIS_LABELS[mode] },
          ticks: { maxRotation: 0, autoSkipPadding: 12, callback(v) { return formatX(mode, Number(v), this.max - this.min); } },
        },
        y: logY
          ? { type: 'logarithmic' }
          : { type: 'linear', ticks: { callback: v => formatNumber(Number(v)) } },
      },
      plugins: {
        legend: { position: 'bottom', maxHeight: 64, labels: { boxWidth: 12, boxHeight: 3, padding: 8 } },
        tooltip: {
          callbacks: {
            title: items => {
              const s = this.chart?.scales.x;
              return items.length ? `${X_AXIS_LABELS[mode]}: ${formatX(mode, items[0].parsed.x ?? 0, s ? s.max - s.min : 0)}` : '';
            },
            label: item => `${item.dataset.label}: ${formatNumber(item.parsed.y ?? NaN)}`,
          },
        },
      },
    };
  }
}
