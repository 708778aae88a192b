// bucketedPairStats: the pairStats.ts figures from a BucketIndex (see bucketStats.ts for the method). Plans from
// counts alone which buckets decide each figure, gathers them in one round (a second only when a PSI edge — an
// interpolated reference quantile — lands in a bucket not gathered yet), then computes.
import { BucketIndex, sampleBounds, type Side } from './bucketStats';
import { histogramBinEdges, psiEdges, quantileRanks, linspace } from './histogram';
import { jensenShannonFrom, JS_BINS } from './jensenShannon';
import { psiFrom, PSI_BINS } from './psi';
import { outsideShare, sortedPairStats, type PairOptions, type PairStats } from './pairStats';
import { summaryFrom } from './quality';

/** KS: the best boundary differences, and the buckets whose bound could beat them. */
function planKs(ix: BucketIndex): { max: number; min: number; buckets: number[] } {
  const { ref, cur } = ix;
  const top = ix.B + 1;
  let max = 0;
  let min = 0;
  for (let b = 0; b <= top; b++) {
    const d = ref.cum[b]! / ref.n - cur.cum[b]! / cur.n;
    if (d > max) max = d;
    if (d < min) min = d;
  }
  const buckets: number[] = [];
  for (let b = 0; b <= top; b++) {
    if (!ref.counts[b] || !cur.counts[b]) continue; // one side constant: the extreme is at the boundary
    const pr = b ? ref.cum[b - 1]! : 0;
    const pc = b ? cur.cum[b - 1]! : 0;
    if (ref.cum[b]! / ref.n - pc / cur.n > max || pr / ref.n - cur.cum[b]! / cur.n < min) buckets.push(b);
  }
  return { max, min, buckets };
}

/** Wasserstein: buckets where F_ref − F_cur may change sign, plus non-empty overflow buckets. */
function planWasserstein(ix: BucketIndex): number[] {
  const { ref, cur } = ix;
  const top = ix.B + 1;
  const buckets: number[] = [];
  for (let b = 0; b <= top; b++) {
    const c1 = ref.counts[b]!;
    const c2 = cur.counts[b]!;
    if (!c1 && !c2) continue;
    if (b === 0 || b === top) {
      buckets.push(b);
      continue;
    }
    const d = ref.cum[b - 1]! / ref.n - cur.cum[b - 1]! / cur.n;
    if (!(d - c2 / cur.n >= 0 || d + c1 / ref.n <= 0)) buckets.push(b);
  }
  return buckets;
}

/**
 * Walks a gathered bucket point by point: KS extremes and ∫ |F_ref − F_cur| from its lower to its upper edge,
 * in offsets from lo (BucketIndex.edgeOffsets).
 */
function walk(ix: BucketIndex, b: number, ks: { max: number; min: number }): number {
  const { ref, cur } = ix;
  const a = ref.segs[b] ?? new Float64Array(0);
  const c = cur.segs[b] ?? new Float64Array(0);
  const [lower, upper] = ix.edgeOffsets(b);
  let i = b ? ref.cum[b - 1]! : 0;
  let j = b ? cur.cum[b - 1]! : 0;
  let diff = i / ref.n - j / cur.n;
  let prev = lower;
  let integral = 0;
  let x = 0;
  let y = 0;
  while (x < a.length || y < c.length) {
    const v = y >= c.length || (x < a.length && a[x]! <= c[y]!) ? a[x]! : c[y]!;
    if (diff !== 0) integral += Math.abs(diff) * (ix.offset(v) - prev);
    while (x < a.length && a[x] === v) x++;
    while (y < c.length && c[y] === v) y++;
    diff = (i + x) / ref.n - (j + y) / cur.n;
    if (diff > ks.max) ks.max = diff;
    if (diff < ks.min) ks.min = diff;
    prev = ix.offset(v);
  }
  if (diff !== 0) integral += Math.abs(diff) * (upper - prev);
  return Number.isNaN(integral) ? Infinity : integral;
}

