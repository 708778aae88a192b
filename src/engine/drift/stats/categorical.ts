// Categorical drift: both sides' codes mapped onto the categories seen on either side (reference order, then
// new ones in current order; categories that occur on neither side are left out), then chi-square
// (chi2.ts), PSI over category shares (empty shares → eps), Jensen–Shannon over the counts and, for at most two
// categories, the two-proportion Z-test (zTest.ts) with the values in order. Code −1 = missing.
import { chi2Contingency, type Chi2Result } from './chi2';
import { jensenShannonDistance } from './jensenShannon';
import { psiFromShares, PSI_EPS } from './psi';
import { twoProportionZ, type ZResult } from './zTest';

export interface AlignedCategories {
  /** Categories that occur on at least one side. */
  categories: string[];
  reference: Float64Array;
  current: Float64Array;
  referenceMissing: number;
  currentMissing: number;
}

export interface CategoricalDrift {
  categories: string[];
  /** Counts / non-missing count, per category. */
  referenceShares: number[];
  currentShares: number[];
  referenceMissingShare: number;
  currentMissingShare: number;
  chi2?: Chi2Result;
  /** Two-proportion Z-test, when at most two categories occur. */
  z?: ZResult;
  psi?: number;
  jensenShannon?: number;
  /** Seen in current, never in reference. */
  newCategories: string[];
  /** Seen in reference, never in current. */
  missingCategories: string[];
  notes: string[];
}

/** Counts per common category for two coded columns; a code outside [−1, categories) is an error. */
export function alignCategories(refCodes: Int32Array, refCategories: readonly string[], curCodes: Int32Array, curCategories: readonly string[]): AlignedCategories {
  const order = new Map<string, number>();
  for (const c of [...refCategories, ...curCategories]) if (!order.has(c)) order.set(c, order.size);
  const count = (codes: Int32Array, cats: readonly string[], side: string) => {
    const map = cats.map(c => order.get(c)!);
    const counts = new Float64Array(order.size);
    let missing = 0;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i]!;
      if (c === -1) missing++;
      else if (c >= 0 && c < map.length) counts[map[c]!]!++;
      else throw new RangeError(`${side} row ${i}: category code ${c} outside [-1, ${map.length - 1}]`);
    }
    return { counts, missing };
  };
  const r = count(refCodes, refCategories, 'reference');
  const c = count(curCodes, curCategories, 'current');
  const keep = [...order.keys()].map((name, i) => ({ name, i })).filter(({ i }) => r.counts[i]! > 0 || c.counts[i]! > 0);
  return {
    categories: keep.map(k => k.name),
    reference: Float64Array.from(keep, k => r.counts[k.i]!),
    current: Float64Array.from(keep, k => c.counts[k.i]!),
    referenceMissing: r.missing,
    currentMissing: c.missing,
  };
}

export interface CodedColumn {
  codes: Int32Array;
  categories: readonly string[];
}

/** Python's order of strings, code point by code point (JavaScript's `<` compares UTF-16 units: not above U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  for (let i = 0; i < a.length && i < b.length;) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

/**
 * `valueOrder`: the categories are already in the order of their values (numbers spelled as text); otherwise the
 * Z-test orders them as text.
 */
export function categoricalDrift(ref: CodedColumn, cur: CodedColumn, opts: { eps?: number; valueOrder?: boolean } = {}): CategoricalDrift {
  const a = alignCategories(ref.codes, ref.categories, cur.codes, cur.categories);
  const nRef = ref.codes.length - a.referenceMissing;
  const nCur = cur.codes.length - a.currentMissing;
  const out: CategoricalDrift = {
    categories: a.categories,
    referenceShares: Array.from(a.reference, c => (nRef ? c / nRef : 0)),
    currentShares: Array.from(a.current, c => (nCur ? c / nCur : 0)),
    referenceMissingShare: ref.codes.length ? a.referenceMissing / ref.codes.length : 0,
    currentMissingShare: cur.codes.length ? a.currentMissing / cur.codes.length : 0,
    newCategories: a.categories.filter((_, i) => a.current[i]! > 0 && a.reference[i] === 0),
    missingCategories: a.categories.filter((_, i) => a.reference[i]! > 0 && a.current[i] === 0),
    notes: [],
  };
  if (!nRef || !nCur) {
    if (!nRef) out.notes.push(ref.codes.length ? 'all values missing in reference' : 'reference has no rows');
    if (!nCur) out.notes.push(cur.codes.length ? 'all values missing in current' : 'current has no rows');
    return out;
  }
  out.chi2 = chi2Contingency(a.reference, a.current);
  if (a.categories.length <= 2) {
    const swap = a.categories.length === 2 && !opts.valueOrder && compareCodePoints(a.categories[0]!, a.categories[1]!) > 0;
    const ordered = (counts: Float64Array) => (swap ? [counts[1]!, counts[0]!] : Array.from(counts));
    out.z = twoProportionZ(ordered(a.reference), ordered(a.current));
  }
  out.psi = psiFromShares(out.referenceShares, out.currentShares, opts.eps ?? PSI_EPS);
  out.jensenShannon = jensenShannonDistance(Array.from(a.reference), Array.from(a.current));
  return out;
}
