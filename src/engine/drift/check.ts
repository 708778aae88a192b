// The drift check: compares a current data set with a reference column by column — schema and volume changes,
// one test per column deciding the verdict (chosen as Evidently does unless configured), every other statistic
// for display, data quality (missing values, out-of-range values, new and lost categories) — and the data-set
// verdict. Never NaN in a verdict: a column without a computable statistic gets a note and no drift.
// Data-quality alerts count like drift (`alert`); settings that could not be applied as written are `warnings`.
import { invalid } from '../errors';
import { columnStats } from './columnStats';
import { numericDriftAll } from './stats/driftPool';
import type { NumericDrift } from './stats/numericDrift';
import { thresholdProblem } from './monitors';
import { schemaChanges } from './schema';
import { P_VALUE_TESTS, type ColumnData, type ColumnReport, type ColumnSettings, type Dataset, type DriftReport, type SchemaChanges, type StatTest } from './types';

export interface CompareOptions {
  /** Only these columns (default: every column both data sets have). */
  columns?: string[];
  /** Per-column settings, by column name. */
  settings?: Record<string, ColumnSettings>;
  /** Settings for every column (a column's own settings win, key by key). */
  defaults?: ColumnSettings;
  /** Data-set drift when at least this share of the compared columns drifts; default: any drifted column. */
  driftShare?: number;
  /** Alert when the row count changes by more than this share either way (default 0.5 = ±50 %); false: never. */
  maxVolumeChange?: number | false;
  /** The report's createdAt (default Date.now()). */
  now?: number;
}

/** Evidently's defaults: p-value tests at 0.05 (95 % confidence), distances at 0.1. */
export const DEFAULT_THRESHOLDS: Record<StatTest, number> = { ks: 0.05, chisquare: 0.05, z: 0.05, wasserstein: 0.1, jensenshannon: 0.1, psi: 0.1 };
export const DEFAULT_MAX_MISSING = 0.05;
export const DEFAULT_MAX_VOLUME_CHANGE = 0.5;
/** Reference rows up to which the automatic choice takes a p-value test (Evidently: ≤ 1000 objects). */
export const SMALL_REFERENCE = 1000;
/** Numeric columns with at most this many distinct values are tested as categories (Evidently: n_unique ≤ 5). */
export const FEW_UNIQUES = 5;
/** Columns with at most this many distinct values take the Z-test on a small reference (Evidently: n_unique ≤ 2). */
export const BINARY = 2;
const OUT_OF_RANGE_ALERT = 0.05;
const LOST_CATEGORIES_ALERT = 0.05;
const SEVERITY_CAP = 100;
const NUMERIC_TESTS: readonly StatTest[] = ['ks', 'wasserstein', 'psi', 'jensenshannon'];
const CATEGORICAL_TESTS: readonly StatTest[] = ['chisquare', 'z', 'jensenshannon', 'psi'];

const pct = (v: number) => `${Number((v * 100).toFixed(1))} %`;
const show = (v: number) => String(Number(v.toPrecision(6)));
const listed = (xs: string[]) => (xs.length > 5 ? `${xs.slice(0, 5).join(', ')} … (${xs.length})` : xs.join(', '));

/**
 * The test Evidently would choose: by column kind, the reference's size and (categories) the distinct values over
 * both sides — two or fewer take the Z-test on a small reference. A constant numeric reference then takes KS.
 */
export function automaticTest(kind: 'numeric' | 'categorical', referenceRows: number, distinct = Infinity): StatTest {
  const small = referenceRows <= SMALL_REFERENCE;
  if (kind === 'numeric') return small ? 'ks' : 'wasserstein';
  return small ? (distinct <= BINARY ? 'z' : 'chisquare') : 'jensenshannon';
}

/** Distinct non-missing values of numeric columns, counted across both, up to `limit` + 1. */
function fewUniques(a: Float64Array, b: Float64Array, limit: number): boolean {
  const seen = new Set<number>();
  for (const arr of [a, b]) {
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (v === v && !seen.has(v)) { seen.add(v); if (seen.size > limit) return false; }
    }
  }
  return true;
}

