// One column pair → every statistic (stats/ numericDrift, categoricalDrift), a histogram for display, the data
// quality figures, and a note when no test can be run (all missing, fewer than two values). A constant reference
// is reported (`constant`) so the check tests it with KS: the distances need a spread the reference lacks.
// Numbers never NaN: an undefined statistic is left out of `stats`.
import { categoricalDrift, type CodedColumn } from './stats/categorical';
import { numericDrift, type NumericDrift } from './stats/numericDrift';
import type { ColumnData, ColumnQuality, Histogram } from './types';

export interface PreparedPair {
  stats: Record<string, number>;
  histogram: Histogram;
  quality: ColumnQuality;
  /** Why no test can be run; the verdict is then not drift. */
  note?: string;
  /** Why some statistics are absent (from stats/). */
  notes: string[];
  /** Share of the reference held by categories the current data lacks (categorical). */
  lostShare?: number;
  /** The reference's only value when it is constant (numeric, finite): no normalised Wasserstein distance. */
  constant?: number;
  /** Distinct non-missing values over both sides (categorical): two or fewer take the Z-test. */
  distinct?: number;
}

/** Categories shown in a histogram; the rest are summed into one "(N others)" bar. */
export const HISTOGRAM_CATEGORIES = 30;
/** Longest new / missing category lists kept in a report. */
const CATEGORY_LIST = 100;

const pct = (v: number) => `${Number((v * 100).toFixed(1))} %`;
const show = (v: number) => String(Number(v.toPrecision(6)));
const finiteStats = (o: Record<string, number | undefined>) =>
  Object.fromEntries(Object.entries(o).filter((e): e is [string, number] => e[1] !== undefined && Number.isFinite(e[1])));

function tooFew(nRef: number, nCur: number): string | undefined {
  return nRef < 2 || nCur < 2 ? `too few values to test (reference ${nRef}, current ${nCur})` : undefined;
}

function numericPair(ref: Float64Array, cur: Float64Array, bins: number | undefined, pre?: NumericDrift): PreparedPair {
  const d = pre ?? numericDrift(ref, cur, { psi: { bins }, jensenShannon: { bins } });
  const share = (missing: number, rows: number) => (rows ? missing / rows : 0);
  const quality: ColumnQuality = {
    referenceMissingShare: share(d.reference.missing, d.reference.rows),
    currentMissingShare: share(d.current.missing, d.current.rows),
    alerts: [],
  };
  if (d.outOfRangeShare !== undefined) quality.outOfRangeShare = d.outOfRangeShare;
  const js = d.jensenShannon;
  const histogram: Histogram = js ? { kind: 'numeric', edges: js.edges, reference: js.reference, current: js.current } : { kind: 'numeric', edges: [], reference: [], current: [] };
  const stats = finiteStats({
    psi: d.psi?.value, ks: d.ks?.statistic, ks_pvalue: d.ks?.pValue, wasserstein: d.wasserstein, wasserstein_norm: d.wassersteinNorm, jensenshannon: js?.value,
  });
  const nRef = d.reference.rows - d.reference.missing;
  const nCur = d.current.rows - d.current.missing;
  const note = !nRef || !nCur ? d.notes[0] : tooFew(nRef, nCur);
  const { min, max } = d.reference;
  let constant: number | undefined;
  if (!note && min !== undefined && min === max && d.reference.infinite === 0) {
    constant = min;
    let differ = 0;
    for (let i = 0; i < cur.length; i++) if (cur[i] === cur[i] && cur[i] !== min) differ++;
    if (differ) quality.alerts.push(`the reference is constant (${show(min)}) but ${pct(differ / nCur)} of current values differ`);
  }
  return { stats, histogram, quality, note, notes: d.notes, ...(constant === undefined ? {} : { constant }) };
}

/** A numeric column as categories spelled String(v), ordered by value over both sides (so histograms read 0, 1, 2…). */
function coded(col: ColumnData, order: Map<number, string>): CodedColumn {
  if (col.kind === 'categorical') return col;
  const categories = [...order.values()];
  const index = new Map([...order.keys()].map((v, i) => [v, i]));
  return { categories, codes: Int32Array.from(col.values, v => (v === v ? index.get(v)! : -1)) };
}

function valueOrder(...cols: ColumnData[]): Map<number, string> {
  const values = new Set<number>();
  for (const c of cols) if (c.kind === 'numeric') for (const v of c.values) if (v === v) values.add(v);
  return new Map([...values].sort((a, b) => a - b).map(v => [v, String(v)]));
}

/** The histogram's categories: all when few, else the largest by either share plus one bar for the rest. */
function categoryHistogram(categories: string[], ref: number[], cur: number[]): Histogram {
  if (categories.length <= HISTOGRAM_CATEGORIES) return { kind: 'categorical', categories, reference: ref, current: cur };
  const top = categories.map((_, i) => i).sort((a, b) => Math.max(ref[b], cur[b]) - Math.max(ref[a], cur[a])).slice(0, HISTOGRAM_CATEGORIES - 1).sort((a, b) => a - b);
  const kept = new Set(top);
  const rest = (shares: number[]) => shares.reduce((s, v, i) => (kept.has(i) ? s : s + v), 0);
  return {
    kind: 'categorical',
    categories: [...top.map(i => categories[i]), `(${categories.length - top.length} others)`],
    reference: [...top.map(i => ref[i]), rest(ref)],
    current: [...top.map(i => cur[i]), rest(cur)],
  };
}

function categoricalPair(ref: ColumnData, cur: ColumnData): PreparedPair {
  const order = valueOrder(ref, cur);
  const d = categoricalDrift(coded(ref, order), coded(cur, order), { valueOrder: ref.kind === 'numeric' && cur.kind === 'numeric' });
  const quality: ColumnQuality = {
    referenceMissingShare: d.referenceMissingShare,
    currentMissingShare: d.currentMissingShare,
    newCategories: d.newCategories.slice(0, CATEGORY_LIST),
    missingCategories: d.missingCategories.slice(0, CATEGORY_LIST),
    alerts: [],
  };
  const missing = new Set(d.missingCategories);
  const lostShare = d.categories.reduce((s, c, i) => (missing.has(c) ? s + d.referenceShares[i] : s), 0);
  const stats = finiteStats({ psi: d.psi, chisquare: d.chi2?.statistic, chisquare_pvalue: d.chi2?.pValue, z: d.z?.statistic, z_pvalue: d.z?.pValue, jensenshannon: d.jensenShannon });
  const rows = (c: ColumnData) => (c.kind === 'numeric' ? c.values.length : c.codes.length);
  const nRef = Math.round(rows(ref) * (1 - d.referenceMissingShare));
  const nCur = Math.round(rows(cur) * (1 - d.currentMissingShare));
  const note = !nRef || !nCur ? d.notes[0] : tooFew(nRef, nCur);
  return { stats, histogram: categoryHistogram(d.categories, d.referenceShares, d.currentShares), quality, note, notes: d.notes, lostShare, distinct: d.categories.length };
}

/** Statistics of a column pair tested as `kind` (numeric needs both sides numeric). */
export function columnStats(ref: ColumnData, cur: ColumnData, kind: 'numeric' | 'categorical', bins?: number, pre?: NumericDrift): PreparedPair {
  if (kind === 'numeric' && ref.kind === 'numeric' && cur.kind === 'numeric') return numericPair(ref.values, cur.values, bins, pre);
  return categoricalPair(ref, cur);
}
