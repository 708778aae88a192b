// Runs table panel: every run of the chosen experiments, MLflow filter, sortable columns, compare/plot.
import type { PanelState, RunSummary, RunsTableToHost, RunsTableToWebview } from '../../src/shared/protocol';
import { button } from '../common/components';
import { appRoot, h, notice } from '../common/dom';
import { connect } from '../common/vscodeApi';
import { ColumnChooser } from './columnChooser';
import { collectKeys, dataColumn, defaultColumns, EXPERIMENT_COLUMN, FIXED_COLUMNS, sortRuns, type Column } from './columns';
import { FilterBar } from './filterBar';
import { VirtualTable } from './virtualTable';

interface RunsTableState extends PanelState {
  columns?: string[];
  sort?: { id: string; descending: boolean };
}

let runs: RunSummary[] = [];
let multiExperiment = false;

const vscode = connect<RunsTableToHost, RunsTableToWebview, RunsTableState>({}, m => {
  switch (m.type) {
    case 'runs': showRuns(m); break;
    case 'filterError': filterBar.showError(m.message, m.offset); break;
    case 'error': count.classList.remove('loading'); count.textContent = m.message; count.classList.add('error-text'); break;
  }
});

const filterBar = new FilterBar(vscode.state.filter ?? '', filter => {
  vscode.update({ filter });
  count.classList.add('loading');
  vscode.post({ type: 'query', filter, orderBy: orderBy() });
});
const table = new VirtualTable({
  sort: c => {
    const s = vscode.state.sort;
    vscode.update({ sort: { id: c.id, descending: s?.id === c.id ? !s.descending : c.kind === 'metric' } });
    refresh();
  },
  openRun: runId => vscode.post({ type: 'openRun', runId }),
  selectionChanged: () => updateSelection(),
});
const chooser = new ColumnChooser(() => vscode.state.columns ?? [], columns => { vscode.update({ columns }); refresh(); });

const count = h('span', { id: 'run-count', className: 'run-count', text: 'Loading runs…' });
const empty = notice('No runs match.');
empty.hidden = true;
const selection = h('span', { className: 'muted selection-count' });
const selectedIds = () => runs.filter(r => table.selected.has(r.runId)).map(r => r.runId);
const compare = button('Compare', () => vscode.post({ type: 'compare', runIds: selectedIds() }),
  { appearance: 'primary', disabled: true, title: 'Compare the selected runs side by side', className: 'compare' });
const plot = button('Plot', () => vscode.post({ type: 'plot', runIds: selectedIds() }),
  { disabled: true, title: 'Plot the metrics of the selected runs', className: 'plot' });
const columnsButton = button('Columns…', () => chooser.toggle(), { title: 'Choose param, metric and tag columns', className: 'columns' });

appRoot().append(
  h('div', { className: 'runs-table-panel' },
    filterBar.el,
    h('div', { className: 'toolbar' }, count, selection, h('span', { className: 'spacer' }), columnsButton.el, compare.el, plot.el),
    h('div', { className: 'popover-anchor' }, chooser.el),
    empty, table.el),
);
document.addEventListener('mousedown', e => {
  const t = e.target as Node;
  if (!chooser.el.hidden && !chooser.el.contains(t) && !columnsButton.el.contains(t)) chooser.toggle(false);
});

function showRuns(m: Extract<RunsTableToWebview, { type: 'runs' }>): void {
  runs = m.runs.slice();
  multiExperiment = new Set(runs.map(r => r.experimentId)).size > 1 || m.experimentNames.length > 1;
  filterBar.value = m.filter;
  filterBar.clearError();
  const experimentIds = [...new Set(runs.map(r => r.experimentId))];
  vscode.update({ filter: m.filter, ...(experimentIds.length ? { experimentIds } : {}) });
  const keys = collectKeys(runs);
  if (!vscode.state.columns) vscode.update({ columns: defaultColumns(keys) });
  chooser.setKeys(keys);
  count.classList.remove('loading');
  empty.hidden = runs.length > 0;
  empty.textContent = m.filter ? 'No runs match this filter.' : 'No runs in these experiments yet.';
  count.textContent = `${runs.length} run${runs.length === 1 ? '' : 's'}${m.total > runs.length ? ` of ${m.total}` : ''}`;
  count.title = `${m.experimentNames.join(', ')} — loaded in ${m.elapsedMs} ms`;
  refresh();
}

function columns(): Column[] {
  const chosen = (vscode.state.columns ?? []).map(dataColumn).filter((c): c is Column => !!c);
  return [...FIXED_COLUMNS.slice(0, 1), ...(multiExperiment ? [EXPERIMENT_COLUMN] : []), ...FIXED_COLUMNS.slice(1), ...chosen];
}

/** Sorts the runs by the chosen column and renders header and rows. */
function refresh(): void {
  const s = vscode.state.sort;
  const all = columns();
  const column = s && all.find(c => c.id === s.id);
  if (s && column) sortRuns(runs, column, s.descending);
  table.setColumns(all, s);
  table.setRows(runs);
  updateSelection();
}

/** The table's sort as MLflow order_by, so a capped result set holds the runs that sort first. */
function orderBy(): string[] {
  const s = vscode.state.sort;
  const c = s && columns().find(col => col.id === s.id);
  return s && c?.orderBy ? [`${c.orderBy} ${s.descending ? 'DESC' : 'ASC'}`] : [];
}

function updateSelection(): void {
  const n = table.selected.size;
  selection.textContent = n ? `${n} selected` : '';
  compare.setDisabled(n < 1);
  plot.setDisabled(n < 1);
}
