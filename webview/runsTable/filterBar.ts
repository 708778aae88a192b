// The MLflow filter input. Enter validates with the shared parser first, so a syntax error shows in place
// (with its offset marked) without a round trip; errors the host reports show in the same place.
import { FilterSyntaxError, parseFilter } from '../../src/shared/searchFilter';
import { textField } from '../common/components';
import { h } from '../common/dom';

export class FilterBar {
  readonly el: HTMLElement;
  private readonly field;
  private readonly error: HTMLElement;

  constructor(value: string, private readonly submit: (filter: string) => void) {
    this.field = textField({
      value, className: 'filter-input', ariaLabel: 'Filter runs',
      placeholder: "Filter, e.g. metrics.accuracy > 0.9 AND params.model = 'cnn' — Enter to search",
      onEnter: v => this.apply(v),
    });
    this.error = h('div', { id: 'filter-error', className: 'filter-error', attrs: { role: 'alert', 'aria-live': 'polite' } });
    this.error.hidden = true;
    this.el = h('div', { className: 'filter-bar' }, this.field.el, this.error);
  }

  get value(): string {
    return this.field.value;
  }
  set value(v: string) {
    if (this.field.value !== v) this.field.value = v;
  }

  apply(filter: string): void {
    try {
      parseFilter(filter);
    } catch (e) {
      if (e instanceof FilterSyntaxError) { this.showError(e.message, e.offset, filter); return; }
      throw e;
    }
    this.clearError();
    this.submit(filter.trim());
  }

  /** Shows `message`; with an offset, also the filter text with the offending character marked. */
  showError(message: string, offset?: number, filter = this.field.value): void {
    this.error.replaceChildren(h('span', { className: 'filter-error-message', text: message }));
    if (offset !== undefined && offset >= 0) {
      const at = Math.min(offset, filter.length);
      const bad = filter.slice(at, at + 1) || ' ';
      this.error.append(h('code', { className: 'filter-echo' },
        filter.slice(0, at), h('mark', { className: 'filter-error-at', text: bad, title: `offset ${offset}` }), filter.slice(at + 1)));
    }
    this.error.hidden = false;
    this.field.el.classList.add('invalid');
  }

  clearError(): void {
    this.error.hidden = true;
    this.error.replaceChildren();
    this.field.el.classList.remove('invalid');
  }
}
