// Drift checks over sources (ad-hoc) and monitors from .mlops/monitors.yaml: read both data sets, compare them,
// store a monitor's check. One check per monitor runs at a time (a second request joins the first).
import type { Engine } from '../engine';
import { notFound } from '../errors';
import type { DriftCheckRow, DriftCheckWithColumns } from '../store/driftRepo';
import { compareDatasetsAsync } from './check';
import { resolveSource } from './datasetSource';
import { loadMonitors, type Monitor } from './monitors';
import type { ColumnSettings, DriftReport, SourceSpec } from './types';

export interface CheckRequest {
  reference: SourceSpec;
  current: SourceSpec;
  columns?: string[];
  defaults?: ColumnSettings;
  settings?: Record<string, ColumnSettings>;
  driftShare?: number;
  /** Volume-change alert threshold (share; false = none); undefined = the default for these sources (volumeAlert). */
  maxVolumeChange?: number | false;
}
/** `alert`: drift or a data-quality alert (the report's `alert`). */
export interface StoredCheck { id: number; monitor?: string; time: number; drift: boolean; alert: boolean; driftedColumns: number; report: DriftReport }
export interface MonitorSummary { monitor: Monitor; lastCheck?: DriftCheckRow }

/**
 * The volume-change threshold for a pair of sources: the configured one, else the default — except between an
 * endpoint's request window and a data set, whose row counts measure different things (traffic vs a sample).
 */
export function volumeAlert(reference: SourceSpec, current: SourceSpec, configured?: number | false): number | false | undefined {
  if (configured !== undefined) return configured;
  return (reference.kind === 'endpoint') !== (current.kind === 'endpoint') ? false : undefined;
}

/** Reads both sources (concurrently) and compares them. Relative file paths are against the workspace. */
export async function runCheck(engine: Engine, req: CheckRequest, opts: { now?: number; signal?: AbortSignal } = {}): Promise<DriftReport> {
  const read = (spec: SourceSpec) => resolveSource(engine, spec, { now: opts.now, signal: opts.signal });
  const [reference, current] = await Promise.all([read(req.reference), read(req.current)]);
  opts.signal?.throwIfAborted();
  return compareDatasetsAsync(reference, current, {
    columns: req.columns, defaults: req.defaults, settings: req.settings, driftShare: req.driftShare,
    maxVolumeChange: volumeAlert(req.reference, req.current, req.maxVolumeChange), now: opts.now, signal: opts.signal,
  });
}

/** The monitors of the workspace with their newest stored check; a broken monitors.yaml throws its MonitorsError. */
export function listMonitors(engine: Engine): MonitorSummary[] {
  const { monitors } = loadMonitors(engine.workspace);
  const latest = engine.store.drift.latest();
  return monitors.map(monitor => ({ monitor, lastCheck: latest.get(monitor.name) }));
}

export function findMonitor(engine: Engine, name: string): Monitor {
  const { file, monitors } = loadMonitors(engine.workspace);
  const m = monitors.find(x => x.name === name);
  if (!m) throw notFound(`no monitor '${name}' in ${file}${monitors.length ? ` (monitors: ${monitors.map(x => x.name).join(', ')})` : ''}`);
  return m;
}

const running = new WeakMap<Engine, Map<string, Promise<StoredCheck>>>();

/** Runs a monitor now and stores the check. */
export function runMonitor(engine: Engine, name: string, opts: { now?: number; signal?: AbortSignal } = {}): Promise<StoredCheck> {
  let monitor: Monitor;
  try {
    monitor = findMonitor(engine, name);
  } catch (e) {
    return Promise.reject(e);
  }
  let inFlight = running.get(engine);
  if (!inFlight) running.set(engine, (inFlight = new Map()));
  const pending = inFlight.get(name);
  if (pending) return pending;
  const job = (async (): Promise<StoredCheck> => {
    const report = await runCheck(engine, {
      reference: monitor.reference, current: monitor.current, columns: monitor.columns, defaults: monitor.defaults, settings: monitor.settings,
      driftShare: monitor.driftShare, maxVolumeChange: monitor.maxVolumeChange,
    }, opts);
    const id = engine.store.drift.insert(name, report);
    return { id, monitor: name, time: report.createdAt, drift: report.drift, alert: report.alert ?? report.drift, driftedColumns: report.driftedColumns.length, report };
  })().finally(() => inFlight!.delete(name));
  inFlight.set(name, job);
  return job;
}

/** A monitor's stored checks, newest first (kept after the monitor leaves monitors.yaml). */
export function monitorHistory(engine: Engine, name: string, limit = 100): DriftCheckWithColumns[] {
  return engine.store.drift.history(name, limit);
}

/** Monitors with a schedule whose newest check is older than the schedule (or that never ran), as of `now`. */
export function dueMonitors(engine: Engine, now = Date.now()): Monitor[] {
  return listMonitors(engine)
    .filter(({ monitor: m, lastCheck }) => m.scheduleMinutes !== undefined && (!lastCheck || now - lastCheck.time >= m.scheduleMinutes * 60_000))
    .map(s => s.monitor);
}
