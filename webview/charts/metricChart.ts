// One metric key: a card with a chart.js line chart, exactly one dataset per run. The chart is created the
// first time the card scrolls into view and then updated in place, so a running run extends live and the
// runs hidden through the legend stay hidden.
import { Ticks, type ChartDataset, type ChartOptions } from 'chart.js';
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
}
export interface ChartContext {
  settings(): ChartSettings;
  /** Start time and palette index of a run (stable across all charts). */
  run(runId: string): { startTime?: number; index: number };
  /** Called after this chart zoomed (to enable "Reset zoom"). */
  zoomed(): void;
  /** Whether the run is hidden in every chart (the shared run legend). */
  hidden(runId: string): boolean;
  openRun(runId: string): void;
}
type LineDataset = ChartDataset<'line', XY[]>;
const LEGEND_MAX = 20;

export class MetricChart {
  readonly card: HTMLElement;
  private readonly body: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private chart?: Chart<'line', XY[]>;
  private series: Series[] = [];
  private datasets = new Map<string, LineDataset>();
  private runIds: string[] = [];
  private range?: { min: number; max: number };

  constructor(readonly key: string, private readonly ctx: ChartContext) {
    this.canvas = h('canvas', { attrs: { role: 'img', 'aria-label': `Metric ${key}` } });
    this.body = h('div', { className: 'chart-body' }, this.canvas);
    this.card = h('section', { className: 'chart', data: { key } },
      h('h3', { className: 'chart-title', text: key, title: key }), this.body);
  }

  resetZoom(): void {
    if (!this.range) return;
    this.range = undefined;
    this.refresh();
  }

  /** Applies the shared legend's hidden runs. */
  applyVisibility(): void {
    if (!this.chart) return;
    this.runIds.forEach((id, i) => this.chart!.setDatasetVisibility(i, !this.ctx.hidden(id)));
    this.chart.update('none');
  }

  setSeries(series: Series[]): void {
    const legendChanged = (series.length <= LEGEND_MAX) !== (this.series.length <= LEGEND_MAX);
    this.series = series;
    if (!this.chart) return;
    if (legendChanged) this.chart.options = this.options();
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
    attachDragZoom(this.chart, this.body, (min, max) => { this.range = { min, max }; this.refresh(); this.ctx.zoomed(); });
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
    const width = this.series.length > 10 ? 1 : 1.5;
    for (const s of this.series) {
      if (next.has(s.runId)) continue;
      const run = this.ctx.run(s.runId);
      const ds: LineDataset = this.datasets.get(s.runId) ?? {
        label: s.runName, data: [], borderWidth: width, pointRadius: 0, pointHoverRadius: 3, tension: 0, spanGaps: true,
      };
      ds.label = s.runName || s.runId;
      ds.data = toPoints(s, mode, run.startTime, smoothing, logY);
      ds.borderColor = ds.backgroundColor = runColor(run.index);
      ds.borderWidth = width;
      next.set(s.runId, ds);
    }
    this.datasets = next;
    this.runIds = [...next.keys()];
    this.chart!.data.datasets = [...next.values()];
    this.card.dataset.datasets = String(next.size); // one dataset per run (the UI test reads it)
    this.runIds.forEach((id, i) => { if (this.ctx.hidden(id)) this.chart!.setDatasetVisibility(i, false); });
  }

  private options(): ChartOptions<'line'> {
    const { mode, logY } = this.ctx.settings();
    const range = this.range;
    return {
      parsing: false, normalized: true, animation: false, responsive: true, maintainAspectRatio: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: {
          type: 'linear', min: range?.min, max: range?.max,
          title: { display: true, text: X_AXIS_LABELS[mode] },
          ticks: {
            maxRotation: 0, autoSkipPadding: 12, includeBounds: false,
            callback(v) { return formatX(mode, Number(v), this.max - this.min); },
          },
        },
        y: logY
          ? {
            type: 'logarithmic',
            // chart.js's log formatter blanks the in-between ticks; keep that, but print the rest our way.
            ticks: { callback(v, i, ticks) { return Ticks.formatters.logarithmic.call(this, Number(v), i, ticks) ? formatNumber(Number(v)) : ''; } },
          }
          : { type: 'linear', ticks: { callback: v => formatNumber(Number(v)) } },
      },
      plugins: {
        // Past LEGEND_MAX runs chart.js would truncate the legend silently; the shared run legend takes over.
        legend: { display: this.series.length <= LEGEND_MAX, position: 'bottom', maxHeight: 64, labels: { boxWidth: 12, boxHeight: 3, padding: 8 } },
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
