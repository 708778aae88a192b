// One-sided Smirnov distribution: smirnovSf(n, x) = P(Dn⁺ ≥ x), scipy.special.smirnov (xsf cephes kolmogorov.h).
// The same case split as SciPy: x ≤ 1/n and x ≥ 1 − 1/n in closed form, n > 10⁶ by Miller's approximation,
// otherwise the Birnbaum–Tingey sum
//     P(Dn⁺ ≥ x) = x · Σ_{v=0}^{⌈n(1−x)⌉−1} C(n, v) (1 − x − v/n)^(n−v) (x + v/n)^(v−1)
// (or its short upper tail when that has at most three terms and x is small). SciPy sums in double-double; here
// each term is built in log space with the exponent accumulated as a (hi, lo) pair, which keeps the relative
// error near 1e-12 for n up to 10⁶ (test/fixtures/drift/special.json).

const MIN_LOG = -7.08396418532264106224e2;
const MAX_COMPUTE_N = 1_000_000;
const EPS = 2.220446049250313e-16;
const SPLITTER = 134217729; // 2^27 + 1

/** a · b = p + e exactly (Dekker/Veltkamp; no FMA in JavaScript). */
function twoProd(a: number, b: number): [number, number] {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

/** n·x split exactly into ⌊n·x⌋ and the fractional part α ∈ [0, 1) (cephes modNX). */
function modNX(n: number, x: number): { nxFloor: number; alpha: number } {
  const [p, e] = twoProd(n, x);
  let nxFloor: number;
  let alpha: number;
  const f = Math.floor(p);
  if (f === p) {
    const fe = Math.floor(e);
    nxFloor = p + fe;
    alpha = e - fe;
  } else {
    nxFloor = f;
    alpha = p - f + e;
  }
  if (alpha >= 1) {
    nxFloor += 1;
    alpha = 0;
  }
  return { nxFloor, alpha };
}

/** a = hi + lo with hi holding the top 26 bits, so that k·hi and k·lo are exact for an integer k < 2^26. */
function splitHi(a: number): number {
  const t = SPLITTER * a;
  return t - (t - a);
}

/**
 * One term C(n, v) · t2^(n−v) · t1^(v−1) with its sign, t1 = x + v/n and t2 = 1 − x − v/n formed from ⌊nx⌋ and α
 * so that neither loses relative precision. exp of a log assembled exactly from parts: log C(n, v) given as
 * (cHi, cLo), each k·log(t) split so that the products are exact.
 */
function exactTerm(n: number, v: number, nxFloor: number, alpha: number, cHi: number, cLo: number): number {
  const t1 = (nxFloor + v + alpha) / n;
  const t2 = (n - v - nxFloor - alpha) / n;
  let hi = cHi;
  let lo = cLo;
  let s: number;
  let bb: number;
  let negative = false;
  const k2 = n - v;
  if (k2 > 0) {
    if (t2 === 0) return 0;
    const l2 = t1 < 0.5 ? Math.log1p(-t1) : Math.log(Math.abs(t2));
    const h = splitHi(l2);
    const p = k2 * h;
    lo += k2 * (l2 - h);
    s = hi + p;
    bb = s - hi;
    lo += hi - (s - bb) + (p - bb);
    hi = s;
    negative = t2 < 0 && k2 % 2 === 1;
  }
  const k1 = v - 1;
  if (k1 !== 0) {
    const l1 = Math.log(t1);
    const h = splitHi(l1);
    const p = k1 * h;
    lo += k1 * (l1 - h);
    s = hi + p;
    bb = s - hi;
    lo += hi - (s - bb) + (p - bb);
    hi = s;
  }
  // lo holds the exact low products (up to ~1e-2): fold it into hi before exponentiating
  s = hi + lo;
  bb = s - hi;
  lo = hi - (s - bb) + (lo - bb);
  return Math.exp(s) * (1 + lo) * (negative ? -1 : 1);
}

const THIRD = 1 / 3;
const SIXTH = 1 / 6;

/** log1p(y) by its series, for |y| ≤ 2⁻¹⁰ (error < 1e-21). */
function series(y: number): number {
  return y * (1 - y * (0.5 - y * (THIRD - y * (0.25 - y * (0.2 - y * SIXTH)))));
}

/** exp(d) by its series when |d| ≤ 2⁻¹⁰, else Math.exp. */
function expSmall(d: number): number {
  if (Math.abs(d) > 0.0009765625) return Math.exp(d);
  return 1 + d * (1 + d * 0.5 * (1 + d * THIRD * (1 + d * 0.25 * (1 + d * 0.2 * (1 + d * SIXTH)))));
}

/** Terms between exact ones in the long lower sum; each exact term re-anchors the recurrences. */
const BLOCK = 64;
/** Steps need every 1/denominator below 2⁻¹⁰ for the short series. */
const MIN_DEN = 1024;

/** The terms of the upper tail, v = n − 1, n − 2, … (at most three: SciPy uses it only then), plus `first`. */
function upperSum(n: number, nxFloor: number, alpha: number, nTerms: number, first: number): number {
  let cHi = 0;
  let cLo = 0;
  let sum = first;
  for (let j = 1; j < nTerms; j++) {
    const inc = Math.log((n - j + 1) / j); // C(n, n − j) = C(n, j)
    const s = cHi + inc;
    const bb = s - cHi;
    cLo += cHi - (s - bb) + (inc - bb);
    cHi = s;
    const a = exactTerm(n, n - j, nxFloor, alpha, cHi, cLo);
    if (Number.isFinite(a)) sum += a;
    if (4 * (nTerms - j) * Math.abs(a) < EPS * Math.abs(sum) && j !== nTerms - 1) break;
  }
  return sum;
}

/**
 * The lower sum: `first` (v = 0) plus the terms v = 1 … nTerms − 1, stopping as SciPy does once the remaining
 * terms cannot matter. Near its ends, and at every BLOCK-th v, a term is computed exactly (exactTerm); in between
 * — nearly all of a sum of up to 10⁶ terms — by the ratio to its predecessor,
 *   log(A_{v+1}/A_v) = log((n−v)/(v+1)) + (n−v−1)·log1p(−1/(n·t2)) − log t2 + v·log1p(1/(n·t1)) + log t1,
 * whose logs follow short series recurrences: no transcendental call per term; ~1e-11 relative overall.
 */
function lowerSum(n: number, nxFloor: number, alpha: number, nTerms: number, first: number): number {
  let cHi = 0; // log C(n, v) as hi + lo
  let cLo = 0;
  let sum = first;
  let comp = 0; // compensation (Knuth's two-sum, branch-free)
  const half = Math.floor(n / 2);
  const stepFrom = MIN_DEN + 1; // u = v − 1 ≥ MIN_DEN
  const stepTo = n - nxFloor - MIN_DEN - 1; // n − u − ⌊nx⌋ − α ≥ MIN_DEN
  let a = 0;
  let lNum = 0; // log(n − v + 1), log v, log t1, log t2 at the current v
  let lDen = 0;
  let lt1 = 0;
  let lt2 = 0;
  let untilExact = 0; // steps left before the next exact term
  const box = new Float64Array(1);
  for (let v = 1; v < nTerms; v++) {
    let inc: number;
    const exact = v < stepFrom || v >= stepTo || untilExact === 0;
    untilExact = exact ? BLOCK - 1 : untilExact - 1;
    if (exact) {
      inc = Math.log((n - v + 1) / v);
      lNum = Math.log(n - v + 1);
      lDen = Math.log(v);
      lt1 = Math.log((nxFloor + v + alpha) / n);
      lt2 = Math.log((n - v - nxFloor - alpha) / n);
    } else {
      const u = v - 1;
      const g1 = series(1 / (nxFloor + u + alpha));
      const g2 = series(-1 / (n - u - nxFloor - alpha));
      lNum += series(-1 / (n - u + 1));
      lDen += series(1 / u);
      inc = lNum - lDen;
      a *= expSmall(inc + (n - u - 1) * g2 - lt2 + u * g1 + lt1);
      lt1 += g1;
      lt2 += g2;
    }
    let s = cHi + inc;
    let bb = s - cHi;
    cLo += cHi - (s - bb) + (inc - bb);
    cHi = s;
    if (exact) {
      // through a Float64Array so that V8 keeps `a` an unboxed double (a call result would make it a heap number)
      box[0] = exactTerm(n, v, nxFloor, alpha, cHi, cLo);
      a = box[0]!;
    }
    s = sum + a;
    bb = s - sum;
    comp += sum - (s - bb) + (a - bb);
    sum = s;
    if (a !== 0) {
      if (4 * (nTerms - v) * a < EPS * sum && v !== nTerms - 1) break;
    } else if (v > half) break;
  }
  return sum + comp;
}

/** P(Dn⁺ ≥ x) for integer n ≥ 1 and 0 ≤ x ≤ 1; NaN outside that domain. */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && Number.isInteger(n) && x >= 0 && x <= 1)) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const { nxFloor, alpha } = modNX(n, x);
  let lowerLast = n - nxFloor - (alpha === 0 ? 0 : 1);
  let upperFirst = n - nxFloor;
  if (alpha === 0) {
    lowerLast -= 1;
    upperFirst += 1;
  }
  if (nxFloor === 0 || (nxFloor === 1 && alpha === 0)) return clamp(1 - x * Math.exp((n - 1) * Math.log1p(x)));
  if (-2 * n * x * x < MIN_LOG) return 0;
  if (nxFloor >= n - 1) return clamp(Math.exp(n * Math.log1p(-x)));
  if (n > MAX_COMPUTE_N) {
    const logp = -Math.pow(6 * n * x + 1, 2) / 18 / n;
    return clamp(logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp));
  }
  const upperTerms = n - upperFirst + 1;
  const useUpper = (upperTerms <= 1 && x < 0.5) || (n >= 10 && upperTerms <= 3 && x <= 0.5 / Math.sqrt(n));
  const prob = useUpper
    ? x * upperSum(n, nxFloor, alpha, n - upperFirst + 1, Math.exp((n - 1) * Math.log1p(x)))
    : x * lowerSum(n, nxFloor, alpha, lowerLast + 1, Math.exp(n * Math.log1p(-x)) / x);
  return clamp(useUpper ? 1 - prob : prob);
}

function clamp(p: number): number {
  return Math.min(1, Math.max(0, p));
}
