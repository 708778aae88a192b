// Run panel: one run's header, params, metrics, tags, datasets, git lineage and artifacts.
import type { Run } from '../../src/shared/dto';
import type { PanelState, RunToHost, RunToWebview } from '../../src/shared/protocol';
import { button } from '../common/components';
import { appRoot, h, notice } from '../common/dom';
import { formatDuration, formatTime, runDuration } from '../common/format';
import { connect } from '../common/vscodeApi';
import { artifactsSection, datasetsSection, gitSection, metricsSection, paramsSection, tagsSection } from './sections';

const root = appRoot();
root.append(notice('Loading run…'));

const vscode = connect<RunToHost, RunToWebview, PanelState>({}, m => {
  if (m.type === 'run') render(m.run, m.experimentName, m.artifacts);
  else root.replaceChildren(notice(m.message, 'error'));
});

function render(run: Run, experimentName: string, artifacts: Extract<RunToWebview, { type: 'run' }>['artifacts']): void {
  const { info, data } = run;
  vscode.update({ runIds: [info.run_id], experimentIds: [info.experiment_id] });
  const tags = Object.fromEntries(data.tags.map(t => [t.key, t.value]));
  const parent = tags['mlflow.parentRunId'];
  const note = tags['mlflow.note.content'];
  const meta: [string, Node | string][] = [
    ['Run ID', h('code', { text: info.run_id })],
    ['Experiment', `${experimentName || info.experiment_id} (${info.experiment_id})`],
    ['Started', formatTime(info.start_time)],
    ['Ended', info.end_time ? formatTime(info.end_time) : '—'],
    ['Duration', formatDuration(runDuration(info.start_time, info.end_time, info.status)) || '—'],
    ['User', info.user_id || '—'],
  ];
  if (parent) meta.push(['Parent run', h('code', { text: parent })]);
  meta.push(['Artifact URI', h('code', { text: info.artifact_uri })]);

  const header = h('header', { className: 'run-header' },
    h('div', { className: 'run-title' },
      h('h1', { text: info.run_name || info.run_id }),
      h('span', { className: `badge status status-${info.status}`, text: info.status }),
      h('span', { className: 'spacer' }),
      button('Plot metrics', () => vscode.post({ type: 'plot' }), { appearance: 'primary', className: 'plot' }).el),
    note ? h('p', { className: 'run-note', text: note }) : null,
    h('dl', { className: 'run-meta' }, ...meta.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', {}, v)])));

  root.replaceChildren(header, h('div', { className: 'card-grid' },
    paramsSection(data.params),
    metricsSection(data.metrics),
    datasetsSection(run.inputs?.dataset_inputs ?? []),
    gitSection(tags),
    tagsSection(data.tags),
    artifactsSection(artifacts, path => vscode.post({ type: 'openArtifact', path })),
  ));
}
