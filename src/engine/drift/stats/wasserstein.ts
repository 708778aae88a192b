// First Wasserstein distance between two samples, scipy.stats.wasserstein_distance(u, v) = ∫ |F_u − F_v| dx,
// summed between consecutive pooled values as SciPy does. ±Infinity: SciPy answers inf or nan; here a gap of
// infinite length counts only where the two CDFs differ — the distance is Infinity if the samples put different
// shares on +Infinity (or on −Infinity), otherwise the integral over the finite part.
import { sortValues } from './sort';

/** ∫ |F₁ − F₂| of two ascending NaN-free non-empty samples. */
export function wassersteinSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let sum = 0;
  let comp = 0;
  let prev = NaN;
  let diff = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    if (diff !== 0) {
      const t = Math.abs(diff) * (v - prev);
      if (!Number.isFinite(t)) return Infinity;
      const s = sum + t;
      comp += sum >= t ? sum - s + t : t - s + sum;
      sum = s;
    }
    while (i < n1 && a[i] === v) i++;
    while (j < n2 && b[j] === v) j++;
    diff = i / n1 - j / n2;
    prev = v;
  }
  return sum + comp;
}

/** wasserstein_distance of two columns (NaN = missing, dropped); undefined if either has no values. */
export function wasserstein(ref: Float64Array, cur: Float64Array): number | undefined {
  const a = sortValues(ref).sorted;
  const b = sortValues(cur).sorted;
  return a.length && b.length ? wassersteinSorted(a, b) : undefined;
}

/**
 * Wasserstein distance divided by the reference standard deviation (np.std, ddof=0) — Evidently's normed
 * variant. Undefined when the distance is undefined or infinite or the reference is constant (std = 0).
 */
export function wassersteinNormed(distance: number | undefined, refStd: number | undefined): number | undefined {
  if (distance === undefined || !Number.isFinite(distance) || !refStd || !Number.isFinite(refStd)) return undefined;
  return distance / refStd;
}
