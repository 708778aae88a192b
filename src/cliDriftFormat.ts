// Plain-text drift reports, monitor lists and histories for the CLI.
import type { DriftReport } from './engine/drift/types';
import { P_VALUE_TESTS } from './engine/drift/types';
import type { MonitorSummary } from './engine/drift/monitorService';
import type { DriftCheckWithColumns } from './engine/store/driftRepo';
import { formatSourceRef } from './engine/drift/sourceRef';

const num = (v: number | undefined) => (v === undefined ? '—' : Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : String(Number(v.toPrecision(4))));
const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const when = (t: number) => new Date(t).toLocaleString('sv-SE').slice(0, 16);

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function formatReport(r: DriftReport): string {
  const change = r.volume.reference ? ` (${r.volume.change >= 0 ? '+' : ''}${pct(r.volume.change)})` : '';
  const out = [
    `reference  ${r.reference.source}  ${r.reference.rows} rows`,
    `current    ${r.current.source}  ${r.current.rows} rows${change}`,
    '',
  ];
  const rows = r.columns.map(c => {
    if (c.note) return [c.column, '—', '—', '—', `no test: ${c.note}`];
    const v = c.verdict;
    const stat = P_VALUE_TESTS.includes(v.test) ? `p=${num(v.pValue)}` : num(v.statistic);
    return [c.column, v.test, stat, (P_VALUE_TESTS.includes(v.test) ? 'p<' : '>') + num(v.threshold), v.drift ? 'DRIFT' : 'ok'];
  });
  out.push(rows.length ? table(['column', 'test', 'statistic', 'drift if', 'verdict'], rows) : '(no columns compared)');
  const s = r.schema;
  const schema = [
    s.added.length ? `added ${s.added.join(', ')}` : '',
    s.removed.length ? `removed ${s.removed.join(', ')}` : '',
    s.retyped.length ? `retyped ${s.retyped.map(x => `${x.column} (${x.from} → ${x.to})`).join(', ')}` : '',
  ].filter(Boolean);
  if (schema.length) out.push('', `schema: ${schema.join('; ')}`);
  if (r.qualityAlerts.length) out.push('', 'quality alerts:', ...r.qualityAlerts.map(a => `  ${a}`));
  if (r.warnings?.length) out.push('', 'settings warnings:', ...r.warnings.map(a => `  ${a}`));
  const compared = r.columns.filter(c => !c.note).length;
  out.push('', r.drift
    ? `data-set drift: DETECTED — ${r.driftedColumns.length} of ${compared} columns drifted (${r.driftedColumns.join(', ')})`
    : `data-set drift: not detected — ${r.driftedColumns.length} of ${compared} columns drifted${r.driftedColumns.length ? ` (${r.driftedColumns.join(', ')})` : ''}`);
  if (r.qualityAlerts.length) out.push(`data quality: ${r.qualityAlerts.length} alert${r.qualityAlerts.length === 1 ? '' : 's'}`);
  return out.join('\n');
}

/** Drifted of tested columns, as the report counts them: a column without a statistic (a note) was not tested. */
export function driftedOfTested(c: DriftCheckWithColumns): string {
  return `${c.driftedColumns}/${c.columnResults.filter(x => x.statistic !== undefined).length}`;
}

/** A drifted column of a stored check: its deciding value, `p=` for p-value tests. */
const columnResult = (x: DriftCheckWithColumns['columnResults'][number]) =>
  P_VALUE_TESTS.includes(x.test) ? `${x.column} ${x.test} p=${num(x.pValue)}` : `${x.column} ${x.test}=${num(x.statistic)}`;

export function formatMonitors(list: (Omit<MonitorSummary, 'lastCheck'> & { lastCheck?: DriftCheckWithColumns })[]): string {
  if (!list.length) return '(no monitors: add them to .mlops/monitors.yaml)';
  return table(['monitor', 'reference', 'current', 'schedule', 'last check'], list.map(({ monitor: m, lastCheck: c }) => [
    m.name, formatSourceRef(m.reference), formatSourceRef(m.current), m.scheduleMinutes ? `${m.scheduleMinutes}m` : 'on demand',
    c ? `${when(c.time)} ${c.drift ? 'DRIFT' : 'ok'} (${driftedOfTested(c)} columns, check ${c.id})` : 'never',
  ]));
}

export function formatHistory(name: string, checks: DriftCheckWithColumns[]): string {
  if (!checks.length) return `(no checks of monitor '${name}' yet: mlops monitor run ${name})`;
  return table(['check', 'time', 'verdict', 'drifted', 'columns'], checks.map(c => [
    String(c.id), when(c.time), c.drift ? 'DRIFT' : 'ok', driftedOfTested(c), c.columnResults.filter(x => x.drift).map(columnResult).join(', '),
  ]));
}
