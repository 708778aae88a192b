// Params and metrics side by side, one column per run; rows whose values differ are marked.
import type { RunSummary } from '../../src/shared/protocol';
import { h } from '../common/dom';
import { formatNumber } from '../common/format';
import { runColor } from '../common/theme';
import { differs, value, type Field } from './values';

export function diffTable(runs: RunSummary[], all: Field[], onlyDifferences: boolean, openRun: (runId: string) => void): HTMLElement {
  const head = h('tr', {}, h('th', { className: 'key-col', text: 'Run' }), ...runs.map((r, i) => {
    const swatch = h('span', { className: 'swatch' });
    swatch.style.backgroundColor = runColor(i);
    return h('th', { className: 'run-col', data: { runId: r.runId } },
      h('button', { className: 'link', title: `Open run ${r.runId}`, on: { click: () => openRun(r.runId) } }, swatch, r.name || r.runId),
      h('div', { className: `muted status status-${r.status}`, text: r.status }));
  }));
  const body = h('tbody');
  for (const [title, kind] of [['Parameters', 'param'], ['Metrics', 'metric']] as const) {
    const group = all.filter(f => f.kind === kind);
    const rows = group.filter(f => !onlyDifferences || differs(runs, f));
    body.append(h('tr', { className: 'group-row' },
      h('th', { className: 'key-col', attrs: { colspan: String(runs.length + 1) } },
        `${title} `, h('span', { className: 'muted', text: onlyDifferences ? `${rows.length} of ${group.length} differ` : String(group.length) }))));
    for (const f of rows) {
      const diff = differs(runs, f);
      body.append(h('tr', { className: diff ? 'diff' : '', data: { field: f.id } },
        h('th', { className: 'key-col', text: f.key, title: f.id }),
        ...runs.map(r => {
          const v = value(r, f);
          return h('td', { className: kind === 'metric' ? 'num' : '', text: kind === 'metric' ? formatNumber(v) : String(v ?? ''), title: String(v ?? '') });
        })));
    }
  }
  return h('div', { className: 'table-wrap' }, h('table', { className: 'compare-table' }, h('thead', {}, head), body));
}
