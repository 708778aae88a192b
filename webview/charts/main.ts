// Metric charts panel: one line chart per metric key for any number of runs.
import type { ChartsToHost, ChartsToWebview, PanelState } from '../../src/shared/protocol';
import { applyChartTheme } from '../common/chartSetup';
import { button, checkbox, dropdown, slider, textField } from '../common/components';
import { appRoot, h, notice } from '../common/dom';
import { onThemeChange } from '../common/theme';
import { connect } from '../common/vscodeApi';
import { MetricChart, type ChartContext, type ChartSettings } from './metricChart';
import { RunLegend } from './runLegend';
import { X_AXIS_LABELS, type XAxisMode } from './transform';

interface ChartsState extends PanelState {
  xAxis: XAxisMode;
  smoothing: number;
  logY: boolean;
  metricFilter: string;
}
type ChartsMessage = Extract<ChartsToWebview, { type: 'charts' }>;

const charts = new Map<string, MetricChart>();
let runs = new Map<string, { startTime?: number; index: number }>();

const vscode = connect<ChartsToHost, ChartsToWebview, ChartsState>(
  { xAxis: 'step', smoothing: 0, logY: false, metricFilter: '' },
  m => m.type === 'charts' ? render(m) : showError(m.message),
);
applyChartTheme();

const legend = new RunLegend(() => { for (const c of charts.values()) c.applyVisibility(); });
const context: ChartContext = {
  settings: (): ChartSettings => ({ mode: vscode.state.xAxis, smoothing: vscode.state.smoothing, logY: vscode.state.logY }),
  run: (runId: string) => runs.get(runId) ?? { index: runs.size },
  zoomed: () => resetZoom.setDisabled(false),
  hidden: (runId: string) => legend.hidden.has(runId),
  openRun: (runId: string) => vscode.post({ type: 'openRun', runId }),
};

const title = h('h2', { className: 'panel-title', text: 'Metrics' });
const subtitle = h('span', { className: 'muted' });
const xAxis = dropdown(
  (Object.keys(X_AXIS_LABELS) as XAxisMode[]).map(value => ({ value, label: X_AXIS_LABELS[value] })),
  vscode.state.xAxis,
  v => { vscode.update({ xAxis: v as XAxisMode }); resetZooms(); refreshAll(); },
  { ariaLabel: 'X axis', className: 'x-axis' },
);
let smoothingFrame = 0;
const smoothing = slider('Smoothing', { min: 0, max: 0.99, step: 0.01, value: vscode.state.smoothing, format: v => v.toFixed(2) }, v => {
  vscode.update({ smoothing: v });
  cancelAnimationFrame(smoothingFrame);
  smoothingFrame = requestAnimationFrame(refreshAll);
});
const logY = checkbox('Log scale', vscode.state.logY, v => { vscode.update({ logY: v }); refreshAll(); }, { className: 'log-y' });
const resetZoom = button('Reset zoom', () => resetZooms(),
  { disabled: true, title: 'Drag across a chart to zoom into an x range', className: 'reset-zoom' });
const filter = textField({
  placeholder: 'Filter metrics', value: vscode.state.metricFilter, ariaLabel: 'Filter metrics', className: 'metric-filter',
  onInput: v => { vscode.update({ metricFilter: v }); applyFilter(); },
});
const errors = h('div', { className: 'errors' });
const grid = h('div', { className: 'chart-grid' });
const empty = notice('Waiting for metrics…');

appRoot().append(
  h('header', { className: 'panel-header' }, title, subtitle),
  h('div', { className: 'toolbar' },
    h('label', { className: 'field' }, 'X axis', xAxis.el), smoothing.el, logY.el, resetZoom.el, h('span', { className: 'spacer' }), filter.el),
  legend.el, errors, empty, grid,
);

const visible = new IntersectionObserver(entries => {
  for (const e of entries) {
    if (!e.isIntersecting) continue;
    charts.get((e.target as HTMLElement).dataset.key ?? '')?.ensureCreated();
    visible.unobserve(e.target);
  }
}, { rootMargin: '300px' });

function render(m: ChartsMessage): void {
  errors.replaceChildren();
  runs = new Map(m.runs.map((r, index) => [r.runId, { startTime: r.startTime, index }]));
  vscode.update({ runIds: m.runs.map(r => r.runId) });
  const keys = Object.keys(m.metrics).sort((a, b) => a.localeCompare(b));
  legend.setRuns(m.runs.map(r => ({ runId: r.runId, name: r.name, status: r.status })));
  legend.el.hidden = m.runs.length < 2;
  title.textContent = m.title || 'Metrics';
  const runCount = `${m.runs.length} run${m.runs.length === 1 ? '' : 's'}`;
  subtitle.textContent = `${title.textContent === runCount ? '' : `${runCount} · `}${keys.length} metric${keys.length === 1 ? '' : 's'}`;
  for (const [key, chart] of charts) {
    if (!(key in m.metrics)) { visible.unobserve(chart.card); chart.destroy(); charts.delete(key); }
  }
  for (const key of keys) {
    let chart = charts.get(key);
    if (!chart) {
      charts.set(key, (chart = new MetricChart(key, context)));
      visible.observe(chart.card);
    }
    chart.setSeries(m.metrics[key]);
  }
  const order = keys.map(k => charts.get(k)!.card);
  if (order.some((card, i) => grid.children[i] !== card)) grid.replaceChildren(...order);
  empty.textContent = keys.length ? '' : 'No metrics logged for these runs.';
  empty.hidden = keys.length > 0;
  applyFilter();
}

function resetZooms(): void {
  for (const c of charts.values()) c.resetZoom();
  resetZoom.setDisabled(true);
}

function refreshAll(): void {
  for (const c of charts.values()) c.refresh();
}

function applyFilter(): void {
  const q = vscode.state.metricFilter.trim().toLowerCase();
  for (const [key, chart] of charts) chart.card.hidden = !!q && !key.toLowerCase().includes(q);
}

function showError(message: string): void {
  errors.replaceChildren(notice(message, 'error'));
}

onThemeChange(() => {
  applyChartTheme();
  legend.render();
  refreshAll();
});
