// The column chooser: every param, metric and tag key found in the runs, each with a checkbox.
import { button, checkbox, textField } from '../common/components';
import { h } from '../common/dom';
import type { Keys } from './columns';

const MAX_SHOWN = 200;

export class ColumnChooser {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private keys: Keys = { params: [], metrics: [], tags: [] };
  private query = '';

  constructor(private readonly chosen: () => string[], private readonly changed: (columns: string[]) => void) {
    const search = textField({ placeholder: 'Search keys', ariaLabel: 'Search column keys', onInput: v => { this.query = v.toLowerCase(); this.render(); } });
    this.list = h('div', { className: 'chooser-list' });
    this.el = h('div', { className: 'column-chooser popover', attrs: { role: 'dialog', 'aria-label': 'Choose columns' } },
      h('div', { className: 'chooser-head' }, search.el,
        button('None', () => this.set([])).el,
        button('Close', () => this.toggle(false), { appearance: 'primary' }).el),
      this.list);
    this.el.hidden = true;
    this.el.addEventListener('keydown', e => { if (e.key === 'Escape') this.toggle(false); });
  }

  setKeys(keys: Keys): void {
    this.keys = keys;
    if (!this.el.hidden) this.render();
  }

  toggle(open = this.el.hidden): void {
    this.el.hidden = !open;
    if (open) this.render();
  }

  private set(columns: string[]): void {
    this.changed(columns);
    this.render();
  }

  private render(): void {
    const groups: [string, 'params' | 'metrics' | 'tags', string[]][] = [
      ['Metrics', 'metrics', this.keys.metrics], ['Parameters', 'params', this.keys.params], ['Tags', 'tags', this.keys.tags],
    ];
    const chosen = new Set(this.chosen());
    this.list.replaceChildren(...groups.map(([title, prefix, keys]) => {
      const matching = keys.filter(k => !this.query || k.toLowerCase().includes(this.query));
      const shown = matching.slice(0, MAX_SHOWN);
      return h('fieldset', { className: 'chooser-group' },
        h('legend', { text: `${title} (${keys.length})` }),
        shown.length ? null : h('span', { className: 'muted', text: keys.length ? 'No match' : 'None in these runs' }),
        ...shown.map(k => {
          const id = `${prefix}.${k}`;
          return checkbox(k, chosen.has(id), on => {
            const rest = this.chosen().filter(c => c !== id);
            this.changed(on ? [...rest, id] : rest);
          }, { title: id }).el;
        }),
        matching.length > MAX_SHOWN ? h('span', { className: 'muted', text: `${matching.length - MAX_SHOWN} more — refine the search` }) : null);
    }));
  }
}
