// `mlops drift` (compare two data sets) and `mlops monitor list|run|history` (.mlops/monitors.yaml).
// Exit codes: 0 done (drift or not), 1 with --fail-on-drift when the data set drifted or a data-quality alert fired
// (missing values, volume, schema…), 2 bad input (unknown file, column, monitor, a broken monitors.yaml) or any
// other failure — never 1, so CI can tell drift from a broken check.
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { Engine } from './engine/engine';
import { MlflowError, StoreError } from './engine/errors';
import { compareDatasetsAsync } from './engine/drift/check';
import { resolveSource } from './engine/drift/datasetSource';
import { MonitorsError } from './engine/drift/monitors';
import { listMonitors, monitorHistory, runMonitor, volumeAlert } from './engine/drift/monitorService';
import { parseSourceRef } from './engine/drift/sourceRef';
import type { DriftReport, SourceSpec } from './engine/drift/types';
import { formatHistory, formatMonitors, formatReport } from './cliDriftFormat';

type Print = (o: unknown) => void;
const bad = (message: string) => new CommanderError(2, 'mlops.invalidArgument', message);

/** Runs fn and exits with its code; every error prints one line and exits 2. */
async function guarded(fn: () => Promise<number>): Promise<never> {
  let code: number;
  try {
    code = await fn();
  } catch (e) {
    const msg = e instanceof MonitorsError ? `${shown(e.file)}:${e.line}:${e.col}: ${e.reason}`
      : e instanceof MlflowError || e instanceof StoreError || e instanceof CommanderError ? e.message : String((e as Error)?.stack ?? e);
    process.stderr.write(`mlops: ${msg}\n`);
    code = 2;
  }
  process.exit(code);
}
const shown = (file: string) => { const r = path.relative(process.cwd(), file); return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : file; };

/** A --reference/--current value; file paths are relative to the current directory (stored relative to the workspace when inside it). */
function source(ws: string, option: string, text: string): SourceSpec {
  const spec = parseSourceRef(text);
  if ('error' in spec) throw bad(`${option}: ${spec.error}`);
  if (spec.kind !== 'file') return spec;
  const abs = path.resolve(spec.path);
  const rel = path.relative(ws, abs);
  return { kind: 'file', path: rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs };
}

function driftShare(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !(n > 0 && n <= 1)) throw bad(`--drift-share must be a number in (0, 1], got '${v}'`);
  return n;
}
function volumeChange(v: string): number | false {
  if (/^(off|false|none)$/i.test(v.trim())) return false;
  const n = Number(v);
  if (v.trim() === '' || !(n > 0) || !Number.isFinite(n)) throw bad(`--volume-change must be a share > 0 (0.5 = ±50 %) or 'off', got '${v}'`);
  return n;
}
function maxResults(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw bad(`--max must be a positive integer, got '${v}'`);
  return Number(v);
}

function printReport(print: Print, report: DriftReport, json: boolean | undefined, extra: Record<string, unknown> = {}): void {
  if (json) print({ ...extra, report });
  else print(formatReport(report) + (extra.check_id !== undefined ? `\nstored as check ${String(extra.check_id)}` : ''));
}

interface DriftOpts {
  reference?: string; current?: string; columns?: string; driftShare?: number; volumeChange?: number | false; json?: boolean; failOnDrift?: boolean; store?: boolean;
}
const FAIL_HELP = 'exit 1 when the data set drifted or a data-quality alert fired (missing values, volume, schema…)';
/** Reports stored before `alert` existed: drift alone. */
const alerted = (r: DriftReport) => r.alert ?? r.drift;

