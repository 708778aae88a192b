// Lineage panel: data → run → code commit → version → stage history, as a left-to-right chain of cards.
import type { AuditEntry, Lineage, ModelVersion } from '../../src/shared/dto';
import type { LineageToHost, LineageToWebview, PanelState } from '../../src/shared/protocol';
import { appRoot, h, notice } from '../common/dom';
import { formatNumber, formatTime } from '../common/format';
import { connect } from '../common/vscodeApi';

interface LineageState extends PanelState { name?: string; version?: string }
const root = appRoot();
root.append(notice('Loading lineage…'));

const vscode = connect<LineageToHost, LineageToWebview, LineageState>({}, m => render(m.version, m.lineage, m.audit));

const kv = (rows: [string, string][]) =>
  h('dl', { className: 'lineage-kv' }, ...rows.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v, title: v })]));

function step(title: string, cls: string, ...content: (Node | null)[]): HTMLElement {
  return h('section', { className: `card lineage-step ${cls}`, data: { step: cls } }, h('h2', { text: title }), ...content);
}

function render(v: ModelVersion, l: Lineage, audit: AuditEntry[]): void {
  vscode.update({ name: v.name, version: v.version });
  const data = step('Data', 'data', l.datasets.length
    ? kv(l.datasets.map(d => [d.name, `${d.digest} · ${d.source}${d.context ? ` · ${d.context}` : ''}`]))
    : notice('No dataset recorded (log_input) — lineage incomplete'));
  const run = step('Run', 'run', l.run
    ? h('div', {},
      h('a', { text: l.run.run_name, attrs: { href: '#' }, on: { click: e => { e.preventDefault(); vscode.post({ type: 'openRun', runId: l.run!.run_id }); } } }),
      kv([...Object.entries(l.run.params).map(([k, x]): [string, string] => [k, x]), ...Object.entries(l.run.metrics).map(([k, x]): [string, string] => [k, formatNumber(x)])]))
    : notice('No source run'));
  const code = step('Code', 'code', l.git?.commit
    ? kv([['commit', l.git.commit.slice(0, 12)], ['branch', l.git.branch ?? '—'], ['dirty', l.git.dirty === undefined ? 'unknown' : String(l.git.dirty)], ['repo', l.git.repo_url ?? '—']])
    : notice('No git commit recorded'));
  const version = step(`${v.name} v${v.version}`, 'version', kv([
    ['stage', v.current_stage], ['aliases', v.aliases.map(a => `@${a}`).join(' ') || '—'], ['source', v.source], ['stored at', l.storage_location],
    ...(l.onnx ? [['ONNX in', l.onnx.inputs.map(i => `${i.name}: ${i.type}[${i.shape.join(',')}]`).join('; ')] as [string, string],
      ['ONNX out', l.onnx.outputs.map(o => `${o.name}: ${o.type}[${o.shape.join(',')}]`).join('; ')] as [string, string]] : []),
  ]));
  const history = step('Stage history', 'history', audit.length
    ? h('ol', { className: 'audit' }, ...audit.map(e => h('li', { data: { action: e.action } },
      h('span', { className: 'audit-time', text: formatTime(e.time) }), ' ',
      h('strong', { text: `${e.action}${e.target ? ` ${e.target}` : ''}` }), ' ',
      `${e.from ?? ''}${e.from || e.to ? ' → ' : ''}${e.to ?? ''}`,
      e.reason ? h('em', { text: ` “${e.reason}”` }) : null,
      e.overridden ? h('span', { className: 'badge warn', text: ' overridden' }) : null,
      e.gates.length ? h('div', { className: 'gates', text: e.gates.map(g => `${g.passed ? '✔' : '✖'} ${g.rule}`).join('   ') }) : null)))
    : notice('No transitions yet'));
  const arrow = () => h('div', { className: 'lineage-arrow', text: '→', attrs: { 'aria-hidden': 'true' } });
  root.replaceChildren(h('h1', { text: `Lineage of ${v.name} v${v.version}` }),
    h('div', { className: 'lineage-chain' }, data, arrow(), run, arrow(), code, arrow(), version), history);
}
