// Jensen–Shannon distance (scipy.spatial.distance.jensenshannon, natural log — the distance, not the
// divergence). Numeric columns are first binned on common equal-width edges, np.histogram_bin_edges over the
// finite values of both samples (±Infinity counted in the outer bins); categorical columns use category counts.
import { binCounts, histogramBinEdges } from './histogram';
import { finiteRange } from './psi';
import { lowerBound, sortValues } from './sort';

export interface JensenShannonOptions {
  /** Equal-width bins over both samples' range (default 20). */
  bins?: number;
}

export interface JensenShannonResult {
  value: number;
  edges: number[];
  /** Shares per bin. */
  reference: number[];
  current: number[];
}

export const JS_BINS = 20;

/** x·ln(x/y) with SciPy rel_entr's conventions. */
function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  return x === 0 && y >= 0 ? 0 : Infinity;
}

/**
 * jensenshannon(p, q) for non-negative weights, each normalised by its sum. Undefined if a sum is 0. A tiny
 * negative sum from rounding (SciPy would answer NaN) gives 0.
 */
export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number | undefined {
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i]!;
    sq += q[i]!;
  }
  if (!(sp > 0 && sq > 0)) return undefined;
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]! / sp;
    const b = q[i]! / sq;
    const m = (a + b) / 2;
    left += relEntr(a, m);
    right += relEntr(b, m);
  }
  return Math.sqrt(Math.max(0, (left + right) / 2));
}

/** Numeric Jensen–Shannon over given edges; `refBelow` / `curBelow` count values < e, nRef / nCur non-missing. */
export function jensenShannonFrom(
  edges: number[],
  nRef: number, refBelow: (e: number) => number,
  nCur: number, curBelow: (e: number) => number,
): JensenShannonResult {
  const reference = binCounts(edges, nRef, refBelow).map(c => c / nRef);
  const current = binCounts(edges, nCur, curBelow).map(c => c / nCur);
  return { value: jensenShannonDistance(reference, current)!, edges, reference, current };
}

/** Jensen–Shannon of two ascending NaN-free samples; undefined if either is empty or neither has a finite value. */
export function jensenShannonSorted(ref: Float64Array, cur: Float64Array, opts: JensenShannonOptions = {}): JensenShannonResult | undefined {
  if (!ref.length || !cur.length) return undefined;
  const [rs, re] = finiteRange(ref);
  const [cs, ce] = finiteRange(cur);
  if (re === rs && ce === cs) return undefined;
  const min = Math.min(re > rs ? ref[rs]! : Infinity, ce > cs ? cur[cs]! : Infinity);
  const max = Math.max(re > rs ? ref[re - 1]! : -Infinity, ce > cs ? cur[ce - 1]! : -Infinity);
  const edges = histogramBinEdges(min, max, opts.bins ?? JS_BINS);
  return jensenShannonFrom(edges, ref.length, x => lowerBound(ref, x), cur.length, x => lowerBound(cur, x));
}

/** Jensen–Shannon distance of two numeric columns (NaN = missing, dropped). */
export function jensenShannon(ref: Float64Array, cur: Float64Array, opts: JensenShannonOptions = {}): JensenShannonResult | undefined {
  return jensenShannonSorted(sortValues(ref).sorted, sortValues(cur).sorted, opts);
}
