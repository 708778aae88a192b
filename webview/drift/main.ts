// Drift report panel: header (sources, rows, volume, data-set verdict), the columns table with per-column
// histograms, data quality, and for a monitor its history over time.
import type { DriftReportMessage, DriftState, DriftToHost, DriftToWebview } from '../../src/shared/protocol';
import { applyChartTheme } from '../common/chartSetup';
import { button } from '../common/components';
import { append, appRoot, h, notice } from '../common/dom';
import { formatNumber, formatTime } from '../common/format';
import { onThemeChange } from '../common/theme';
import { connect } from '../common/vscodeApi';
import { destroyCharts, severityHistoryChart } from './charts';
import { qualitySection } from './quality';
import { bySeverity, columnsTable } from './table';
import { injectStyle } from './style';

injectStyle();
applyChartTheme();
const root = appRoot();
root.append(notice('Loading drift report…'));
let last: DriftReportMessage | undefined;

const vscode = connect<DriftToHost, DriftToWebview, DriftState>({}, m => {
  if (m.type === 'loading') { root.querySelector('.drift-status')?.replaceChildren(m.message); if (!last) root.replaceChildren(notice(m.message)); return; }
  if (m.type === 'error') { last = undefined; destroyCharts(); root.replaceChildren(notice(m.message, 'error')); return; }
  last = m;
  // Another check opens its drifted columns (or the most severe one); the same check (a reload) keeps the user's choice.
  const expanded = vscode.state.checkId === m.checkId && vscode.state.expanded ? vscode.state.expanded : defaultExpanded(m);
  vscode.update({ checkId: m.checkId, monitor: m.monitor, expanded });
  render();
  if (m.focus === 'history') root.querySelector('.history')?.scrollIntoView();
});

function defaultExpanded(m: DriftReportMessage): string[] {
  const drifted = m.report.driftedColumns;
  return drifted.length ? [...drifted] : bySeverity(m.report.columns).slice(0, 1).map(c => c.column);
}

function toggle(column: string): void {
  const open = new Set(vscode.state.expanded ?? []);
  if (open.has(column)) open.delete(column); else open.add(column);
  vscode.update({ expanded: [...open] });
  render();
}

const openCheck = (id: number) => vscode.post({ type: 'openCheck', id });
const rows = (n: number) => `${formatNumber(n)} row${n === 1 ? '' : 's'}`;

function source(label: string, s: { source: string; rows: number }): HTMLElement[] {
  const isFile = !/^(run|endpoint)[: ]/.test(s.source);
  return [
    h('span', { className: 'k', text: label }),
    h('span', {}, isFile ? h('a', { text: s.source, title: 'Open the file', on: { click: () => vscode.post({ type: 'openSource', source: s.source }) } }) : s.source, h('span', { className: 'muted', text: ` · ${rows(s.rows)}` })),
  ];
}

function header(m: DriftReportMessage): HTMLElement {
  const r = m.report;
  const change = r.volume.change;
  const drifted = r.driftedColumns;
  const tested = r.columns.filter(c => !c.note).length; // as the CLI counts: a column with a note was not tested
  return h('header', {},
    h('div', { className: 'drift-header' },
      h('h2', { text: m.monitor ? `Drift report · ${m.monitor}` : 'Drift report' }),
      h('span', { className: `verdict ${r.drift ? 'drift' : 'ok'}`, id: 'dataset-verdict', text: r.drift ? 'Data-set drift' : 'No data-set drift' }),
      r.qualityAlerts.length ? h('span', { className: 'verdict alert', id: 'quality-verdict', text: `${r.qualityAlerts.length} data-quality alert${r.qualityAlerts.length === 1 ? '' : 's'}` }) : null,
      h('span', { className: 'muted', text: `checked ${formatTime(r.createdAt)}${m.checkId !== undefined && m.checkId >= 0 ? ` · check #${m.checkId}` : ''}` })),
    h('div', { className: 'drift-sources' },
      ...source('Reference', r.reference), ...source('Current', r.current),
      h('span', { className: 'k', text: 'Volume' }),
      h('span', { text: `${Number.isFinite(change) ? `${change >= 0 ? '+' : '−'}${formatNumber(Number(Math.abs(change * 100).toPrecision(3)))} %` : 'n/a'} (${formatNumber(r.volume.current)} vs ${formatNumber(r.volume.reference)} rows)` })),
    h('div', { className: 'drift-summary' },
      `${drifted.length} of ${tested} tested column${tested === 1 ? '' : 's'} drifted`,
      drifted.length ? h('strong', { text: `: ${drifted.join(', ')}` }) : null,
      h('span', { className: 'muted drift-status' })),
    m.monitor ? h('div', { className: 'drift-actions' },
      button('Run Check Again', () => vscode.post({ type: 'runCheck', monitor: m.monitor! }), { appearance: 'primary', className: 'run-check' }).el) : null);
}

function render(): void {
  const m = last;
  if (!m) return;
  destroyCharts();
  const history = m.history?.length ? m.history : undefined;
  root.replaceChildren();
  append(root,
    header(m),
    h('div', { className: 'drift-section', text: 'Columns' }),
    h('p', { className: 'muted', text: 'Most severe first. Click a column for its reference vs current histogram' + (history ? ' and its history.' : '.') }),
    columnsTable(m.report.columns, { expanded: c => (vscode.state.expanded ?? []).includes(c), toggle, history, openCheck }),
    qualitySection(m.report),
    m.monitor ? h('section', { className: 'history' },
      h('div', { className: 'drift-section', text: `History of ${m.monitor}` }),
      history ? severityHistoryChart(history, openCheck) : h('p', { className: 'muted', text: 'No stored checks yet.' }),
      history ? h('p', { className: 'muted', text: `${history.length} check${history.length === 1 ? '' : 's'}, ${history.filter(c => c.drift).length} with drift.` }) : null) : null);
}

onThemeChange(() => { applyChartTheme(); render(); });
