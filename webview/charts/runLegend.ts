// The shared run legend: one entry per run in the palette colour; a click hides or shows that run in every
// chart (each chart's own chart.js legend still toggles it in that chart only). Scales to 100+ runs.
import { button } from '../common/components';
import { h } from '../common/dom';
import { runColor } from '../common/theme';

export interface LegendRun {
  runId: string;
  name: string;
  status: string;
}

export class RunLegend {
  readonly el: HTMLElement;
  readonly hidden = new Set<string>();
  private readonly list = h('div', { className: 'run-legend-list' });
  private readonly summary = h('summary', { text: 'Runs' });
  private runs: LegendRun[] = [];

  constructor(private readonly changed: () => void) {
    const all = button('Show all', () => this.setAll(false));
    const none = button('Hide all', () => this.setAll(true));
    this.el = h('details', { className: 'run-legend' }, this.summary, h('div', { className: 'run-legend-actions' }, all.el, none.el), this.list);
    (this.el as HTMLDetailsElement).open = true;
  }

  setRuns(runs: LegendRun[]): void {
    this.runs = runs;
    const ids = new Set(runs.map(r => r.runId));
    for (const id of this.hidden) if (!ids.has(id)) this.hidden.delete(id);
    this.render();
  }

  private setAll(hide: boolean): void {
    this.hidden.clear();
    if (hide) for (const r of this.runs) this.hidden.add(r.runId);
    this.render();
    this.changed();
  }

  /** Re-renders (also after a theme change, for the swatch colours). */
  render(): void {
    const shown = this.runs.length - this.hidden.size;
    this.summary.textContent = `Runs (${shown === this.runs.length ? this.runs.length : `${shown} of ${this.runs.length} shown`})`;
    this.list.replaceChildren(...this.runs.map((r, i) => {
      const swatch = h('span', { className: 'swatch' });
      swatch.style.backgroundColor = runColor(i);
      const off = this.hidden.has(r.runId);
      return h('button', {
        className: `run-legend-item${off ? ' off' : ''}`, title: `${r.name} (${r.status}) — click to ${off ? 'show' : 'hide'} in all charts`,
        attrs: { 'aria-pressed': String(!off) }, data: { runId: r.runId },
        on: {
          click: () => {
            if (off) this.hidden.delete(r.runId); else this.hidden.add(r.runId);
            this.render();
            this.changed();
          },
        },
      }, swatch, r.name || r.runId);
    }));
  }
}
