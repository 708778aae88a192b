// Reading params and metrics of runs by column id ("params.<key>" / "metrics.<key>").
import type { RunSummary } from '../../src/shared/protocol';
import { asNumber } from '../common/format';

export interface Field {
  id: string;
  key: string;
  kind: 'param' | 'metric';
}

export function value(run: RunSummary, f: Field): string | number | undefined {
  return f.kind === 'param' ? run.params[f.key] : run.metrics[f.key];
}

/** Every param then every metric key of the runs, sorted within each group. */
export function fields(runs: RunSummary[]): Field[] {
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const r of runs) {
    for (const k in r.params) params.add(k);
    for (const k in r.metrics) metrics.add(k);
  }
  const sort = (s: Set<string>) => [...s].sort((a, b) => a.localeCompare(b));
  return [
    ...sort(params).map(key => ({ id: `params.${key}`, key, kind: 'param' as const })),
    ...sort(metrics).map(key => ({ id: `metrics.${key}`, key, kind: 'metric' as const })),
  ];
}

/** True when not every run has the same value (a missing value differs from any present one). */
export function differs(runs: RunSummary[], f: Field): boolean {
  const first = value(runs[0], f);
  return runs.some(r => String(value(r, f)) !== String(first));
}

/** Numeric readings of a field; undefined when some present value is not a number (a categorical param). */
export function numbers(runs: RunSummary[], f: Field): (number | undefined)[] | undefined {
  const out: (number | undefined)[] = [];
  let any = false;
  for (const r of runs) {
    const v = value(r, f);
    const n = asNumber(v);
    if (v !== undefined && v !== '' && n === undefined && f.kind === 'param') return undefined;
    if (n !== undefined) any = true;
    out.push(n);
  }
  return any ? out : undefined;
}
