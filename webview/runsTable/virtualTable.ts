// A virtualised table: fixed-height rows, a sticky header, and only the rows in view (plus a margin) in the
// DOM. Scrolling adds and removes rows at the edges; rows already shown are kept.
import type { RunSummary } from '../../src/shared/protocol';
import { h } from '../common/dom';
import type { Column } from './columns';

export const ROW_HEIGHT = 26;
const OVERSCAN = 8;
const CHECK_WIDTH = 32;

export interface TableEvents {
  sort(column: Column): void;
  openRun(runId: string): void;
  selectionChanged(): void;
}

export class VirtualTable {
  readonly el: HTMLElement;
  readonly selected = new Set<string>();
  private readonly header: HTMLElement;
  private readonly body: HTMLElement;
  private readonly checkAll: HTMLInputElement;
  private columns: Column[] = [];
  private rows: RunSummary[] = [];
  private shown = new Map<number, HTMLElement>();
  private free: HTMLElement[] = [];
  private headerHeight = ROW_HEIGHT;
  private lastClicked = -1;
  private frame = 0;

  constructor(private readonly events: TableEvents) {
    this.checkAll = h('input', { attrs: { type: 'checkbox', 'aria-label': 'Select all runs' } });
    this.checkAll.addEventListener('change', () => {
      if (this.checkAll.checked) for (const r of this.rows) this.selected.add(r.runId);
      else this.selected.clear();
      this.redraw();
      this.events.selectionChanged();
    });
    this.header = h('div', { className: 'table-header', attrs: { role: 'row' } });
    this.body = h('div', { className: 'table-body', attrs: { role: 'rowgroup' } });
    this.el = h('div', { className: 'table-scroll', attrs: { role: 'table', 'aria-label': 'Runs' } }, this.header, this.body);
    this.el.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.body.addEventListener('click', e => {
      const box = e.target as HTMLInputElement;
      const index = rowIndex(box);
      if (box.type === 'checkbox' && index !== undefined) this.toggle(index, box.checked, e.shiftKey);
    });
    this.body.addEventListener('dblclick', e => {
      const index = rowIndex(e.target as HTMLElement);
      if ((e.target as HTMLInputElement).type !== 'checkbox' && index !== undefined) this.events.openRun(this.rows[index].runId);
    });
    new ResizeObserver(() => this.schedule()).observe(this.el);
  }

  setColumns(columns: Column[], sort?: { id: string; descending: boolean }): void {
    this.columns = columns;
    const width = CHECK_WIDTH + columns.reduce((s, c) => s + c.width, 0);
    this.header.style.width = this.body.style.width = `${width}px`;
    for (const row of this.shown.values()) row.remove();
    this.shown.clear();
    this.free = [];
    this.headerHeight = this.header.offsetHeight || this.headerHeight;
    this.header.replaceChildren(cell(CHECK_WIDTH, 'cell check sticky', this.checkAll), ...columns.map((c, k) => {
      const arrow = sort?.id === c.id ? (sort.descending ? ' ▼' : ' ▲') : '';
      const head = cell(c.width, `cell head kind-${c.kind}${k ? '' : ' sticky sticky-2'}`, c.label + arrow);
      head.title = `${c.kind === 'attribute' ? '' : `${c.kind}: `}${c.label} — click to sort`;
      head.setAttribute('role', 'columnheader');
      head.setAttribute('aria-sort', sort?.id === c.id ? (sort.descending ? 'descending' : 'ascending') : 'none');
      head.addEventListener('click', () => this.events.sort(c));
      return head;
    }));
    this.redraw();
  }

  setRows(rows: RunSummary[]): void {
    this.rows = rows;
    const ids = new Set(rows.map(r => r.runId));
    for (const id of this.selected) if (!ids.has(id)) this.selected.delete(id);
    this.body.style.height = `${rows.length * ROW_HEIGHT}px`;
    this.redraw();
  }

  /** Re-renders the visible range (after a change of rows, columns or selection). */
  redraw(): void {
    for (const row of this.shown.values()) row.remove();
    this.free.push(...this.shown.values());
    this.shown.clear();
    this.checkAll.checked = this.rows.length > 0 && this.selected.size === this.rows.length;
    this.checkAll.indeterminate = this.selected.size > 0 && this.selected.size < this.rows.length;
    this.update();
  }

  private schedule(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.update(); });
  }

  private update(): void {
    const top = Math.max(0, this.el.scrollTop - this.headerHeight);
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length - 1, Math.ceil((top + this.el.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    for (const [i, row] of this.shown) {
      if (i < first || i > last) { row.remove(); this.shown.delete(i); this.free.push(row); }
    }
    const fragment = document.createDocumentFragment();
    for (let i = first; i <= last; i++) {
      if (this.shown.has(i)) continue;
      const row = this.fill(this.free.pop() ?? this.createRow(), i);
      this.shown.set(i, row);
      fragment.appendChild(row);
    }
    this.body.appendChild(fragment);
  }

  /** An empty row with one cell per column; rows scrolled out are reused rather than rebuilt. */
  private createRow(): HTMLElement {
    // A native checkbox: a toolkit element per row would cost a shadow root on every scroll step.
    const box = h('input', { attrs: { type: 'checkbox' } });
    return h('div', { attrs: { role: 'row' } }, cell(CHECK_WIDTH, 'cell check sticky', box), ...this.columns.map(c => cell(c.width, '', '')));
  }

  private fill(row: HTMLElement, i: number): HTMLElement {
    const run = this.rows[i];
    const selected = this.selected.has(run.runId);
    row.className = `run-row${selected ? ' selected' : ''}${i % 2 ? ' odd' : ''}`;
    row.dataset.runId = run.runId;
    row.dataset.index = String(i);
    row.style.top = `${i * ROW_HEIGHT}px`;
    const cells = row.children;
    const box = cells[0].firstChild as HTMLInputElement;
    box.checked = selected;
    box.setAttribute('aria-label', `Select ${run.name || run.runId}`);
    this.columns.forEach((c, k) => {
      const td = cells[k + 1] as HTMLElement;
      const text = c.text(run);
      // The check box and the first column stay in view when the table scrolls sideways.
      td.className = `cell kind-${c.kind}${k ? '' : ' sticky sticky-2'}${c.id === 'status' ? ` status status-${run.status}` : ''}`;
      td.textContent = text;
      td.title = text;
    });
    return row;
  }

  private toggle(i: number, on: boolean, range: boolean): void {
    const [a, b] = range && this.lastClicked >= 0 ? [Math.min(i, this.lastClicked), Math.max(i, this.lastClicked)] : [i, i];
    for (let k = a; k <= b; k++) {
      if (on) this.selected.add(this.rows[k].runId);
      else this.selected.delete(this.rows[k].runId);
    }
    this.lastClicked = i;
    this.redraw();
    this.events.selectionChanged();
  }
}

function cell(width: number, className: string, content: Node | string): HTMLElement {
  const el = h('div', { className, attrs: { role: 'cell' } }, content);
  el.style.width = `${width}px`;
  return el;
}

function rowIndex(target: HTMLElement): number | undefined {
  const row = target.closest<HTMLElement>('.run-row');
  return row?.dataset.index === undefined ? undefined : Number(row.dataset.index);
}
