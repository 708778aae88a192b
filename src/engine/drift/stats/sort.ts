// Sorting float64 columns for the drift statistics: NaN (missing) dropped, LSD radix sort on the IEEE-754 bit
// patterns — four 16-bit digits read through a Uint32Array view, passes whose digit is the same for every value
// skipped (integer-valued or low-precision columns often need only one or two), and the sign handled in the
// last pass: negative values are placed in reverse so the result is ascending without a key transform.
// Values are moved as float64 and NaN never enters, so no bit pattern is ever canonicalised.

const SMALL = 512;
const R = 65536;

/** The non-missing values of a column, ascending, and how many NaN were dropped. ±Infinity sort to the ends. */
export function sortValues(values: Float64Array): { sorted: Float64Array; missing: number } {
  let missing = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) missing++;
  let out: Float64Array;
  if (missing === 0) out = values.slice();
  else {
    out = new Float64Array(values.length - missing);
    let k = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v === v) out[k++] = v;
    }
  }
  return { sorted: sortInPlace(out), missing };
}

/** Sorts NaN-free values ascending; returns the sorted array (the argument itself or a same-length buffer). */
export function sortInPlace(values: Float64Array): Float64Array {
  if (values.length < SMALL) return values.sort();
  return radixSort(values);
}

function histograms(words: Uint32Array, n: number): Uint32Array {
  const h = new Uint32Array(4 * R);
  for (let i = 0; i < n; i++) {
    const lo = words[2 * i]!;
    const hi = words[2 * i + 1]!;
    h[lo & 0xffff]!++;
    h[R + (lo >>> 16)]!++;
    h[2 * R + (hi & 0xffff)]!++;
    h[3 * R + (hi >>> 16)]!++;
  }
  return h;
}

function scatter(src: Float64Array, words: Uint32Array, dst: Float64Array, pos: Uint32Array, word: number, shift: number): void {
  const n = src.length;
  for (let i = 0; i < n; i++) {
    const k = (words[2 * i + word]! >>> shift) & 0xffff;
    dst[pos[k]!++] = src[i]!;
  }
}

/** Top digit: non-negative values ascending by digit; negative ones by descending digit, each bucket filled backwards. */
function scatterTop(src: Float64Array, words: Uint32Array, dst: Float64Array, count: Uint32Array): void {
  const pos = new Int32Array(R);
  let at = 0;
  for (let d = R - 1; d >= 0x8000; d--) {
    at += count[d]!;
    pos[d] = at - 1;
  }
  for (let d = 0; d < 0x8000; d++) {
    pos[d] = at;
    at += count[d]!;
  }
  const n = src.length;
  for (let i = 0; i < n; i++) {
    const k = words[2 * i + 1]! >>> 16;
    if (k >= 0x8000) dst[pos[k]!--] = src[i]!;
    else dst[pos[k]!++] = src[i]!;
  }
}

function radixSort(values: Float64Array): Float64Array {
  const n = values.length;
  const hist = histograms(new Uint32Array(values.buffer, values.byteOffset, 2 * n), n);
  let src = values;
  let dst: Float64Array | undefined;
  for (let d = 0; d < 4; d++) {
    const count = hist.subarray(d * R, (d + 1) * R);
    let single = -1;
    for (let b = 0; b < R; b++) {
      const c = count[b]!;
      if (c === n) single = b;
      if (c) break;
    }
    if (single >= 0) {
      // every value has this digit: nothing to do, except that all-negative input must be reversed at the end
      if (d === 3 && single >= 0x8000) src.reverse();
      continue;
    }
    dst ??= new Float64Array(n);
    const words = new Uint32Array(src.buffer, src.byteOffset, 2 * n);
    if (d === 3) scatterTop(src, words, dst, count);
    else {
      const pos = new Uint32Array(R);
      let at = 0;
      for (let b = 0; b < R; b++) {
        pos[b] = at;
        at += count[b]!;
      }
      scatter(src, words, dst, pos, d >> 1, (d & 1) * 16);
    }
    [src, dst] = [dst, src];
  }
  return src;
}

/** First index whose value is ≥ x (NumPy searchsorted side='left'). */
export function lowerBound(sorted: Float64Array, x: number, lo = 0, hi = sorted.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is > x (NumPy searchsorted side='right'). */
export function upperBound(sorted: Float64Array, x: number, lo = 0, hi = sorted.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
