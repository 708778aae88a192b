// Scatter of the compared runs: x = any param or metric, y = any metric. A non-numeric param on x becomes
// a category axis (its distinct values, evenly spaced).
import type { RunSummary } from '../../src/shared/protocol';
import { Chart } from '../common/chartSetup';
import { dropdown } from '../common/components';
import { h } from '../common/dom';
import { asNumber, formatNumber } from '../common/format';
import { runColor } from '../common/theme';
import { value, type Field } from './values';

interface Point {
  x: number;
  y: number;
  run: number;
}

export class ScatterView {
  readonly el: HTMLElement;
  private readonly canvas = h('canvas', { attrs: { role: 'img', 'aria-label': 'Scatter plot' } });
  private readonly note = h('p', { className: 'muted scatter-note' });
  private readonly xSelect;
  private readonly ySelect;
  private chart?: Chart<'scatter', Point[]>;
  private runs: RunSummary[] = [];
  private fields: Field[] = [];

  constructor(private x: string, private y: string, private readonly changed: (x: string, y: string) => void,
    private readonly openRun: (runId: string) => void) {
    this.xSelect = dropdown([], x, v => { this.x = v; this.changed(this.x, this.y); this.draw(); }, { ariaLabel: 'X axis', className: 'scatter-x' });
    this.ySelect = dropdown([], y, v => { this.y = v; this.changed(this.x, this.y); this.draw(); }, { ariaLabel: 'Y axis', className: 'scatter-y' });
    this.el = h('div', { className: 'scatter' },
      h('div', { className: 'toolbar' },
        h('label', { className: 'field' }, 'X', this.xSelect.el), h('label', { className: 'field' }, 'Y', this.ySelect.el)),
      h('div', { className: 'chart-body scatter-body' }, this.canvas), this.note);
  }

  setData(runs: RunSummary[], fields: Field[]): void {
    this.runs = runs;
    this.fields = fields;
    const metrics = fields.filter(f => f.kind === 'metric');
    if (!fields.some(f => f.id === this.x)) this.x = (fields.find(f => f.kind === 'param') ?? fields[0])?.id ?? '';
    if (!metrics.some(f => f.id === this.y)) this.y = (metrics.find(f => f.id !== this.x) ?? metrics[0])?.id ?? '';
    const label = (f: Field) => `${f.kind === 'param' ? 'param' : 'metric'}: ${f.key}`;
    this.xSelect.setOptions(fields.map(f => ({ value: f.id, label: label(f) })), this.x);
    this.ySelect.setOptions(metrics.map(f => ({ value: f.id, label: label(f) })), this.y);
    this.draw();
  }

  /** Rebuilds the chart (theme changes included). */
  draw(): void {
    const xf = this.fields.find(f => f.id === this.x);
    const yf = this.fields.find(f => f.id === this.y);
    this.chart?.destroy();
    this.chart = undefined;
    if (!xf || !yf) { this.note.textContent = 'Needs at least one metric.'; return; }
    const xs = this.runs.map(r => value(r, xf));
    const categorical = xs.some(v => v !== undefined && v !== '' && asNumber(v) === undefined);
    const categories = categorical ? [...new Set(xs.filter(v => v !== undefined).map(String))].sort() : [];
    const points: Point[] = [];
    this.runs.forEach((r, i) => {
      const xv = xs[i];
      const x = categorical ? (xv === undefined ? undefined : categories.indexOf(String(xv))) : asNumber(xv);
      const y = asNumber(value(r, yf));
      if (x !== undefined && y !== undefined) points.push({ x, y, run: i });
    });
    points.sort((a, b) => a.x - b.x); // chart.js assumes unparsed data is sorted by x (it takes the range from the ends)
    const missing = this.runs.length - points.length;
    this.note.textContent = missing ? `${missing} run${missing === 1 ? '' : 's'} without both values not shown.` : '';
    this.chart = new Chart<'scatter', Point[]>(this.canvas, {
      type: 'scatter',
      data: {
        datasets: [{
          label: `${yf.key} vs ${xf.key}`, data: points, pointRadius: 5, pointHoverRadius: 7,
          pointBackgroundColor: points.map(p => runColor(p.run, 0.85)), pointBorderColor: points.map(p => runColor(p.run)),
        }],
      },
      options: {
        parsing: false, normalized: true, animation: false, responsive: true, maintainAspectRatio: false,
        scales: {
          x: {
            type: 'linear', title: { display: true, text: xf.key },
            ...(categorical ? { min: -0.5, max: categories.length - 0.5 } : {}),
            ticks: categorical
              ? { stepSize: 1, callback: v => categories[Number(v)] ?? '' }
              : { callback: v => formatNumber(Number(v)) },
          },
          y: { type: 'linear', title: { display: true, text: yf.key }, ticks: { callback: v => formatNumber(Number(v)) } },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: item => {
                const p = item.raw as Point;
                const r = this.runs[p.run];
                const xText = categorical ? categories[p.x] : formatNumber(p.x);
                return `${r.name || r.runId}: ${xf.key}=${xText}, ${yf.key}=${formatNumber(p.y)}`;
              },
            },
          },
        },
        onClick: (_e, elements) => {
          const hit = elements[0];
          if (hit) this.openRun(this.runs[points[hit.index].run].runId);
        },
        onHover: (e, elements) => {
          (e.native?.target as HTMLElement | undefined)?.classList.toggle('clickable', elements.length > 0);
        },
      },
    });
  }
}
