// Pipeline DAG panel: stages as a layered SVG graph (no graph library), coloured by status, live while stages
// run. Clicking a stage shows its details with Run / Open Last Run / Go to Definition.
import type { DagStage, DagState, DagToHost, DagToWebview } from '../../src/shared/protocol';
import { button, dropdown } from '../common/components';
import { appRoot, h, notice } from '../common/dom';
import { connect } from '../common/vscodeApi';
import { layout } from './layout';
import { injectStyle } from './style';

const SVG = 'http://www.w3.org/2000/svg';
function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

injectStyle();
const root = appRoot();
root.append(notice('Loading pipeline…'));
let last: Extract<DagToWebview, { type: 'dag' }> | undefined;
const vscode = connect<DagToHost, DagToWebview, DagState>({}, m => {
  if (m.type === 'empty') { last = undefined; root.replaceChildren(notice(m.message)); return; }
  last = m;
  vscode.update({ file: m.file });
  render();
});

const STATES: DagStage['state'][] = ['up-to-date', 'changed', 'never-run', 'running', 'failed', 'frozen'];
const words: Record<DagStage['state'], string> = { 'up-to-date': 'up to date', changed: 'changed', 'never-run': 'never run', running: 'running', failed: 'failed', frozen: 'frozen' };
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function select(name: string | undefined): void {
  vscode.update({ selected: name });
  render();
}

function graph(m: NonNullable<typeof last>): SVGSVGElement {
  const g = layout(m.stages);
  const byName = new Map(m.stages.map(s => [s.name, s]));
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 8, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'dag-arrow' }));
  const edges = g.edges.map(e => svg('path', { d: e.d, class: 'dag-edge', 'marker-end': 'url(#arrow)', 'data-from': e.from, 'data-to': e.to }));
  const nodes = g.boxes.map(b => {
    const s = byName.get(b.name)!;
    const node = svg('g', { class: `dag-node state-${s.state}${vscode.state.selected === s.name ? ' selected' : ''}`, transform: `translate(${b.x},${b.y})`,
      tabindex: 0, role: 'button', 'data-stage': s.name, 'data-state': s.state, 'aria-label': `${s.name}: ${s.text}` },
    svg('title', {}, `${s.name} — ${s.text}\n${s.cmd}${s.reasons.length ? `\n\n${s.reasons.join('\n')}` : ''}`),
    svg('rect', { width: b.w, height: b.h, rx: 5 }),
    svg('circle', { class: 'dot', cx: 14, cy: b.h / 2, r: 5 }),
    svg('text', { class: 'name', x: 26, y: 19 }, clip(s.name, Math.floor((b.w - 34) / 7.5))),
    svg('text', { class: 'status', x: 26, y: 35 }, clip(s.text, Math.floor((b.w - 34) / 6))));
    node.addEventListener('click', () => select(s.name));
    node.addEventListener('dblclick', () => vscode.post({ type: 'run', file: m.file, stage: s.name }));
    node.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(s.name); } });
    return node;
  });
  return svg('svg', { class: 'dag-svg', width: g.width, height: g.height, viewBox: `0 0 ${g.width} ${g.height}`, role: 'img', 'aria-label': `Pipeline ${m.file}` },
    svg('defs', {}, marker), ...edges, ...nodes);
}

function detail(m: NonNullable<typeof last>): HTMLElement {
  const s = m.stages.find(x => x.name === vscode.state.selected);
  if (!s) return h('p', { className: 'muted', text: 'Click a stage for its details; double-click runs it with its upstream stages.' });
  return h('section', { className: `card dag-detail state-${s.state}`, data: { stage: s.name } },
    h('h2', { text: `${s.name} — ${s.text}` }),
    s.desc ? h('p', { text: s.desc }) : null,
    h('pre', { text: s.cmd }),
    s.upstream.length ? h('div', { className: 'muted', text: `after ${s.upstream.join(', ')}` }) : null,
    s.reasons.length ? h('ul', {}, ...s.reasons.map(r => h('li', { text: r }))) : null,
    h('div', { className: 'dag-actions' },
      button('▶ Run (with upstream)', () => vscode.post({ type: 'run', file: m.file, stage: s.name }), { appearance: 'primary', disabled: m.running, className: 'dag-run' }).el,
      s.lastRunId ? button('Open Last Run', () => vscode.post({ type: 'openRun', runId: s.lastRunId! }), { className: 'dag-open-run' }).el : null,
      button('Go to Definition', () => vscode.post({ type: 'openDefinition', file: m.file, stage: s.name })).el));
}

function render(): void {
  const m = last;
  if (!m) return;
  const counts = STATES.map(st => [st, m.stages.filter(s => s.state === st).length] as const).filter(([, n]) => n);
  const header = h('div', { className: 'dag-header' },
    h('h1', { text: `Pipeline · ${m.file}` }),
    m.files.length > 1 ? dropdown(m.files.map(f => ({ value: f, label: f })), m.file, f => vscode.post({ type: 'selectFile', file: f }), { ariaLabel: 'dvc.yaml file' }).el : null,
    h('div', { className: 'dag-legend' }, ...counts.map(([st, n]) => h('span', { className: `state-${st}`, text: `${n} ${words[st]}` }))));
  if (m.error) { root.replaceChildren(header, notice(m.error, 'error')); return; }
  if (!m.stages.length) { root.replaceChildren(header, notice('No stages in this file')); return; }
  // Live updates replace the graph every second while stages run: keep the scroll position and the focused stage.
  const old = document.getElementById('dag');
  const [top, left] = [old?.scrollTop ?? 0, old?.scrollLeft ?? 0];
  const focused = (document.activeElement as Element | null)?.getAttribute?.('data-stage');
  const scroll = h('div', { className: 'dag-scroll', id: 'dag' }, graph(m));
  root.replaceChildren(header, scroll, detail(m));
  scroll.scrollTop = top;
  scroll.scrollLeft = left;
  if (focused) (scroll.querySelector(`[data-stage="${CSS.escape(focused)}"]`) as SVGGElement | null)?.focus();
}