export function addDriftCommands(program: Command, workspace: () => string, print: Print): void {
  program.command('drift').description('compare a current data set with a reference: per-column drift tests, data quality, data-set verdict')
    .option('-r, --reference <source>', 'file (CSV, TSV, Parquet, Arrow), run:<id>[:<dataset>] or endpoint:<name>[@60m] (required)')
    .option('-c, --current <source>', 'same forms as --reference (required)')
    .option('--columns <a,b>', 'only these columns (default: every column both have)')
    .option('--drift-share <share>', 'data-set drift when this share of columns drifts (default: any column)', driftShare)
    .option('--volume-change <share>', "alert when the row count changes by more than this share (default 0.5 = ±50 %; 'off': never)", volumeChange)
    .option('--store', 'store the check in the workspace (ad hoc, without a monitor)')
    .option('--json', 'the DriftReport as JSON')
    .option('--fail-on-drift', FAIL_HELP)
    .action((o: DriftOpts) => guarded(async () => {
      const ws = workspace();
      for (const k of ['reference', 'current'] as const) if (!o[k]) throw bad(`--${k} is required (a file, run:<id>[:dataset] or endpoint:<name>[@60m])`);
      const reference = source(ws, '--reference', o.reference!);
      const current = source(ws, '--current', o.current!);
      const columns = o.columns?.split(',').map(c => c.trim()).filter(Boolean);
      if (o.columns !== undefined && !columns?.length) throw bad('--columns needs at least one column name');
      // File-only checks never create .mlops/ (CI on a bare checkout); runs, endpoints and --store need the store.
      const needsStore = o.store || reference.kind !== 'file' || current.kind !== 'file';
      if (needsStore && !o.store && !fs.existsSync(path.join(ws, '.mlops', 'tracking.db'))) throw bad(`no tracking store in ${ws} (run and endpoint sources read it)`);
      const engine = needsStore ? Engine.open(ws, { git: false }) : undefined;
      try {
        const host = engine ?? { workspace: ws };
        const [ref, cur] = await Promise.all([resolveSource(host, reference), resolveSource(host, current)]);
        const report = await compareDatasetsAsync(ref, cur, { columns, driftShare: o.driftShare, maxVolumeChange: volumeAlert(reference, current, o.volumeChange) });
        const checkId = o.store ? engine!.store.drift.insert(undefined, report) : undefined;
        printReport(print, report, o.json, checkId === undefined ? {} : { check_id: checkId });
        return alerted(report) && o.failOnDrift ? 1 : 0;
      } finally {
        engine?.close();
      }
    }));

  const monitor = program.command('monitor').description('drift monitors of .mlops/monitors.yaml: list, run, history');
  const withEngine = async (fn: (e: Engine) => Promise<number> | number) => {
    const e = Engine.open(workspace(), { git: false });
    try { return await fn(e); } finally { e.close(); }
  };
  monitor.command('list').description('the monitors and their last check').option('--json', 'JSON output')
    .action((o: { json?: boolean }) => guarded(() => withEngine(e => {
      const list = listMonitors(e);
      // The text form counts the tested columns of each last check, as the report does.
      print(o.json ? list.map(({ monitor: m, lastCheck }) => ({ ...m, lastCheck }))
        : formatMonitors(list.map(s => ({ ...s, lastCheck: s.lastCheck && monitorHistory(e, s.monitor.name, 1)[0] }))));
      return 0;
    })));
  monitor.command('run <name>').description('run a monitor now and store the check')
    .option('--json', 'the check as JSON').option('--fail-on-drift', FAIL_HELP)
    .action((name: string, o: { json?: boolean; failOnDrift?: boolean }) => guarded(() => withEngine(async e => {
      const c = await runMonitor(e, name);
      printReport(print, c.report, o.json, { check_id: c.id, monitor: name });
      return c.alert && o.failOnDrift ? 1 : 0;
    })));
  monitor.command('history <name>').description("a monitor's stored checks, newest first")
    .option('-n, --max <n>', 'most checks', maxResults, 20).option('--json', 'JSON output')
    .action((name: string, o: { max: number; json?: boolean }) => guarded(() => withEngine(e => {
      const checks = monitorHistory(e, name, o.max);
      print(o.json ? checks : formatHistory(name, checks));
      return 0;
    })));
}
