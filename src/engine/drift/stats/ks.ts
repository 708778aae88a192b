// Two-sample Kolmogorov–Smirnov test, scipy.stats.ks_2samp(ref, cur) with its defaults (two-sided,
// method='auto'): exact p-value when both samples have at most 10,000 values, else Smirnov's asymptotic
// distribution via kstwo.sf(d, round(m·n/(m + n))). The exact paths are SciPy's: for m = n the alternating
// series of _compute_prob_outside_square, otherwise the lattice-path recursion of
// _compute_outer_prob_inside_method (Hodges 1958, in the 1 − p form of Viehmann 2021). As in SciPy, the exact
// path reports d rounded to the lattice, h / lcm(m, n).
import { kstwoSf } from './kolmogorov';
import { sortValues } from './sort';

export interface KsResult {
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymp';
}

const MAX_AUTO_N = 10_000;

/** NumPy's round-half-to-even. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff !== 0.5) return diff < 0.5 ? f : f + 1;
  return f % 2 === 0 ? f : f + 1;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** max |F₁ − F₂| over the pooled sample, from two ascending arrays (SciPy's cdf1 − cdf2 at every data point). */
export function ksStatisticSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let max = 0;
  let min = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < n1 && a[i] === v) i++;
    while (j < n2 && b[j] === v) j++;
    const d = i / n1 - j / n2;
    if (d > max) max = d;
    else if (d < min) min = d;
  }
  return Math.max(max, Math.min(1, -min));
}

/** Pr(D ≥ h/n) for two samples of equal size n (SciPy _compute_prob_outside_square). */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/** Share of lattice paths (0,0)→(m,n) that leave |x/m − y/n| < h/lcm (SciPy _compute_outer_prob_inside_method). */
function outerProbInside(m: number, n: number, g: number, h: number): number {
  if (m < n) [m, n] = [n, m];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1]!;
}

/** SciPy's _attempt_exact_2kssamp (two-sided): the lattice-rounded d and its exact p-value, or undefined. */
function exactTwoSided(n1: number, n2: number, g: number, d: number): { d: number; p?: number } {
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const dl = (h * 1.0) / lcm;
  if (h === 0) return { d: dl, p: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
  return p >= 0 && p <= 1 ? { d: dl, p } : { d: dl };
}

/** p-value of statistic d for sample sizes n1, n2 ≥ 1, choosing the method as ks_2samp(method='auto') does. */
export function ksPValue(d: number, n1: number, n2: number): KsResult {
  let method: KsResult['method'] = Math.max(n1, n2) <= MAX_AUTO_N ? 'exact' : 'asymp';
  let p = NaN;
  if (method === 'exact') {
    const r = exactTwoSided(n1, n2, gcd(n1, n2), d);
    d = r.d;
    if (r.p === undefined) method = 'asymp';
    else p = r.p;
  }
  if (method === 'asymp') {
    const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
    p = kstwoSf(roundHalfEven((m * n) / (m + n)), d);
  }
  return { statistic: d, pValue: Math.min(1, Math.max(0, p)), method };
}

/** KS test of two ascending samples; undefined when either is empty. */
export function ks2sampSorted(ref: Float64Array, cur: Float64Array): KsResult | undefined {
  if (!ref.length || !cur.length) return undefined;
  return ksPValue(ksStatisticSorted(ref, cur), ref.length, cur.length);
}

/**
 * scipy.stats.ks_2samp(ref, cur) after dropping NaN (missing); ±Infinity are ordinary extreme values, as in
 * SciPy. Undefined when either sample has no values left.
 */
export function ks2samp(ref: Float64Array, cur: Float64Array): KsResult | undefined {
  return ks2sampSorted(sortValues(ref).sorted, sortValues(cur).sorted);
}
