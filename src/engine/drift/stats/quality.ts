// Data-quality figures per column: missing share, a numeric summary (finite values only; ±Infinity counted
// apart), and the share of current values outside the reference range. Numbers are never NaN: a figure that
// has no data behind it is absent.
import type { ColumnData } from '../types';

export interface NumericSummary {
  rows: number;
  /** NaN values. */
  missing: number;
  /** +Infinity and −Infinity values (not in min/max/mean/std). */
  infinite: number;
  /** Over the finite values; absent when there are none. */
  min?: number;
  max?: number;
  mean?: number;
  /** Population standard deviation (np.std, ddof = 0). */
  std?: number;
}

/** Share of missing cells (NaN, or code −1); 0 for an empty column. */
export function missingShare(column: ColumnData): number {
  const n = column.kind === 'numeric' ? column.values.length : column.codes.length;
  if (!n) return 0;
  let missing = 0;
  if (column.kind === 'numeric') {
    for (const v of column.values) if (v !== v) missing++;
  } else {
    for (const c of column.codes) if (c === -1) missing++;
  }
  return missing / n;
}

// Hot loops live in small functions of one loop each, with lengths read before the loop and plain numbers
// out: V8 compiles them on-stack mid-loop, and code after the loop that never ran in the interpreter would
// otherwise deoptimise on every call.

/** [missing, infinite, min, max, sum] of the values. */
function scan(values: Float64Array, out: Float64Array): void {
  const n = values.length;
  let missing = 0;
  let infinite = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v - v === 0) {
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    } else if (v !== v) missing++;
    else infinite++;
  }
  out[0] = missing;
  out[1] = infinite;
  out[2] = min;
  out[3] = max;
  out[4] = sum;
}

/** Σ (x − mean)² over the finite values. */
export function centredSquares(values: Float64Array, mean: number): number {
  const n = values.length;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    if (d - d === 0) ss += d * d;
  }
  return ss;
}

/** min / max / mean / std over the finite values, in two passes (the second for the centred sum of squares). */
export function numericSummary(values: Float64Array): NumericSummary {
  const r = new Float64Array(5);
  scan(values, r);
  const [missing, infinite, min, max, sum] = r as unknown as [number, number, number, number, number];
  return summaryFrom(values, missing, infinite, min, max, sum);
}

/** The summary from counts, finite extremes and sum already known (one more pass for the std). */
export function summaryFrom(values: Float64Array, missing: number, infinite: number, min: number, max: number, sum: number): NumericSummary {
  const finite = values.length - missing - infinite;
  if (!finite) return { rows: values.length, missing, infinite };
  const mean = sum / finite;
  return { rows: values.length, missing, infinite, min, max, mean, std: Math.sqrt(centredSquares(values, mean) / finite) };
}

/**
 * Share of the current non-missing values outside the reference [min, max] (±Infinity are outside).
 * Undefined when the reference has no finite value or the current column no non-missing value.
 */
export function outOfRangeShare(reference: NumericSummary, current: Float64Array): number | undefined {
  if (reference.min === undefined || reference.max === undefined) return undefined;
  const [present, outside] = countOutside(current, reference.min, reference.max);
  return present ? outside / present : undefined;
}

/** [non-missing, outside [lo, hi]] of the values. */
function countOutside(values: Float64Array, lo: number, hi: number): [number, number] {
  const n = values.length;
  let missing = 0;
  let outside = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < lo || v > hi) outside++;
    else if (v !== v) missing++;
  }
  return [n - missing, outside];
}
