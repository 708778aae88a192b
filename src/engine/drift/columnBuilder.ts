// One drift column built incrementally: numbers into Float64Array runs (NaN = missing), strings and booleans
// dictionary-encoded into Int32Array codes (-1 = missing). A column of unknown type (CSV, JSON) starts numeric
// and turns categorical at its first non-number; the numbers seen so far become categories, spelled as in the file.
import type { ColumnData } from './types';

/** What readers hand a builder: one value of a row. Dates count as numbers (epoch ms). */
export type CellValue = number | bigint | boolean | string | Date | null | undefined;

/** `numeric` / `categorical` when the file declares the type; `auto` infers it from the values (CSV, JSON). */
export type ColumnMode = 'auto' | 'numeric' | 'categorical';

/** pandas' default missing-value spellings in CSV files (read_csv na_values). */
const MISSING = new Set(['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']);
const INFINITY: Record<string, number> = { inf: Infinity, Inf: Infinity, '+inf': Infinity, '-inf': -Infinity, '-Inf': -Infinity, INF: Infinity, '-INF': -Infinity };
const BOOLS: Record<string, string> = { true: 'true', True: 'true', TRUE: 'true', false: 'false', False: 'false', FALSE: 'false' };
/** Distinct numbers whose spelling is remembered, for an exact conversion when the column turns out to be text. */
const SPELLINGS = 1024;
const RUN = 65536;

/** A CSV field as a number, or NaN when it is not one ('0x1f' and the like are text, as in pandas). */
export function csvNumber(s: string): number {
  if (!s) return NaN;
  const n = +s;
  if (n === n) return s.length > 1 && (s[1] === 'x' || s[1] === 'X' || s[1] === 'b' || s[1] === 'B' || s[1] === 'o' || s[1] === 'O') ? NaN : n;
  return INFINITY[s] ?? NaN;
}

export class ColumnBuilder {
  private kind: 'numeric' | 'categorical';
  /** Finished runs: Float64Array while numeric, Int32Array codes once categorical. */
  private parts: (Float64Array | Int32Array)[] = [];
  private run: Float64Array | Int32Array;
  private at = 0;
  private total = 0;
  private readonly dict = new Map<string, number>();
  private readonly categories: string[] = [];
  private spelled? = new Map<number, string>();
  private seen = { number: false, string: false, bool: false };

  constructor(readonly name: string, readonly mode: ColumnMode = 'auto', private readonly sourceType?: string) {
    this.kind = mode === 'categorical' ? 'categorical' : 'numeric';
    this.run = this.kind === 'numeric' ? new Float64Array(1024) : new Int32Array(1024);
  }

  get rows(): number {
    return this.total;
  }

  private room(): void {
    if (this.at < this.run.length) return;
    this.parts.push(this.run);
    const size = Math.min(RUN * 16, Math.max(1024, this.total));
    this.run = this.kind === 'numeric' ? new Float64Array(size) : new Int32Array(size);
    this.at = 0;
  }

  private seal(): void {
    if (this.at) this.parts.push(this.run.subarray(0, this.at));
    this.run = this.run.subarray(this.at);
    this.at = 0;
  }

  private code(s: string): number {
    let c = this.dict.get(s);
    if (c === undefined) {
      c = this.categories.length;
      this.categories.push(s);
      this.dict.set(s, c);
    }
    return c;
  }

  private pushNumber(v: number, spelling?: string): void {
    this.seen.number = true;
    if (this.kind === 'categorical') return this.pushCode(v === v ? this.code(spelling ?? String(v)) : -1);
    if (spelling !== undefined && this.spelled && !this.spelled.has(v)) {
      if (this.spelled.size >= SPELLINGS) this.spelled = undefined;
      else this.spelled.set(v, spelling);
    }
    this.room();
    this.run[this.at++] = v;
    this.total++;
  }

  private pushCode(c: number): void {
    this.room();
    this.run[this.at++] = c;
    this.total++;
  }