/** ∫ (F_ref − F_cur) over an inner bucket from counts and sums, when its sign cannot change inside. */
function bucketIntegral(ix: BucketIndex, b: number, width: number): number {
  const part = (s: Side) => ((b ? s.cum[b - 1]! : 0) * width + s.counts[b]! * (b * width) - s.sums[b]!) / s.n;
  return Math.abs(part(ix.ref) - part(ix.cur));
}

/** pairStats.ts figures for two columns (NaN = missing) with at least one non-missing value each. */
export function bucketedPairStats(ref: Float64Array, cur: Float64Array, opts: PairOptions = {}): PairStats {
  const bounds = sampleBounds(ref, cur);
  // no finite value in the sample, or a range whose width overflows: sort instead
  if (!bounds || !Number.isFinite(bounds[1] - bounds[0])) return sortedPairStats(ref, cur, opts);
  const ix = new BucketIndex(ref, cur, bounds[0], bounds[1]);
  const R = ix.ref;
  const C = ix.cur;
  const reference = summaryFrom(ref, ref.length - R.n, R.negInf + R.posInf, R.min, R.max, R.sum);
  const current = summaryFrom(cur, cur.length - C.n, C.negInf + C.posInf, C.min, C.max, C.sum);

  // what decides each figure: PSI's quantile ranks, the JS edges, the reference extremes (out-of-range),
  // KS candidates and Wasserstein sign changes — gathered in one round
  const refFinite = R.n - R.negInf - R.posInf;
  const bins = opts.psi?.bins ?? PSI_BINS;
  const probs = linspace(0, 1, bins + 1);
  const ranks = refFinite ? quantileRanks(refFinite, probs).map(k => k + R.negInf) : [];
  const min = Math.min(R.min, C.min);
  const max = Math.max(R.max, C.max);
  const jsEdges = Number.isFinite(min) ? histogramBinEdges(min, max, opts.jensenShannon?.bins ?? JS_BINS) : undefined;
  const extremes = reference.min === undefined ? [] : [reference.min, reference.max!];
  const ks = planKs(ix);
  const walked = new Set([...ks.buckets, ...planWasserstein(ix)]);
  ix.gather([...walked, ...ranks.map(k => ix.bucketOfRank(R, k)), ...[...(jsEdges ?? []), ...extremes].map(e => ix.bucketOf(e))]);
  const psiEdgeList = refFinite ? psiEdges(refFinite, bins, k => ix.at(R, k + R.negInf)) : undefined;
  // an edge between two quantile ranks' buckets can fall in a third (only where the data are sparse)
  ix.gather((psiEdgeList ?? []).filter(e => Number.isFinite(e) && !ix.has(e)).map(e => ix.bucketOf(e)));

  const width = ix.edgeOffsets(1)[1];
  let w = 0;
  for (let b = 0; b <= ix.B + 1; b++) {
    if (walked.has(b)) w += walk(ix, b, ks);
    else if (b > 0 && b <= ix.B) {
      const empty = !R.counts[b] && !C.counts[b];
      w += empty ? Math.abs(R.cum[b]! / R.n - C.cum[b]! / C.n) * width : bucketIntegral(ix, b, width);
    }
  }
  const refBelow = (e: number) => ix.below(R, e);
  const curBelow = (e: number) => ix.below(C, e);
  return {
    reference,
    current,
    nRef: R.n,
    nCur: C.n,
    outOfRangeShare: outsideShare(reference, C.n, curBelow, e => ix.atMost(C, e)),
    ksStatistic: Math.max(ks.max, Math.min(1, -ks.min)),
    wasserstein: w,
    psi: psiEdgeList && psiFrom(psiEdgeList, R.n, refBelow, C.n, curBelow, opts.psi?.eps),
    jensenShannon: jsEdges && jensenShannonFrom(jsEdges, R.n, refBelow, C.n, curBelow),
  };
}
