// Chi-square test of independence on a 2 × K table of counts (reference, current), scipy.stats.chi2_contingency
// with its defaults: expected = row sum × column sum / total, dof = K − 1, Yates' continuity correction when
// dof = 1 (each cell moved towards its expectation by at most 0.5), Pearson's statistic, p = chi2.sf(stat, dof).
// dof = 0 (one category) gives statistic 0 and p = 1, as SciPy does.
import { chi2Sf } from './gamma';

export interface Chi2Result {
  statistic: number;
  pValue: number;
  dof: number;
}

/**
 * Test of reference vs current counts per category. Every column must have a positive total (SciPy refuses
 * zero expectations); undefined when either row is all zeros or there are no columns.
 */
export function chi2Contingency(reference: ArrayLike<number>, current: ArrayLike<number>): Chi2Result | undefined {
  const k = reference.length;
  if (current.length !== k) throw new RangeError(`chi2Contingency: ${k} reference counts but ${current.length} current counts`);
  let r0 = 0;
  let r1 = 0;
  for (let j = 0; j < k; j++) {
    if (!(reference[j]! >= 0 && current[j]! >= 0)) throw new RangeError(`chi2Contingency: negative or missing count in column ${j}`);
    if (reference[j]! + current[j]! === 0) throw new RangeError(`chi2Contingency: column ${j} is empty on both sides`);
    r0 += reference[j]!;
    r1 += current[j]!;
  }
  if (!k || !r0 || !r1) return undefined;
  const dof = k - 1;
  if (dof === 0) return { statistic: 0, pValue: 1, dof };
  const total = r0 + r1;
  let stat = 0;
  for (let j = 0; j < k; j++) {
    const col = reference[j]! + current[j]!;
    for (const [obs, row] of [[reference[j]!, r0], [current[j]!, r1]] as const) {
      const exp = (row * col) / total;
      let o = obs;
      if (dof === 1) {
        const diff = exp - o;
        o += Math.min(0.5, Math.abs(diff)) * Math.sign(diff);
      }
      stat += ((o - exp) * (o - exp)) / exp;
    }
  }
  return { statistic: stat, pValue: chi2Sf(stat, dof), dof };
}
