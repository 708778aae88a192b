// The sections of the run panel, each a plain function from run data to DOM.
import type { DatasetInput, FileInfo, KeyValue, Metric } from '../../src/shared/dto';
import { h } from '../common/dom';
import { formatBytes, formatNumber, formatTime } from '../common/format';

type Row = (Node | string)[];

export function section(title: string, count: number | undefined, ...content: (Node | null)[]): HTMLElement {
  return h('section', { className: 'card', data: { section: title.toLowerCase() } },
    h('h2', {}, title, count === undefined ? null : h('span', { className: 'count', text: String(count) })), ...content);
}

export function table(head: string[], rows: Row[], className = ''): HTMLElement {
  return h('table', { className: `grid-table ${className}` },
    h('thead', {}, h('tr', {}, ...head.map(t => h('th', { text: t })))),
    h('tbody', {}, ...rows.map(r => h('tr', {}, ...r.map(c => h('td', { title: typeof c === 'string' ? c : undefined }, c))))));
}

const empty = (text: string) => h('p', { className: 'muted', text });
const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);

export function paramsSection(params: KeyValue[]): HTMLElement {
  return section('Parameters', params.length,
    params.length ? table(['Name', 'Value'], [...params].sort(byKey).map(p => [p.key, p.value]), 'kv') : empty('No parameters logged.'));
}

export function metricsSection(metrics: Metric[]): HTMLElement {
  return section('Metrics', metrics.length, metrics.length
    ? table(['Name', 'Latest value', 'Step', 'Logged'], [...metrics].sort(byKey).map(m =>
      [m.key, h('span', { className: 'num', text: formatNumber(typeof m.value === 'number' ? m.value : String(m.value)) }), String(m.step), formatTime(m.timestamp)]), 'kv')
    : empty('No metrics logged.'));
}

let systemTagsOpen = false;

export function tagsSection(tags: KeyValue[]): HTMLElement {
  const user = tags.filter(t => !t.key.startsWith('mlflow.')).sort(byKey);
  const system = tags.filter(t => t.key.startsWith('mlflow.')).sort(byKey);
  return section('Tags', user.length,
    user.length ? table(['Name', 'Value'], user.map(t => [t.key, t.value]), 'kv') : empty('No tags.'),
    system.length ? systemTags(system) : null);
}

/** mlflow.* tags, collapsed; stays open across the re-renders a running run causes. */
function systemTags(system: KeyValue[]): HTMLElement {
  const details = h('details', { className: 'system-tags' },
    h('summary', { text: `System tags (${system.length})` }),
    table(['Name', 'Value'], system.map(t => [t.key, t.value]), 'kv'));
  details.open = systemTagsOpen;
  details.addEventListener('toggle', () => { systemTagsOpen = details.open; });
  return details;
}

/** MLflow stores a dataset's source as JSON ({"uri": …} / {"path": …} / {"url": …}); show the location. */
function sourceText(source: string, type: string): string {
  try {
    const o = JSON.parse(source) as Record<string, unknown>;
    const loc = o.uri ?? o.url ?? o.path ?? o.table_name ?? o.location;
    if (typeof loc === 'string') return type ? `${type}: ${loc}` : loc;
  } catch { /* not JSON: show as is */ }
  return type ? `${type}: ${source}` : source;
}

export function datasetsSection(inputs: DatasetInput[]): HTMLElement {
  return section('Datasets', inputs.length, inputs.length
    ? table(['Name', 'Digest', 'Source', 'Context'], inputs.map(i => [
      i.dataset.name, h('code', { text: i.dataset.digest }), sourceText(i.dataset.source, i.dataset.source_type),
      i.tags.find(t => t.key === 'mlflow.data.context')?.value ?? '']))
    : empty('No dataset inputs logged.'));
}

export function gitSection(tags: Record<string, string>): HTMLElement {
  const commit = tags['mlflow.source.git.commit'];
  const rows: Row[] = [];
  if (commit) rows.push(['Commit', h('code', { text: commit.slice(0, 12), title: commit })]);
  if (tags['mlflow.source.git.branch']) rows.push(['Branch', tags['mlflow.source.git.branch']]);
  const dirty = tags['mlflow.source.git.dirty'];
  if (dirty !== undefined) {
    rows.push(['Working tree', h('span', { className: dirty === 'true' ? 'badge warning' : 'badge', text: dirty === 'true' ? 'dirty' : 'clean' })]);
  }
  if (tags['mlflow.source.git.repoURL']) rows.push(['Repository', tags['mlflow.source.git.repoURL']]);
  if (tags['mlflow.source.name']) rows.push(['Entry point', tags['mlflow.source.name']]);
  return section('Git lineage', undefined, rows.length ? table(['', ''], rows, 'kv no-head') : empty('No git information recorded for this run.'));
}

export function artifactsSection(files: FileInfo[], open: (path: string) => void): HTMLElement {
  const sorted = [...files].sort((a, b) => a.path.localeCompare(b.path));
  const items = sorted.map(f => {
    const parts = f.path.split('/');
    const name = parts[parts.length - 1] + (f.is_dir ? '/' : '');
    const label = f.is_dir
      ? h('span', { className: 'artifact-dir', text: name })
      : h('button', { className: 'link artifact-link', text: name, title: `Open ${f.path}`, data: { path: f.path }, on: { click: () => open(f.path) } });
    const li = h('li', { className: 'artifact' }, label, f.is_dir ? null : h('span', { className: 'muted size', text: formatBytes(f.file_size) }));
    li.style.paddingLeft = `${(parts.length - 1) * 16}px`;
    return li;
  });
  return section('Artifacts', files.filter(f => !f.is_dir).length,
    items.length ? h('ul', { className: 'artifact-list' }, ...items) : empty('No artifacts logged.'));
}
