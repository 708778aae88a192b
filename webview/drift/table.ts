// The columns table: most severe first, every statistic and the verdict, drifted rows highlighted. Clicking a
// row (or Enter) opens its detail: reference vs current histogram, the column's history, its quality notes.
import type { DriftReport } from '../../src/shared/dto';
import type { DriftHistoryCheck } from '../../src/shared/protocol';
import { h } from '../common/dom';
import { formatNumber } from '../common/format';
import { columnHistoryChart, histogramChart } from './charts';

type ColumnReport = DriftReport['columns'][number];

export interface TableContext {
  expanded(column: string): boolean;
  toggle(column: string): void;
  history?: DriftHistoryCheck[];
  openCheck(id: number): void;
}

const STATS: [key: string, label: string, title: string][] = [
  ['psi', 'PSI', 'Population stability index'],
  ['ks', 'KS', 'Kolmogorov–Smirnov statistic'],
  ['ks_pvalue', 'KS p', 'Kolmogorov–Smirnov p-value'],
  ['wasserstein', 'Wasserstein', 'Wasserstein distance (in the column\'s units)'],
  ['wasserstein_norm', 'W norm', 'Wasserstein distance / reference standard deviation'],
  ['jensenshannon', 'JS', 'Jensen–Shannon distance'],
  ['chisquare', 'χ²', 'Chi-square statistic'],
  ['chisquare_pvalue', 'χ² p', 'Chi-square p-value'],
  ['z', 'Z', 'Two-proportion Z statistic (columns with at most two values)'],
  ['z_pvalue', 'Z p', 'Two-proportion Z-test p-value'],
];

const num = (v: number | undefined) => (v === undefined ? '—' : formatNumber(v));
export const share = (v: number | undefined) => (v === undefined ? '—' : `${formatNumber(Number((v * 100).toPrecision(3)))} %`);

/** Highest severity first, then by name (the engine sends them so; kept if it ever does not). */
export function bySeverity(columns: ColumnReport[]): ColumnReport[] {
  return [...columns].sort((a, b) => b.severity - a.severity || a.column.localeCompare(b.column));
}

function row(c: ColumnReport, ctx: TableContext): HTMLTableRowElement {
  const v = c.verdict;
  const pTest = v.pValue !== undefined;
  const open = ctx.expanded(c.column);
  const tr = h('tr', {
    className: `col-row${v.drift ? ' drifted' : ''}`,
    data: { column: c.column, drift: String(v.drift) },
    attrs: { tabindex: '0', 'aria-expanded': String(open) },
    on: { click: () => ctx.toggle(c.column), keydown: e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); ctx.toggle(c.column); } } },
  },
  h('td', {}, h('span', { className: 'twisty', text: open ? '▾' : '▸' }), c.column),
  h('td', { className: 'l', text: c.kind }),
  h('td', { className: 'l', text: v.test }),
  h('td', { text: num(pTest ? v.pValue : v.statistic), title: pTest ? `statistic ${num(v.statistic)}, p-value ${num(v.pValue)}` : undefined }),
  h('td', { text: `${pTest ? 'p < ' : '> '}${formatNumber(v.threshold)}` }),
  h('td', { text: formatNumber(Number(c.severity.toPrecision(3))) }),
  ...STATS.map(([k]) => h('td', { text: num(c.stats[k]) })),
  h('td', { text: `${share(c.quality.referenceMissingShare)} → ${share(c.quality.currentMissingShare)}` }),
  h('td', { className: 'l verdict-cell', text: c.note ? `n/a: ${c.note}` : v.drift ? 'drift' : 'ok' }));
  return tr;
}

function detail(c: ColumnReport, ctx: TableContext, span: number): HTMLTableRowElement {
  const q = c.quality;
  const notes = [
    c.note,
    q.outOfRangeShare !== undefined ? `${share(q.outOfRangeShare)} of current values outside the reference range` : undefined,
    q.newCategories?.length ? `new categories: ${q.newCategories.join(', ')}` : undefined,
    q.missingCategories?.length ? `categories no longer seen: ${q.missingCategories.join(', ')}` : undefined,
    ...q.alerts,
    ...(c.warnings ?? []),
  ].filter((x): x is string => !!x);
  return h('tr', { className: 'col-detail', data: { column: c.column } },
    h('td', { attrs: { colspan: String(span) } },
      h('div', { className: 'col-charts' },
        histogramChart(c),
        ctx.history?.length ? columnHistoryChart(c.column, ctx.history, ctx.openCheck) : null),
      notes.length ? h('ul', { className: 'col-notes' }, ...notes.map(n => h('li', { text: n }))) : null));
}

export function columnsTable(columns: ColumnReport[], ctx: TableContext): HTMLElement {
  const heads: [string, string?][] = [['Column'], ['Type'], ['Test', 'The test that decides the verdict'], ['Value', 'The deciding statistic, or its p-value for p-value tests'],
    ['Threshold'], ['Severity', '≥ 1 is over the threshold'], ...STATS.map(([, l, t]): [string, string] => [l, t]), ['Missing', 'reference → current'], ['Verdict']];
  const body = h('tbody');
  for (const c of bySeverity(columns)) {
    body.append(row(c, ctx));
    if (ctx.expanded(c.column)) body.append(detail(c, ctx, heads.length));
  }
  return h('div', { className: 'table-scroll' }, h('table', { className: 'drift-table columns-table' },
    h('thead', {}, h('tr', {}, ...heads.map(([t, title], i) => h('th', { text: t, title, className: i > 0 && i < 3 ? 'l' : undefined })))),
    body));
}
