// Population Stability Index on numeric columns, the "NumPy PSI" of test/fixtures/drift/makeReference.py:
// reference quantile edges (histogram.ts psiEdges), shares = counts / n, empty shares replaced by eps,
// PSI = Σ (cur − ref) · ln(cur / ref). Categorical PSI uses the same sum over category shares (categorical.ts).
import { binCounts, psiEdges } from './histogram';
import { lowerBound, sortValues } from './sort';

export interface PsiOptions {
  /** Quantile bins of the reference (default 10). */
  bins?: number;
  /** Replaces empty shares (default 1e-4). */
  eps?: number;
}

export interface PsiResult {
  value: number;
  /** Bin edges: reference quantiles, the outer two ±Infinity (open-ended first and last bins). */
  edges: number[];
  /** Shares per bin, counts / n, before eps replacement. */
  reference: number[];
  current: number[];
}

export const PSI_BINS = 10;
export const PSI_EPS = 1e-4;

/** Σ (c − r) · ln(c / r) over shares, zero shares replaced by eps. */
export function psiFromShares(ref: readonly number[], cur: readonly number[], eps = PSI_EPS): number {
  let sum = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i] === 0 ? eps : ref[i]!;
    const c = cur[i] === 0 ? eps : cur[i]!;
    sum += (c - r) * Math.log(c / r);
  }
  return sum;
}

/** PSI over given edges; `refBelow` / `curBelow` count values < e, nRef / nCur are the non-missing counts. */
export function psiFrom(
  edges: number[],
  nRef: number, refBelow: (e: number) => number,
  nCur: number, curBelow: (e: number) => number,
  eps = PSI_EPS,
): PsiResult {
  const reference = binCounts(edges, nRef, refBelow).map(c => c / nRef);
  const current = binCounts(edges, nCur, curBelow).map(c => c / nCur);
  return { value: psiFromShares(reference, current, eps), edges, reference, current };
}

/** Finite range [start, end) of an ascending array that may begin with −Infinity and end with +Infinity. */
export function finiteRange(sorted: Float64Array): [number, number] {
  let start = 0;
  let end = sorted.length;
  while (start < end && sorted[start] === -Infinity) start++;
  while (end > start && sorted[end - 1] === Infinity) end--;
  return [start, end];
}

/** PSI of two ascending NaN-free samples; undefined without finite reference values or without current values. */
export function psiSorted(ref: Float64Array, cur: Float64Array, opts: PsiOptions = {}): PsiResult | undefined {
  const [s, e] = finiteRange(ref);
  if (e === s || !cur.length) return undefined;
  const edges = psiEdges(e - s, opts.bins ?? PSI_BINS, k => ref[s + k]!);
  return psiFrom(edges, ref.length, x => lowerBound(ref, x), cur.length, x => lowerBound(cur, x), opts.eps);
}

/** PSI of two columns (NaN = missing, dropped); undefined when a side has nothing to compare. */
export function psi(ref: Float64Array, cur: Float64Array, opts: PsiOptions = {}): PsiResult | undefined {
  return psiSorted(sortValues(ref).sorted, sortValues(cur).sorted, opts);
}