interface Decided { test: StatTest; threshold: number; warnings: string[] }

/**
 * The column's test and threshold: its settings, the defaults, else the automatic choice; misfits fall back with
 * a warning. `forced` overrides the choice (KS for a constant reference, where the distances are undefined).
 */
function decide(kind: 'numeric' | 'categorical', s: ColumnSettings, fromDefaults: ColumnSettings, referenceRows: number, distinct?: number, forced?: StatTest): Decided {
  const warnings: string[] = [];
  const applicable = kind === 'numeric' ? NUMERIC_TESTS : CATEGORICAL_TESTS;
  const fits = (t: StatTest) => applicable.includes(t) && (t !== 'z' || (distinct ?? Infinity) <= BINARY);
  let test = forced ?? automaticTest(kind, referenceRows, distinct);
  const wanted = s.test ?? fromDefaults.test;
  if (!forced && wanted && fits(wanted)) test = wanted;
  else if (!forced && wanted && s.test) {
    warnings.push(kind === 'categorical' && wanted === 'z'
      ? `test 'z' applies to columns with at most ${BINARY} values (this one has ${distinct}); used ${test}`
      : `test '${wanted}' does not apply to a ${kind} column${wanted === 'chisquare' ? ' (set categorical: true)' : ''}; used ${test}`);
  }
  // A threshold applies to the test it was set with (or to any test when its settings name none).
  const own = s.test === undefined || s.test === test ? s.threshold : undefined;
  const dflt = fromDefaults.test === undefined || fromDefaults.test === test ? fromDefaults.threshold : undefined;
  let threshold = own ?? dflt ?? DEFAULT_THRESHOLDS[test];
  const problem = thresholdProblem(test, threshold);
  if (problem) {
    warnings.push(`${problem}; used ${DEFAULT_THRESHOLDS[test]}`);
    threshold = DEFAULT_THRESHOLDS[test];
  }
  return { test, threshold, warnings };
}

function compareColumn(ref: ColumnData, cur: ColumnData, s: ColumnSettings, referenceRows: number, defaults: ColumnSettings, pre?: NumericDrift): ColumnReport {
  const settings = { ...defaults, ...s };
  // Mixed kinds (a number column that turned text) and few-valued numbers (unless a test other than z is set) are
  // compared as categories.
  const wanted = s.test ?? defaults.test;
  const categorical = ref.kind === 'categorical' || cur.kind === 'categorical' || settings.categorical === true
    || ((wanted === undefined || wanted === 'z') && fewUniques(ref.kind === 'numeric' ? ref.values : new Float64Array(), cur.kind === 'numeric' ? cur.values : new Float64Array(), FEW_UNIQUES));
  const kind = categorical ? 'categorical' : 'numeric';
  const { stats, histogram, quality, note, notes, lostShare, constant, distinct } = columnStats(ref, cur, kind, settings.bins, pre);
  let decided = decide(kind, s, defaults, referenceRows, distinct);
  // A constant reference has no spread (no normalised Wasserstein distance, collapsed quantile bins): KS decides.
  if (constant !== undefined && decided.test !== 'ks') {
    const configured = (s.test ?? defaults.test) !== undefined;
    const forced = decide(kind, s, defaults, referenceRows, distinct, 'ks');
    const why = `the reference is constant (${show(constant)}): ${decided.test} does not apply; used ks`;
    decided = { ...forced, warnings: [...new Set([...decided.warnings, ...(configured ? [why] : []), ...forced.warnings])] };
  }
  const { test, threshold, warnings } = decided;
  const extra = warnings.length ? { warnings } : {};
  const maxMissing = settings.maxMissingShare ?? DEFAULT_MAX_MISSING;
  if (quality.currentMissingShare > maxMissing) quality.alerts.push(`missing ${pct(quality.currentMissingShare)} > ${pct(maxMissing)} (reference ${pct(quality.referenceMissingShare)})`);
  if ((quality.outOfRangeShare ?? 0) > OUT_OF_RANGE_ALERT) quality.alerts.push(`${pct(quality.outOfRangeShare!)} of current values outside the reference range`);
  if (quality.newCategories?.length) quality.alerts.push(`new categories: ${listed(quality.newCategories)}`);
  if ((lostShare ?? 0) >= LOST_CATEGORIES_ALERT) quality.alerts.push(`categories not seen in current (${pct(lostShare!)} of reference): ${listed(quality.missingCategories!)}`);
  const statKey = test === 'wasserstein' ? 'wasserstein_norm' : test;
  const statistic = stats[statKey];
  const pValue = P_VALUE_TESTS.includes(test) ? stats[`${test}_pvalue`] : undefined;
  const decisive = P_VALUE_TESTS.includes(test) ? pValue : statistic;
  const why = note ?? (decisive === undefined || !Number.isFinite(decisive) ? notes.join('; ') || `${test} is undefined for these values` : undefined);
  if (why) {
    return { column: ref.name, kind, verdict: { test, statistic: 0, threshold, drift: false }, stats, quality, histogram, severity: 0, note: why, ...extra };
  }
  const drift = P_VALUE_TESTS.includes(test) ? pValue! < threshold : statistic > threshold;
  const severity = P_VALUE_TESTS.includes(test) ? Math.min(SEVERITY_CAP, threshold / Math.max(pValue!, threshold / SEVERITY_CAP)) : Math.min(SEVERITY_CAP, statistic / threshold);
  return {
    column: ref.name, kind, verdict: { test, statistic: statistic ?? 0, ...(pValue === undefined ? {} : { pValue }), threshold, drift },
    stats, quality, histogram, severity, ...extra,
  };
}

