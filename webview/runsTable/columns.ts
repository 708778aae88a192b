// Runs-table columns: the fixed ones (name, status, start, duration) and one per chosen param/metric/tag.
// Column ids double as the MLflow order_by identifiers the host understands.
import type { RunSummary } from '../../src/shared/protocol';
import { formatDuration, formatNumber, formatTime, runDuration } from '../common/format';

export type Cell = number | string | undefined;
export interface Column {
  id: string;
  label: string;
  width: number;
  /** The value sorted on. */
  value(run: RunSummary): Cell;
  /** The text shown. */
  text(run: RunSummary): string;
  /** MLflow order_by identifier, if the server can sort on it. */
  orderBy?: string;
  kind: 'attribute' | 'param' | 'metric' | 'tag';
}

const duration = (r: RunSummary) => runDuration(r.startTime, r.endTime, r.status);

export const FIXED_COLUMNS: Column[] = [
  { id: 'name', label: 'Run name', width: 240, kind: 'attribute', orderBy: 'attributes.run_name', value: r => r.name, text: r => r.name || r.runId },
  { id: 'status', label: 'Status', width: 100, kind: 'attribute', orderBy: 'attributes.status', value: r => r.status, text: r => r.status },
  { id: 'start', label: 'Start', width: 160, kind: 'attribute', orderBy: 'attributes.start_time', value: r => r.startTime, text: r => formatTime(r.startTime) },
  { id: 'duration', label: 'Duration', width: 90, kind: 'attribute', orderBy: 'attributes.duration', value: duration, text: r => formatDuration(duration(r)) },
];
export const EXPERIMENT_COLUMN: Column = {
  id: 'experiment', label: 'Experiment', width: 160, kind: 'attribute', value: r => r.experimentName, text: r => r.experimentName,
};

/** Quotes a key for the filter/order_by grammar when it has characters a bare key cannot hold. */
export function quoteKey(key: string): string {
  return /^[\w.\-/:]+$/.test(key) ? key : `\`${key.replace(/[`\\]/g, c => `\\${c}`)}\``;
}

/** A column for `params.<key>`, `metrics.<key>` or `tags.<key>`. */
export function dataColumn(id: string): Column | undefined {
  const m = /^(params|metrics|tags)\.(.+)$/s.exec(id);
  if (!m) return undefined;
  const [, group, key] = m;
  const orderBy = `${group}.${quoteKey(key)}`;
  if (group === 'metrics') {
    return { id, label: key, width: 120, kind: 'metric', orderBy, value: r => r.metrics[key], text: r => formatNumber(r.metrics[key]) };
  }
  const pick = group === 'params' ? (r: RunSummary) => r.params[key] : (r: RunSummary) => r.tags[key];
  return { id, label: key, width: 130, kind: group === 'params' ? 'param' : 'tag', orderBy, value: pick, text: r => pick(r) ?? '' };
}

export interface Keys {
  params: string[];
  metrics: string[];
  tags: string[];
}
/** Every param, metric and tag key found in the runs, sorted. */
export function collectKeys(runs: RunSummary[]): Keys {
  const params = new Set<string>();
  const metrics = new Set<string>();
  const tags = new Set<string>();
  for (const r of runs) {
    for (const k in r.params) params.add(k);
    for (const k in r.metrics) metrics.add(k);
    for (const k in r.tags) tags.add(k);
  }
  const sorted = (s: Set<string>) => [...s].sort((a, b) => a.localeCompare(b));
  return { params: sorted(params), metrics: sorted(metrics), tags: sorted(tags) };
}

/** Default choice: the first few params and metrics. */
export function defaultColumns(keys: Keys): string[] {
  return [...keys.params.slice(0, 3).map(k => `params.${k}`), ...keys.metrics.slice(0, 4).map(k => `metrics.${k}`)];
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Sorts in place; missing values go last in both directions. */
export function sortRuns(runs: RunSummary[], column: Column, descending: boolean): void {
  const dir = descending ? -1 : 1;
  runs.sort((a, b) => {
    const x = column.value(a);
    const y = column.value(b);
    if (x === undefined || x === '') return y === undefined || y === '' ? 0 : 1;
    if (y === undefined || y === '') return -1;
    if (typeof x === 'number' && typeof y === 'number') return (x - y) * dir;
    const nx = Number(x);
    const ny = Number(y);
    if (Number.isFinite(nx) && Number.isFinite(ny)) return (nx - ny) * dir;
    return collator.compare(String(x), String(y)) * dir;
  });
}
