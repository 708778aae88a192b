// chart.js charts of the drift panel: a column's reference vs current histogram (numeric: overlaid bars over the
// report's bin edges; categorical: grouped bars), and histories of checks over time with the threshold drawn.
import { BarController, BarElement, CategoryScale, type ChartConfiguration } from 'chart.js';
import type { DriftHistoryCheck } from '../../src/shared/protocol';
import type { DriftReport } from '../../src/shared/dto';
import { Chart } from '../common/chartSetup';
import { h } from '../common/dom';
import { formatNumber, formatTime } from '../common/format';
import { cssVar, runColor } from '../common/theme';

Chart.register(BarController, BarElement, CategoryScale);

type ColumnReport = DriftReport['columns'][number];

/** A theme colour (#rgb, #rrggbb[aa] or rgb[a](…)) with opacity `a`, as chart.js can parse it. */
export function withAlpha(color: string, a: number): string {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(color.trim())?.[1];
  if (hex) {
    const full = hex.length <= 4 ? [...hex].map(c => c + c).join('') : hex;
    const [r, g, b] = [0, 2, 4].map(i => parseInt(full.slice(i, i + 2), 16));
    return `rgba(${r}, ${g}, ${b}, ${a})`;
  }
  const rgb = /^rgba?\(([^)]+)\)$/i.exec(color.trim())?.[1].split(/[\s,/]+/).filter(Boolean);
  return rgb && rgb.length >= 3 ? `rgba(${rgb[0]}, ${rgb[1]}, ${rgb[2]}, ${a})` : color;
}
export const colors = () => ({
  reference: cssVar('--vscode-charts-blue', '#3794ff'),
  current: cssVar('--vscode-charts-orange', '#d18616'),
  threshold: cssVar('--vscode-charts-red', cssVar('--vscode-errorForeground', '#f14c4c')),
});

const charts = new Set<Chart>();
/** Destroys every chart (before the report is drawn again). */
export function destroyCharts(): void {
  for (const c of charts) c.destroy();
  charts.clear();
}

/** A titled box with a canvas; `make` builds the chart once the box is in the document (chart.js measures it). */
function box(title: string, className: string, make: (canvas: HTMLCanvasElement) => ChartConfiguration): HTMLElement {
  const canvas = h('canvas', { attrs: { role: 'img', 'aria-label': title } });
  const el = h('div', { className: `chart-box ${className}` }, h('h4', { text: title }), h('div', { className: 'canvas-wrap' }, canvas));
  requestAnimationFrame(() => {
    if (!canvas.isConnected) return;
    charts.add(new Chart(canvas, make(canvas)));
    el.dataset.rendered = 'true';
  });
  return el;
}

const pct = (v: number) => `${formatNumber(Number((v * 100).toPrecision(3)))} %`;

export function histogramChart(c: ColumnReport): HTMLElement {
  const hist = c.histogram;
  const k = colors();
  const numeric = hist.kind === 'numeric';
  const edge = (v: number) => formatNumber(Number(v.toPrecision(3)));
  const labels = numeric ? hist.reference.map((_, i) => `${edge(hist.edges[i])}–${edge(hist.edges[i + 1])}`) : hist.categories;
  const bar = (label: string, data: number[], color: string) => ({
    label, data, backgroundColor: withAlpha(color, numeric ? 0.45 : 0.7), borderColor: color, borderWidth: 1,
    ...(numeric ? { barPercentage: 1, categoryPercentage: 1, grouped: false } : { barPercentage: 0.9, categoryPercentage: 0.8 }),
  });
  return box(`${c.column}: reference vs current (${numeric ? 'share per bin' : 'share per category'})`, 'histogram', () => ({
    type: 'bar',
    data: { labels, datasets: [bar('reference', hist.reference, k.reference), bar('current', hist.current, k.current)] },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      scales: { x: { ticks: { maxRotation: 45, autoSkip: true } }, y: { beginAtZero: true, ticks: { callback: v => pct(Number(v)) } } },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } }, tooltip: { callbacks: { label: i => `${i.dataset.label}: ${pct(Number(i.parsed.y))}` } } },
    },
  }));
}

