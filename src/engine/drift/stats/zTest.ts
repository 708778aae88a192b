// Evidently's two-proportion Z-test for a column with at most two values (its z_stat_test): with the values in
// order (ordered_keys = sorted distinct values of both sides), each row is 0 for the first value and 1 for the
// second; p1, p2 = the share of 1s in reference and current, P = the pooled share, z = (p1 − p2) /
// √(P(1 − P)(1/n1 + 1/n2)), two-sided p = 2·(1 − Φ(|z|)), computed as erfc(|z|/√2) so that small p-values keep their
// digits (SciPy's 2·norm.sf(|z|)). One value on both sides: z = 0, p = 1, as Evidently answers.
// erfc: the power series of erf below 0.5, else the continued fraction for erfc evaluated from its tail, times
// e^(−x²) with x² split so the exponent carries no rounding error; relative error below 1e-15.

export interface ZResult {
  /** Signed: reference share of the second value minus current share, in pooled standard errors. */
  statistic: number;
  pValue: number;
}

const EPS = 2.220446049250313e-16;
const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
/** erfc(x) is below the smallest subnormal double from here on. */
const UNDERFLOW = 27.3;

/** e^(−x²) without the rounding of x²: x = hi + lo with hi on 16 fraction bits, so hi² is exact. */
function expNegSquare(x: number): number {
  const hi = Math.floor(x * 65536) / 65536;
  const lo = x - hi;
  return Math.exp(-hi * hi) * Math.exp(-lo * (2 * hi + lo));
}

/** The complementary error function (scipy.special.erfc) for any real x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 0.5) {
    // erf(x) = 2/√π Σ (−1)ⁿ x^(2n+1) / (n! (2n + 1)); the terms shrink at once for x < 0.5.
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) <= Math.abs(sum) * EPS * 0.5) break;
    }
    return 1 - TWO_OVER_SQRT_PI * sum;
  }
  if (x >= UNDERFLOW) return 0;
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + (2/2)/(x + (3/2)/(x + …)))), from enough terms that the rest is
  // below rounding (about 300/x² terms; 1,220 at x = 0.5), evaluated backwards, which keeps the error at a few ulp.
  const terms = Math.ceil(300 / (x * x)) + 20;
  let t = x;
  for (let n = terms; n >= 1; n--) t = x + n / 2 / t;
  return (expNegSquare(x) * ONE_OVER_SQRT_PI) / t;
}

/** Two-sided p-value of a standard normal statistic: 2·(1 − Φ(|z|)) = erfc(|z|/√2). */
export function normalTwoSidedP(z: number): number {
  return erfc(Math.abs(z) * Math.SQRT1_2);
}

/**
 * The test on counts per value in value order (index 0 = the first of the sorted values), one or two values.
 * Undefined when either side has no values or there are more than two values.
 */
export function twoProportionZ(reference: ArrayLike<number>, current: ArrayLike<number>): ZResult | undefined {
  const k = reference.length;
  if (current.length !== k) throw new RangeError(`twoProportionZ: ${k} reference counts but ${current.length} current counts`);
  if (k < 1 || k > 2) return undefined;
  const n1 = k === 1 ? reference[0]! : reference[0]! + reference[1]!;
  const n2 = k === 1 ? current[0]! : current[0]! + current[1]!;
  if (!(n1 > 0 && n2 > 0)) return undefined;
  if (k === 1) return { statistic: 0, pValue: 1 };
  const p1 = reference[1]! / n1;
  const p2 = current[1]! / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  // P is 0 or 1 only when one value holds every row on both sides: nothing to compare.
  if (!(variance > 0)) return { statistic: 0, pValue: 1 };
  const statistic = (p1 - p2) / Math.sqrt(variance);
  return { statistic, pValue: normalTwoSidedP(statistic) };
}
