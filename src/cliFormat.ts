// Plain-text tables for the CLI.
import type { Run } from './shared/dto';

const dur = (r: Run) => {
  const end = r.info.end_time ?? (r.info.status === 'RUNNING' ? Date.now() : r.info.start_time);
  const s = Math.max(0, Math.round((end - r.info.start_time) / 1000));
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m${s % 60}s` : `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
};
const fmt = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : String(v));

export function formatRunsTable(runs: Run[]): string {
  if (!runs.length) return '(no runs)';
  const keys = [...new Set(runs.flatMap(r => r.data.metrics.map(m => m.key)))].sort().slice(0, 4);
  const header = ['run_id', 'name', 'status', 'duration', ...keys];
  const rows = runs.map(r => [r.info.run_id, r.info.run_name, r.info.status, dur(r),
    ...keys.map(k => { const m = r.data.metrics.find(x => x.key === k); return m ? fmt(m.value) : ''; })]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function formatRun(r: Run): string {
  const out = [
    `run ${r.info.run_id}  ${r.info.run_name}`,
    `  experiment ${r.info.experiment_id}  status ${r.info.status}  duration ${dur(r)}  ${r.info.lifecycle_stage}`,
    `  artifacts  ${r.info.artifact_uri}`,
  ];
  const section = (title: string, kv: { key: string; value: unknown }[]) => {
    if (!kv.length) return;
    out.push(`  ${title}:`);
    for (const x of [...kv].sort((a, b) => a.key.localeCompare(b.key))) out.push(`    ${x.key} = ${fmt(x.value)}`);
  };
  section('params', r.data.params);
  section('metrics (latest)', r.data.metrics);
  section('tags', r.data.tags);
  for (const d of r.inputs.dataset_inputs) out.push(`  input: ${d.dataset.name} (${d.dataset.digest}) ${d.dataset.source_type}`);
  return out.join('\n');
}
