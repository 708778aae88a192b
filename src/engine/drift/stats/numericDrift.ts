// Every numeric drift statistic of one column pair from one pass of ordering work: KS (statistic and p-value),
// Wasserstein (and normalised by the reference std), PSI and Jensen–Shannon, plus the data-quality summary.
// Small pairs are sorted outright; large ones go through the bucketed index (bucketStats.ts), which gives the
// same numbers without a full sort. NaN = missing (dropped); ±Infinity are values (see wasserstein.ts, psi.ts).
// A statistic that cannot be computed is absent, with the reason in `notes` — never NaN.
import { bucketedPairStats } from './bucketPair';
import type { JensenShannonOptions, JensenShannonResult } from './jensenShannon';
import { ksPValue, type KsResult } from './ks';
import { sortedPairStats, type PairStats } from './pairStats';
import type { PsiOptions, PsiResult } from './psi';
import { numericSummary, outOfRangeShare, type NumericSummary } from './quality';
import { wassersteinNormed } from './wasserstein';

export interface NumericDriftOptions {
  psi?: PsiOptions;
  jensenShannon?: JensenShannonOptions;
}

export interface NumericDrift {
  reference: NumericSummary;
  current: NumericSummary;
  ks?: KsResult;
  /** Finite only: an infinite distance is absent with a note. */
  wasserstein?: number;
  /** wasserstein / std(reference); absent for a constant reference. */
  wassersteinNorm?: number;
  psi?: PsiResult;
  jensenShannon?: JensenShannonResult;
  /** Share of current non-missing values outside the reference [min, max]. */
  outOfRangeShare?: number;
  /** Why a statistic is absent, e.g. "all values missing in current". */
  notes: string[];
}

/** Pairs with at most this many rows (both sides) are sorted outright. */
const SORT_LIMIT = 20_000;

/** The figures of a pair with a non-missing value on each side, by sorting or by the bucketed index. */
export function pairStats(ref: Float64Array, cur: Float64Array, opts: NumericDriftOptions = {}): PairStats {
  return ref.length + cur.length <= SORT_LIMIT ? sortedPairStats(ref, cur, opts) : bucketedPairStats(ref, cur, opts);
}

/** Everything numericDrift reports, for one column pair (NaN = missing). */
export function numericDrift(ref: Float64Array, cur: Float64Array, opts: NumericDriftOptions = {}): NumericDrift {
  if (!hasValue(ref) || !hasValue(cur)) {
    const reference = numericSummary(ref);
    const current = numericSummary(cur);
    const out: NumericDrift = { reference, current, notes: [] };
    const range = outOfRangeShare(reference, cur);
    if (range !== undefined) out.outOfRangeShare = range;
    if (reference.rows === reference.missing) out.notes.push(reference.rows ? 'all values missing in reference' : 'reference has no rows');
    if (current.rows === current.missing) out.notes.push(current.rows ? 'all values missing in current' : 'current has no rows');
    return out;
  }
  return fromPair(pairStats(ref, cur, opts));
}

/** A NumericDrift from computed pair figures: p-value, normalised distance, and notes for what is absent. */
export function fromPair(s: PairStats): NumericDrift {
  const out: NumericDrift = { reference: s.reference, current: s.current, notes: [] };
  if (s.outOfRangeShare !== undefined) out.outOfRangeShare = s.outOfRangeShare;
  out.ks = ksPValue(s.ksStatistic, s.nRef, s.nCur);
  if (Number.isFinite(s.wasserstein)) {
    out.wasserstein = s.wasserstein;
    const norm = wassersteinNormed(s.wasserstein, s.reference.std);
    if (norm !== undefined) out.wassersteinNorm = norm;
    else out.notes.push(s.reference.std === undefined ? 'reference has no finite values: no normalised Wasserstein distance' : 'reference is constant: no normalised Wasserstein distance');
  } else out.notes.push('Wasserstein distance is infinite: the columns put different shares on ±Infinity');
  if (s.psi) out.psi = s.psi;
  else out.notes.push('reference has no finite values: no PSI');
  if (s.jensenShannon) out.jensenShannon = s.jensenShannon;
  else out.notes.push('no finite values on either side: no Jensen–Shannon distance');
  return out;
}

/** Whether a column has a non-missing value. */
function hasValue(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) return true;
  return false;
}