  private pushText(s: string, bool: boolean): void {
    if (bool) this.seen.bool = true;
    else this.seen.string = true;
    if (this.kind === 'numeric') {
      if (this.mode === 'numeric') return this.pushMissing(1);
      this.toCategorical();
    }
    this.pushCode(this.code(s));
  }

  pushMissing(count: number): void {
    for (let i = 0; i < count; i++) {
      this.room();
      this.run[this.at++] = this.kind === 'numeric' ? NaN : -1;
      this.total++;
    }
  }

  /** One value of any type: numbers are numeric, strings and booleans categorical, null/undefined missing. */
  push(v: CellValue): void {
    if (typeof v === 'number') this.pushNumber(v);
    else if (typeof v === 'string') this.mode === 'numeric' ? this.pushNumber(csvNumber(v)) : this.pushText(v, false);
    else if (typeof v === 'boolean') this.pushText(v ? 'true' : 'false', true);
    else if (typeof v === 'bigint') this.pushNumber(Number(v));
    else if (v instanceof Date) this.pushNumber(v.getTime());
    else this.pushMissing(1);
  }

  /** A CSV field: pandas' missing spellings, numbers, true/false, else text. */
  pushField(s: string): void {
    const n = csvNumber(s);
    if (n === n) return this.pushNumber(n, s);
    if (MISSING.has(s)) return this.pushMissing(1);
    const b = BOOLS[s];
    this.pushText(b ?? s, b !== undefined);
  }

  /** A run of numbers (NaN = missing): a Float64Array is kept as is, not copied (the caller must not change it); others are converted once. */
  pushNumbers(values: ArrayLike<number> | ArrayLike<bigint>): void {
    if (!values.length) return;
    this.seen.number = true;
    if (this.kind === 'categorical') {
      for (let i = 0; i < values.length; i++) this.pushNumber(Number(values[i]));
      return;
    }
    this.seal();
    if (values instanceof Float64Array) this.parts.push(values);
    else if (values instanceof BigInt64Array || values instanceof BigUint64Array) this.parts.push(Float64Array.from(values, Number));
    else this.parts.push(Float64Array.from(values as ArrayLike<number>));
    this.total += values.length;
  }

  /** Re-encodes the numbers held so far as categories (spelled as first seen, else their shortest form). */
  toCategorical(): void {
    if (this.kind === 'categorical') return;
    this.seal();
    const spelled = this.spelled;
    this.parts = this.parts.map(p => Int32Array.from(p as Float64Array, v => (v === v ? this.code(spelled?.get(v) ?? String(v)) : -1)));
    this.kind = 'categorical';
    this.run = new Int32Array(1024);
  }

  /** True when every present value is an integer (a numeric column that may hold class labels). */
  integral(): boolean {
    if (this.kind !== 'numeric') return false;
    this.seal();
    return this.parts.every(p => (p as Float64Array).every(v => v !== v || Number.isInteger(v)));
  }

  private joined(): Float64Array | Int32Array {
    this.seal();
    if (this.parts.length === 1) return this.parts[0];
    const out = this.kind === 'numeric' ? new Float64Array(this.total) : new Int32Array(this.total);
    let at = 0;
    for (const p of this.parts) { out.set(p, at); at += p.length; }
    this.parts = [out];
    return out;
  }

  /** The column; its sourceType is the declared one, else from the values seen: 'number', 'bool' or (any text, or a mix) 'string'. */
  finish(): ColumnData {
    const { name } = this;
    const { string, bool, number } = this.seen;
    const sourceType = this.sourceType ?? (string || (bool && number) ? 'string' : bool ? 'bool' : 'number');
    const data = this.joined();
    return this.kind === 'numeric'
      ? { kind: 'numeric', name, values: data as Float64Array, sourceType }
      : { kind: 'categorical', name, codes: data as Int32Array, categories: this.categories, sourceType };
  }
}