interface Plan { schema: SchemaChanges; names: string[]; alerts: string[]; warnings: string[]; settings: Record<string, ColumnSettings>; defaults: ColumnSettings }

function plan(reference: Dataset, current: Dataset, opts: CompareOptions): Plan {
  const schema = schemaChanges(reference, current);
  const refCols = new Set(reference.columns.map(c => c.name));
  const curCols = new Set(current.columns.map(c => c.name));
  const alerts: string[] = [];
  let names: string[];
  if (opts.columns?.length) {
    const unknown = opts.columns.filter(c => !refCols.has(c) && !curCols.has(c));
    if (unknown.length) throw invalid(`no column ${unknown.map(c => `'${c}'`).join(', ')} in the reference or the current data (columns: ${listed(reference.columns.map(c => c.name))})`);
    names = [...new Set(opts.columns)];
    for (const c of names) {
      if (!refCols.has(c)) alerts.push(`${c}: not in the reference (${reference.source})`);
      else if (!curCols.has(c)) alerts.push(`${c}: not in the current data (${current.source})`);
    }
    names = names.filter(c => refCols.has(c) && curCols.has(c));
  } else {
    names = reference.columns.map(c => c.name).filter(c => curCols.has(c));
    for (const c of schema.removed) alerts.push(`${c}: column removed in the current data`);
  }
  const settings = opts.settings ?? {};
  const warnings = Object.keys(settings).filter(c => !refCols.has(c) && !curCols.has(c)).map(c => `${c}: settings for a column neither data set has`);
  const defaults = opts.defaults ?? {};
  if (!reference.rows) alerts.push(`the reference (${reference.source}) has no rows`);
  if (!current.rows) alerts.push(`the current data (${current.source}) has no rows`);
  return { schema, names: names.filter(n => !(settings[n]?.ignore ?? defaults.ignore)), alerts, warnings, settings, defaults };
}

function column(reference: Dataset, current: Dataset, p: Plan, name: string, pre?: NumericDrift): ColumnReport {
  const find = (d: Dataset) => d.columns.find(c => c.name === name)!;
  return compareColumn(find(reference), find(current), p.settings[name] ?? {}, reference.rows, p.defaults, pre);
}

