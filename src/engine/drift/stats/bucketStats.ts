// KS, Wasserstein, PSI and Jensen–Shannon for large columns without sorting them. On the 2-core bench machine a
// radix sort of 1M float64 costs 85–180 ms (each pass scatters 8 MB), Float64Array.prototype.sort 150–300 ms,
// so sorting 20 column pairs would take seconds. Instead one pass per side drops every value into one of up to
// 16,384 equal-width buckets over the bulk of the data (two overflow buckets take the tails and ±Infinity),
// counting and summing per bucket. The bucket function is monotone, so cumulative counts at bucket boundaries
// are exact empirical CDFs, and:
//  - KS: the CDF difference at a boundary is one of SciPy's cdf1 − cdf2 values; a bucket can hold a larger one
//    only if its bound (the whole bucket's mass added to one side) beats the best boundary value. Only those
//    buckets are sorted and walked point by point, so the statistic is SciPy's to the last bit.
//  - Wasserstein: where F_ref − F_cur cannot change sign inside a bucket, ∫ over it follows from counts and sums
//    (∫ F = [C_prev·w + Σ (T − x)] / n); buckets where it can are sorted and integrated exactly (~1e-12 relative).
//  - PSI / Jensen–Shannon / out-of-range: order statistics (reference quantiles) and "how many below an edge"
//    need only the bucket that holds the rank or the edge.
// Passes over the rows' bucket numbers gather the few buckets that need sorting (bucketPair.ts plans them).
import { lowerBound, sortInPlace, upperBound } from './sort';

const MAX_BUCKETS = 16384; // counts + sums stay within a 512 KB L2 cache
const SAMPLE = 4096;

export interface Side {
  values: Float64Array;
  /** Bucket of each row; B + 2 for NaN. */
  idx: Uint16Array;
  counts: Float64Array;
  /** Σ (x − lo) over the values of each inner bucket. */
  sums: Float64Array;
  /** cum[b] = values in buckets 0..b. */
  cum: Float64Array;
  /** Sorted values of the gathered buckets. */
  segs: (Float64Array | undefined)[];
  n: number;
  negInf: number;
  posInf: number;
  /** Finite extremes (±Infinity when there is no finite value) and sum. */
  min: number;
  max: number;
  sum: number;
}

/** Bounds of the equal-width buckets: the 0.05 % and 99.95 % points of a strided sample of both columns. */
export function sampleBounds(ref: Float64Array, cur: Float64Array): [number, number] | undefined {
  const s = new Float64Array(2 * SAMPLE);
  let k = 0;
  for (const x of [ref, cur]) {
    const step = Math.max(1, Math.ceil(x.length / SAMPLE)); // at most SAMPLE values per side
    for (let i = 0; i < x.length; i += step) if (Number.isFinite(x[i]!)) s[k++] = x[i]!;
  }
  if (!k) return undefined;
  s.subarray(0, k).sort();
  return [s[Math.floor(0.0005 * (k - 1))]!, s[Math.ceil(0.9995 * (k - 1))]!];
}

/**
 * The indexing pass (one loop, alone in its function so V8's on-stack compilation has nothing after it to
 * deoptimise on): bucket per row, counts and offset sums per bucket; out = [missing, −∞, +∞, finite min, max, sum].
 */
function indexPass(
  values: Float64Array, lo: number, hi: number, scale: number, B: number,
  idx: Uint16Array, counts: Float64Array, sums: Float64Array, out: Float64Array,
): void {
  const n = values.length;
  const top = B + 1;
  let missing = 0;
  let negInf = 0;
  let posInf = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    let b: number;
    if (v >= lo) {
      if (v <= hi) {
        const u = v - lo;
        b = 1 + ((u * scale) | 0);
        if (b > B) b = B;
        sums[b] += u;
        sum += v;
        if (v < min) min = v;
        if (v > max) max = v;
      } else {
        b = top;
        if (v === Infinity) posInf++;
        else {
          sum += v;
          if (v > max) max = v;
        }
      }
    } else if (v !== v) {
      missing++;
      idx[i] = top + 1;
      continue;
    } else {
      b = 0;
      if (v === -Infinity) negInf++;
      else {
        sum += v;
        if (v < min) min = v;
      }
    }
    counts[b]++;
    idx[i] = b;
  }
  out[0] = missing;
  out[1] = negInf;
  out[2] = posInf;
  out[3] = min;
  out[4] = max;
  out[5] = sum;
}

/** The gathering pass: values of the rows whose bucket has a slot, appended to that slot's range of buf. */
function collect(idx: Uint16Array, values: Float64Array, slot: Int32Array, buf: Float64Array, pos: Int32Array): void {
  const n = idx.length;
  for (let i = 0; i < n; i++) {
    const s = slot[idx[i]!]!;
    if (s >= 0) buf[pos[s]!++] = values[i]!;
  }
}

export class BucketIndex {
  readonly B: number;
  private readonly scale: number;
  private readonly width: number;
  readonly ref: Side;
  readonly cur: Side;

