// Notebook output renderer for application/vnd.mlops.run+json: a live run card (status, params, sparklines).
// The card asks the extension for the run over renderer messaging and is updated while the run logs.
import type { ActivationFunction, OutputItem } from 'vscode-notebook-renderer';
import type { RunCard, RunCardItem, RunCardToHost, RunCardToRenderer } from '../../src/shared/protocol';

const SVG = 'http://www.w3.org/2000/svg';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function sparkline(points: [number, number][]): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 120 28');
  svg.setAttribute('width', '120');
  svg.setAttribute('height', '28');
  const finite = points.filter(p => Number.isFinite(p[1]));
  if (finite.length > 1) {
    const xs = finite.map(p => p[0]);
    const ys = finite.map(p => p[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const d = finite.map((p, i) => `${i ? 'L' : 'M'}${(((p[0] - x0) / (x1 - x0 || 1)) * 118 + 1).toFixed(1)},${(27 - ((p[1] - y0) / (y1 - y0 || 1)) * 26).toFixed(1)}`).join('');
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', 'var(--vscode-charts-blue, currentColor)');
    path.setAttribute('stroke-width', '1.5');
    svg.appendChild(path);
  }
  return svg;
}

function render(root: HTMLElement, card: RunCard): void {
  const fmt = (v: number | string) => (typeof v === 'number' ? Number(v.toPrecision(5)).toString() : v);
  const secs = Math.round(((card.endTime ?? Date.now()) - card.startTime) / 1000);
  const box = el('div', 'mlops-card');
  box.style.cssText = 'font-family: var(--vscode-font-family); border: 1px solid var(--vscode-panel-border, #8884); border-radius: 4px; padding: 8px 10px; max-width: 720px';
  const head = el('div', 'mlops-card-head');
  head.style.cssText = 'display:flex; gap:10px; align-items:baseline';
  const status = el('span', `mlops-status mlops-status-${card.status.toLowerCase()}`, card.status);
  status.style.cssText = `font-weight:600; color: var(${card.status === 'FAILED' ? '--vscode-errorForeground' : card.status === 'RUNNING' ? '--vscode-charts-blue' : '--vscode-charts-green'})`;
  head.append(el('strong', 'mlops-name', card.name), status, el('span', 'mlops-meta', `${card.experimentName} · ${secs}s · ${card.runId.slice(0, 8)}`));
  box.appendChild(head);
  const params = Object.entries(card.params);
  if (params.length) box.appendChild(el('div', 'mlops-params', params.map(([k, v]) => `${k}=${v}`).join('  ·  ')));
  const grid = el('div', 'mlops-metrics');
  grid.style.cssText = 'display:grid; grid-template-columns: max-content max-content 130px; gap: 2px 12px; margin-top: 6px; align-items:center';
  for (const [key, m] of Object.entries(card.metrics)) grid.append(el('span', 'mlops-metric-key', key), el('span', 'mlops-metric-value', fmt(m.latest)), sparkline(m.points));
  box.appendChild(grid);
  root.replaceChildren(box);
}

export const activate: ActivationFunction = ctx => {
  const roots = new Map<string, Set<HTMLElement>>();
  ctx.onDidReceiveMessage?.((m: RunCardToRenderer) => {
    const runId = m.type === 'card' ? m.card.runId : m.runId;
    for (const root of roots.get(runId) ?? []) {
      if (m.type === 'card') render(root, m.card);
      else root.replaceChildren(el('div', 'mlops-card-error', `MLOps: ${m.message}`));
    }
  });
  const post = (m: RunCardToHost) => ctx.postMessage?.(m);
  return {
    renderOutputItem(item: OutputItem, element: HTMLElement) {
      const { run_id } = item.json() as RunCardItem;
      element.replaceChildren(el('div', 'mlops-card-loading', `MLOps run ${run_id}…`));
      element.dataset.runId = run_id;
      if (!roots.has(run_id)) roots.set(run_id, new Set());
      roots.get(run_id)!.add(element);
      if (!ctx.postMessage) element.replaceChildren(el('div', 'mlops-card-error', 'MLOps: open this notebook in VS Code with MLOps Workbench to see the live run card'));
      post({ type: 'subscribe', runId: run_id });
    },
    disposeOutputItem(id?: string) {
      for (const [runId, set] of roots) {
        for (const e of [...set]) if (!id || !e.isConnected) set.delete(e);
        if (!set.size) { roots.delete(runId); post({ type: 'unsubscribe', runId }); }
      }
    },
  };
};