/** Numeric column pairs with default bins, computed up front on every core (driftPool); the rest stay inline. */
async function precompute(reference: Dataset, current: Dataset, p: Plan): Promise<Map<string, NumericDrift>> {
  const pairs: { name: string; ref: Float64Array; cur: Float64Array }[] = [];
  for (const name of p.names) {
    const r = reference.columns.find(c => c.name === name);
    const c = current.columns.find(x => x.name === name);
    const s = { ...p.defaults, ...p.settings[name] };
    if (r?.kind === 'numeric' && c?.kind === 'numeric' && s.bins === undefined && s.categorical !== true) pairs.push({ name, ref: r.values, cur: c.values });
  }
  if (pairs.length < 2) return new Map();
  const results = await numericDriftAll(pairs.map(({ ref, cur }) => ({ ref, cur })));
  return new Map(pairs.map((x, i) => [x.name, results[i]!]));
}

function finish(reference: Dataset, current: Dataset, opts: CompareOptions, p: Plan, columns: ColumnReport[]): DriftReport {
  columns.sort((a, b) => b.severity - a.severity || a.column.localeCompare(b.column));
  const driftedColumns = columns.filter(c => c.verdict.drift).map(c => c.column);
  const compared = columns.filter(c => !c.note).length;
  const drift = opts.driftShare === undefined ? driftedColumns.length > 0 : compared > 0 && driftedColumns.length / compared >= opts.driftShare;
  const volume = { reference: reference.rows, current: current.rows, change: reference.rows ? current.rows / reference.rows - 1 : 0 };
  const alerts = [...p.alerts];
  const maxVolume = opts.maxVolumeChange ?? DEFAULT_MAX_VOLUME_CHANGE;
  // An empty side has its own alert (plan); the volume alert is for a count that changed too much.
  if (maxVolume !== false && reference.rows && current.rows && Math.abs(volume.change) > maxVolume) {
    alerts.push(`volume ${volume.change > 0 ? '+' : ''}${pct(volume.change)}: ${current.rows} row${current.rows === 1 ? '' : 's'} against ${reference.rows} in the reference (alert beyond ±${pct(maxVolume)})`);
  }
  const checked = new Set(p.names);
  for (const x of p.schema.retyped) if (checked.has(x.column)) alerts.push(`${x.column}: type changed from ${x.from} to ${x.to}`);
  const warnings = [...p.warnings];
  for (const c of columns) {
    for (const a of c.quality.alerts) alerts.push(`${c.column}: ${a}`);
    for (const w of c.warnings ?? []) warnings.push(`${c.column}: ${w}`);
  }
  return {
    reference: { source: reference.source, rows: reference.rows },
    current: { source: current.source, rows: current.rows },
    createdAt: opts.now ?? Date.now(),
    columns, schema: p.schema, volume,
    driftedColumns, drift, qualityAlerts: alerts, warnings, alert: drift || alerts.length > 0,
  };
}

/** Compares `current` with `reference`; unknown columns in `columns` are an error (INVALID_PARAMETER_VALUE). */
export function compareDatasets(reference: Dataset, current: Dataset, opts: CompareOptions = {}): DriftReport {
  const p = plan(reference, current, opts);
  return finish(reference, current, opts, p, p.names.map(n => column(reference, current, p, n)));
}

/** compareDatasets, giving the event loop a turn between columns (the server stays responsive on wide data). */
export async function compareDatasetsAsync(reference: Dataset, current: Dataset, opts: CompareOptions & { signal?: AbortSignal } = {}): Promise<DriftReport> {
  const p = plan(reference, current, opts);
  const pre = await precompute(reference, current, p);
  const columns: ColumnReport[] = [];
  for (const n of p.names) {
    await new Promise(resolve => setImmediate(resolve));
    opts.signal?.throwIfAborted();
    columns.push(column(reference, current, p, n, pre.get(n)));
  }
  return finish(reference, current, opts, p, columns);
}
