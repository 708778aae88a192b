// Reading what a stage wrote: metrics files (JSON/YAML → flat "a.b" numbers) and plots files
// (CSV/TSV with a header, or a JSON list of objects → one numeric series per column).
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { flatten } from './paramsFile';

/** A metric/param key MLflow accepts: anything outside [\w-. /:] becomes '_'. */
export function safeKey(key: string): string {
  const k = key.replace(/[^\w\-. /:]/gu, '_').replace(/^\/+/, '').split('/').map(p => (p === '.' || p === '..' ? '_' : p)).join('/');
  return k.slice(0, 250) || '_';
}

/** Numbers and booleans (as 1/0) of a metrics file, nested keys flattened to "a.b". Lists and strings are skipped. */
export function readMetricsFile(file: string): Record<string, number> {
  const value: unknown = parseYaml(fs.readFileSync(file, 'utf8')); // YAML is a superset of JSON
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(flatten(value ?? {}))) {
    if (typeof v === 'number') out[safeKey(k)] = v;
    else if (typeof v === 'boolean') out[safeKey(k)] = v ? 1 : 0;
  }
  return out;
}

export interface PlotSeries {
  /** `<plotfile stem>.<column>` */
  key: string;
  points: { step: number; value: number }[];
}

const STEP_COLUMNS = ['x', 'step', 'epoch'];

function rows(file: string): Record<string, unknown>[] {
  const ext = path.extname(file).toLowerCase();
  const text = fs.readFileSync(file, 'utf8');
  if (ext === '.csv' || ext === '.tsv') {
    return parseCsv(text, { columns: true, delimiter: ext === '.tsv' ? '\t' : ',', skip_empty_lines: true, trim: true, relax_column_count: true, bom: true }) as Record<string, unknown>[];
  }
  if (ext === '.json') {
    let v = JSON.parse(text) as unknown;
    // DVC also accepts {"name": [ {...}, ... ]}: take the first list.
    if (v && typeof v === 'object' && !Array.isArray(v)) v = Object.values(v).find(Array.isArray) ?? [];
    return Array.isArray(v) ? v.filter((r): r is Record<string, unknown> => !!r && typeof r === 'object' && !Array.isArray(r)) : [];
  }
  return [];
}

const num = (v: unknown): number | undefined => {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '') { const n = Number(v); return Number.isNaN(n) && v.trim() !== 'NaN' ? undefined : n; }
  return undefined;
};

/** Numeric columns of a plots file; step = the x/step/epoch column when it holds integers, else the row index. */
export function readPlotFile(file: string): PlotSeries[] {
  const data = rows(file);
  if (!data.length) return [];
  const columns = [...new Set(data.flatMap(r => Object.keys(r)))];
  const numeric = columns.filter(c => data.every(r => r[c] === undefined || r[c] === '' || r[c] === null || num(r[c]) !== undefined)
    && data.some(r => num(r[c]) !== undefined));
  const stepCol = STEP_COLUMNS.find(c => numeric.includes(c) && data.every(r => Number.isSafeInteger(num(r[c]))));
  const stem = path.basename(file, path.extname(file));
  return numeric.filter(c => c !== stepCol).map(c => ({
    key: safeKey(`${stem}.${c}`),
    points: data.flatMap((r, i) => {
      const value = num(r[c]);
      return value === undefined || r[c] === '' ? [] : [{ step: stepCol ? num(r[stepCol])! : i, value }];
    }),
  }));
}
