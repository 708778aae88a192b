// The numeric drift figures of one column pair: both sides' summaries, the current share outside the reference
// range, and the order-dependent statistics — KS statistic, Wasserstein distance, PSI and Jensen–Shannon. Two
// ways, same results: from fully sorted samples (small columns, and the reference the bucketed path is tested
// against) or from the bucketed index (bucketPair.ts), which sorts only the few buckets where answers are decided.
import { jensenShannonSorted, type JensenShannonOptions, type JensenShannonResult } from './jensenShannon';
import { ksStatisticSorted } from './ks';
import { psiSorted, type PsiOptions, type PsiResult } from './psi';
import { numericSummary, type NumericSummary } from './quality';
import { lowerBound, sortValues, upperBound } from './sort';
import { wassersteinSorted } from './wasserstein';

export interface PairOptions {
  psi?: PsiOptions;
  jensenShannon?: JensenShannonOptions;
}

export interface PairStats {
  reference: NumericSummary;
  current: NumericSummary;
  /** Non-missing values (±Infinity included). */
  nRef: number;
  nCur: number;
  /** Share of the current non-missing values outside the reference's finite [min, max] (±Infinity are outside). */
  outOfRangeShare?: number;
  /** KS statistic max |F_ref − F_cur| (p-value: ks.ts ksPValue). */
  ksStatistic: number;
  /** May be Infinity (see wasserstein.ts). */
  wasserstein: number;
  /** Undefined when the reference has no finite value. */
  psi?: PsiResult;
  /** Undefined when neither sample has a finite value. */
  jensenShannon?: JensenShannonResult;
}

/** Share outside [min, max] from counts below min and at most max. */
export function outsideShare(ref: NumericSummary, n: number, below: (e: number) => number, atMost: (e: number) => number): number | undefined {
  if (ref.min === undefined || ref.max === undefined || !n) return undefined;
  return (below(ref.min) + n - atMost(ref.max)) / n;
}

/** All figures by sorting both columns (NaN = missing); each must have a non-missing value. */
export function sortedPairStats(refValues: Float64Array, curValues: Float64Array, opts: PairOptions = {}): PairStats {
  const ref = sortValues(refValues).sorted;
  const cur = sortValues(curValues).sorted;
  const reference = numericSummary(refValues);
  return {
    reference,
    current: numericSummary(curValues),
    nRef: ref.length,
    nCur: cur.length,
    outOfRangeShare: outsideShare(reference, cur.length, e => lowerBound(cur, e), e => upperBound(cur, e)),
    ksStatistic: ksStatisticSorted(ref, cur),
    wasserstein: wassersteinSorted(ref, cur),
    psi: psiSorted(ref, cur, opts.psi),
    jensenShannon: jensenShannonSorted(ref, cur, opts.jensenShannon),
  };
}