type Pt = { x: number; y: number; id: number };
/** The time axis' range: the checks' span, or an hour around a single check. */
const span = (times: number[]) => {
  const [min, max] = [Math.min(...times), Math.max(...times)];
  return max > min ? { min, max } : { min: min - 1_800_000, max: max + 1_800_000 };
};
const lineOptions = (times: number[], yTitle: string, onPick: (id: number) => void): NonNullable<ChartConfiguration<'line', Pt[]>['options']> => ({
  animation: false, responsive: true, maintainAspectRatio: false, parsing: false,
  interaction: { mode: 'nearest', intersect: false },
  scales: {
    x: { type: 'linear', ...span(times), ticks: { maxRotation: 0, autoSkipPadding: 16, callback: v => formatTime(Number(v)).slice(5, 16) } },
    y: { type: 'linear', beginAtZero: true, title: { display: true, text: yTitle } },
  },
  plugins: {
    legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 3 } },
    tooltip: { callbacks: { title: items => (items.length ? formatTime(items[0].parsed.x ?? 0) : ''), label: i => `${i.dataset.label}: ${formatNumber(i.parsed.y ?? NaN)}` } },
  },
  onClick: (_e, els, chart) => {
    const el = els[0];
    const p = el && (chart.data.datasets[el.datasetIndex].data[el.index] as Pt | undefined);
    if (p && p.id >= 0) onPick(p.id);
  },
});

const thresholdLine = (xs: number[], y: number, color: string) => ({
  label: 'threshold', data: [{ x: span(xs).min, y, id: -1 }, { x: span(xs).max, y, id: -1 }],
  borderColor: color, borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0, pointHoverRadius: 0,
});

/** Every column's severity over time (≥ 1 is over its threshold): one line per column, the threshold at 1. */
export function severityHistoryChart(history: DriftHistoryCheck[], onPick: (id: number) => void): HTMLElement {
  const checks = [...history].reverse();
  const columns = [...new Set(checks.flatMap(c => Object.keys(c.columns)))].sort();
  return box('Severity per column over time (1 = threshold; click a point to open that check)', 'history-box', () => ({
    type: 'line',
    data: {
      datasets: [
        ...columns.map((col, i) => ({
          label: col, borderColor: runColor(i), backgroundColor: runColor(i), borderWidth: 1.5, pointRadius: 2.5, tension: 0,
          data: checks.filter(c => c.columns[col]).map(c => ({ x: c.time, y: c.columns[col].severity, id: c.id })),
        })),
        thresholdLine(checks.map(c => c.time), 1, colors().threshold),
      ],
    },
    options: lineOptions(checks.map(c => c.time), 'severity', onPick),
  }) as ChartConfiguration);
}

/** One column's deciding statistic (the p-value for p-value tests) over time, with its threshold. */
export function columnHistoryChart(column: string, history: DriftHistoryCheck[], onPick: (id: number) => void): HTMLElement | null {
  const checks = [...history].reverse().filter(c => c.columns[column]);
  if (checks.length < 1) return null;
  const last = checks[checks.length - 1].columns[column];
  const usesP = last.p_value !== undefined;
  const k = colors();
  return box(`${column}: ${last.test}${usesP ? ' p-value' : ''} over time`, 'column-history', () => ({
    type: 'line',
    data: {
      datasets: [
        { label: `${last.test}${usesP ? ' p-value' : ''}`, borderColor: k.current, backgroundColor: k.current, borderWidth: 1.5, pointRadius: 2.5,
          data: checks.map(c => ({ x: c.time, y: (usesP ? c.columns[column].p_value : c.columns[column].statistic) ?? NaN, id: c.id })) },
        thresholdLine(checks.map(c => c.time), last.threshold, k.threshold),
      ],
    },
    options: lineOptions(checks.map(c => c.time), usesP ? 'p-value' : 'statistic', onPick),
  }) as ChartConfiguration);
}
