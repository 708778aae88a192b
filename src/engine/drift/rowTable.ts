// Rows of named values (decoded JSON requests) → drift columns. Columns appear when first named and are padded
// with missing values wherever a row does not name them; lists and objects spread into `name[j]` / `name.key`.
import { ColumnBuilder, type CellValue } from './columnBuilder';
import type { ColumnData } from './types';

export class RowTable {
  /** Rows finished so far (the current block's rows are numbered from here). */
  rows = 0;
  private readonly builders = new Map<string, ColumnBuilder>();

  /** Sets `name` in the current block's row `i`; a one-element list is its element. A name set twice in a row keeps its first value. */
  set(i: number, name: string, v: unknown): void {
    if (Array.isArray(v)) {
      if (v.length === 1) this.set(i, name, v[0]);
      else v.forEach((x, j) => this.set(i, `${name}[${j}]`, x));
      return;
    }
    if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) this.set(i, `${name}.${k}`, x);
      return;
    }
    const row = this.rows + i;
    let b = this.builders.get(name);
    if (!b) this.builders.set(name, (b = new ColumnBuilder(name)));
    if (b.rows < row) b.pushMissing(row - b.rows);
    if (b.rows === row) b.push(v as CellValue);
  }

  /** Closes a block of `n` rows: columns it did not name get missing values. */
  endBlock(n: number): void {
    this.rows += n;
    for (const b of this.builders.values()) if (b.rows < this.rows) b.pushMissing(this.rows - b.rows);
  }

  get names(): string[] {
    return [...this.builders.keys()];
  }

  builder(name: string): ColumnBuilder | undefined {
    return this.builders.get(name);
  }

  /** The columns in the order they were first named. */
  finish(): ColumnData[] {
    return [...this.builders.values()].map(b => b.finish());
  }
}
