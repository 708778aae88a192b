// Compare panel: params and metrics of the selected runs side by side, parallel coordinates and a scatter.
import type { CompareToHost, CompareToWebview, PanelState, RunSummary } from '../../src/shared/protocol';
import { applyChartTheme } from '../common/chartSetup';
import { checkbox } from '../common/components';
import { appRoot, h, notice } from '../common/dom';
import { onThemeChange } from '../common/theme';
import { connect } from '../common/vscodeApi';
import { diffTable } from './diffTable';
import { ParallelCoords, type Axis } from './parallelCoords';
import { ScatterView } from './scatter';
import { differs, fields, numbers } from './values';

interface CompareState extends PanelState {
  onlyDifferences: boolean;
  scatterX?: string;
  scatterY?: string;
}

let runs: RunSummary[] = [];

const vscode = connect<CompareToHost, CompareToWebview, CompareState>({ onlyDifferences: false }, m => {
  if (m.type === 'error') { tableHost.replaceChildren(notice(m.message, 'error')); return; }
  runs = m.runs;
  vscode.update({ runIds: runs.map(r => r.runId) });
  render();
});
applyChartTheme();
const openRun = (runId: string) => vscode.post({ type: 'openRun', runId });

const title = h('h2', { className: 'panel-title', text: 'Compare runs' });
const onlyDiff = checkbox('Only differences', vscode.state.onlyDifferences, v => { vscode.update({ onlyDifferences: v }); render(); },
  { className: 'only-differences' });
const tableHost = h('div', { className: 'compare-table-host' }, notice('Loading runs…'));
const parallel = new ParallelCoords(openRun);
const parallelNote = h('p', { className: 'muted' });
const scatter = new ScatterView(vscode.state.scatterX ?? '', vscode.state.scatterY ?? '',
  (scatterX, scatterY) => vscode.update({ scatterX, scatterY }), openRun);

appRoot().append(
  h('header', { className: 'panel-header' }, title, h('span', { className: 'spacer' }), onlyDiff.el),
  tableHost,
  h('section', { className: 'card' }, h('h2', { text: 'Parallel coordinates' }), parallelNote, parallel.el),
  h('section', { className: 'card scatter-card' }, h('h2', { text: 'Scatter' }), scatter.el),
);

function render(): void {
  title.textContent = `Compare ${runs.length} run${runs.length === 1 ? '' : 's'}`;
  if (!runs.length) { tableHost.replaceChildren(notice('No runs selected.')); return; }
  const all = fields(runs);
  const only = vscode.state.onlyDifferences;
  tableHost.replaceChildren(diffTable(runs, all, only, openRun));
  const axes: Axis[] = [];
  for (const f of all) {
    if (only && runs.length > 1 && !differs(runs, f)) continue;
    const values = numbers(runs, f);
    if (values) axes.push({ label: f.key, values });
  }
  parallelNote.textContent = axes.length ? '' : 'No numeric params or metrics to plot.';
  parallel.setData(runs, axes);
  scatter.setData(runs, all);
}

onThemeChange(() => {
  applyChartTheme();
  render();
});