  constructor(ref: Float64Array, cur: Float64Array, private readonly lo: number, private readonly hi: number) {
    const n = ref.length + cur.length;
    const B = Math.min(MAX_BUCKETS, Math.max(16, 2 ** Math.ceil(Math.log2(n / 16))));
    const scale = B / (hi - lo);
    // one bucket when the range is a point or too narrow to divide (scale would overflow)
    const one = !(hi > lo) || !Number.isFinite(scale);
    this.B = one ? 1 : B;
    this.scale = one ? 0 : scale;
    this.width = one ? hi - lo : (hi - lo) / B;
    this.ref = this.index(ref);
    this.cur = this.index(cur);
  }

  /** The bucket of x (not NaN): 0 below lo, B + 1 above hi — the same arithmetic as the indexing pass. */
  bucketOf(x: number): number {
    if (x >= this.lo) {
      if (x <= this.hi) {
        const b = 1 + (((x - this.lo) * this.scale) | 0);
        return b > this.B ? this.B : b;
      }
      return this.B + 1;
    }
    return 0;
  }

  private index(values: Float64Array): Side {
    const B = this.B;
    const idx = new Uint16Array(values.length);
    const counts = new Float64Array(B + 2);
    const sums = new Float64Array(B + 2);
    const r = new Float64Array(6);
    indexPass(values, this.lo, this.hi, this.scale, B, idx, counts, sums, r);
    const cum = new Float64Array(B + 2);
    let c = 0;
    for (let b = 0; b < B + 2; b++) cum[b] = c += counts[b]!;
    const [missing, negInf, posInf, min, max, sum] = r as unknown as number[];
    return { values, idx, counts, sums, cum, segs: [], n: values.length - missing!, negInf: negInf!, posInf: posInf!, min: min!, max: max!, sum: sum! };
  }

  /** Gathers and sorts the values of these buckets on both sides (one pass over each side's bucket numbers). */
  gather(buckets: Iterable<number>): void {
    const todo = [...new Set(buckets)].filter(b => !this.ref.segs[b] && (this.ref.counts[b] || this.cur.counts[b]));
    if (!todo.length) return;
    const slot = new Int32Array(this.B + 3).fill(-1); // B + 2 marks NaN rows
    todo.forEach((b, s) => (slot[b] = s));
    for (const side of [this.ref, this.cur]) {
      const starts = new Int32Array(todo.length + 1);
      for (let s = 0; s < todo.length; s++) starts[s + 1] = starts[s]! + side.counts[todo[s]!]!;
      const buf = new Float64Array(starts[todo.length]!);
      collect(side.idx, side.values, slot, buf, starts.slice(0, todo.length));
      for (let s = 0; s < todo.length; s++) {
        const seg = buf.subarray(starts[s]!, starts[s + 1]!);
        const sorted = sortInPlace(seg);
        if (sorted !== seg) seg.set(sorted);
        side.segs[todo[s]!] = seg;
      }
    }
  }

  /** Count of values < e (e finite); its bucket must have been gathered. */
  below(side: Side, e: number): number {
    const b = this.bucketOf(e);
    const prev = b ? side.cum[b - 1]! : 0;
    if (!side.counts[b]) return prev;
    return prev + lowerBound(side.segs[b]!, e);
  }

  /** Count of values ≤ e (e finite); its bucket must have been gathered. */
  atMost(side: Side, e: number): number {
    const b = this.bucketOf(e);
    const prev = b ? side.cum[b - 1]! : 0;
    if (!side.counts[b]) return prev;
    return prev + upperBound(side.segs[b]!, e);
  }

  /** Whether the bucket of x has been gathered (or is empty on both sides). */
  has(x: number): boolean {
    const b = this.bucketOf(x);
    return !!this.ref.segs[b] || (!this.ref.counts[b] && !this.cur.counts[b]);
  }

  /** The k-th smallest non-missing value (0-based, −Infinity first); its bucket must have been gathered. */
  at(side: Side, k: number): number {
    const b = this.bucketOfRank(side, k);
    return side.segs[b]![k - (b ? side.cum[b - 1]! : 0)]!;
  }

  bucketOfRank(side: Side, k: number): number {
    let lo = 0;
    let hi = this.B + 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (side.cum[mid]! <= k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Lower and upper nominal edge of bucket b as offsets from lo (±Infinity for the overflow buckets' outer sides).
   * Offsets, not absolute values: near 1e9 a bucket can be narrower than the spacing of doubles.
   */
  edgeOffsets(b: number): [number, number] {
    if (b === 0) return [-Infinity, 0];
    const span = this.hi - this.lo;
    if (b === this.B + 1) return [span, Infinity];
    return [(b - 1) * this.width, b === this.B ? span : b * this.width];
  }

  /** Offset of a value from lo, as the indexing pass computes it. */
  offset(x: number): number {
    return x - this.lo;
  }
}
