// drift/check, drift/checks/get and monitors/* (MLOps' own endpoints over .mlops/monitors.yaml and stored checks).
import path from 'node:path';
import type { Handler } from '../context';
import type { Decoder } from '../decode';
import { invalid, notFound } from '../../errors';
import { MonitorsError, sourceFromValue, thresholdsFromValue } from '../../drift/monitors';
import { formatSourceRef } from '../../drift/sourceRef';
import { listMonitors, monitorHistory, runCheck, runMonitor } from '../../drift/monitorService';
import type {
  DriftCheckGetResponse, DriftCheckResponse, MonitorDto, MonitorHistoryResponse, MonitorListResponse, MonitorRunResponse,
} from '../../../shared/dto';

/** Runs fn (sync or async); a monitors.yaml or settings mistake is the client's: 400 with the message. */
function clientErrors<T>(fn: () => T): T {
  const map = (e: unknown): never => {
    if (e instanceof MonitorsError) throw invalid(e.file ? e.message : e.reason);
    throw e;
  };
  try {
    const r = fn();
    return (r instanceof Promise ? r.catch(map) : r) as T;
  } catch (e) {
    return map(e);
  }
}

function driftShare(d: Decoder): number | undefined {
  if (!d.has('drift_share')) return undefined;
  const v = d.fields.drift_share;
  if (typeof v !== 'number' || !(v > 0 && v <= 1)) throw invalid(`Invalid value ${JSON.stringify(v)} for parameter 'drift_share' supplied: expected a number in (0, 1]`);
  return v;
}

/** volume_change: alert when the row count changes by more than this share; false = never; absent = the default. */
function volumeChange(d: Decoder): number | false | undefined {
  if (!d.has('volume_change')) return undefined;
  const v = d.fields.volume_change;
  if (v === false) return false;
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw invalid(`Invalid value ${JSON.stringify(v)} for parameter 'volume_change' supplied: expected a share > 0 (0.5 = ±50 %) or false`);
  return v;
}

export const check: Handler = async ({ engine, d }) => {
  const req = clientErrors(() => {
    if (!d.has('reference')) throw invalid("Missing value for required parameter 'reference'.");
    if (!d.has('current')) throw invalid("Missing value for required parameter 'current'.");
    const columns = d.has('columns') ? d.strList('columns') : undefined;
    return {
      reference: sourceFromValue(d.fields.reference, 'reference'),
      current: sourceFromValue(d.fields.current, 'current'),
      columns: columns?.length ? columns : undefined,
      ...thresholdsFromValue(d.fields.settings ?? undefined, 'settings'),
      driftShare: driftShare(d),
      maxVolumeChange: volumeChange(d),
    };
  });
  const store = d.bool('store') ?? false;
  const report = await runCheck(engine, req);
  const reply: DriftCheckResponse = { report };
  if (store) reply.check_id = engine.store.drift.insert(undefined, report);
  return { ...reply };
};

export const getCheck: Handler = ({ engine, d }) => {
  const id = d.int('id');
  if (id === undefined) throw invalid("Missing value for required parameter 'id'.");
  const c = engine.store.drift.get(id);
  if (!c) throw notFound(`No drift check with id ${id}`);
  return { check: { id: c.id, monitor: c.monitor, time: c.time, drift: c.drift, report: c.report } } satisfies DriftCheckGetResponse;
};

export const monitorsList: Handler = ({ engine }) => {
  try {
    const monitors = listMonitors(engine).map(({ monitor: m, lastCheck }): MonitorDto => {
      const endpoint = [m.current, m.reference].find(s => s.kind === 'endpoint');
      return {
        name: m.name, description: m.description, reference: formatSourceRef(m.reference), current: formatSourceRef(m.current),
        columns: m.columns ?? [], schedule_minutes: m.scheduleMinutes, endpoint: endpoint?.kind === 'endpoint' ? endpoint.endpoint : undefined,
        last_check: lastCheck && { id: lastCheck.id, time: lastCheck.time, drift: lastCheck.drift, drifted_columns: lastCheck.driftedColumns },
      };
    });
    return { monitors } satisfies MonitorListResponse;
  } catch (e) {
    if (!(e instanceof MonitorsError)) throw e;
    const rel = path.relative(engine.workspace, e.file);
    const file = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : e.file;
    return { monitors: [], error: { message: e.reason, file, line: e.line, col: e.col } } satisfies MonitorListResponse;
  }
};

export const monitorsRun: Handler = async ({ engine, d }) => {
  const name = d.reqStr('name');
  const c = await clientErrors(() => runMonitor(engine, name));
  return { check: { id: c.id, monitor: c.monitor, time: c.time, drift: c.drift, report: c.report } } satisfies MonitorRunResponse;
};

export const monitorsHistory: Handler = ({ engine, d }) => {
  const limit = d.int('max_results') ?? 100;
  if (limit < 1 || limit > 10000) throw invalid(`Invalid value ${limit} for parameter 'max_results' supplied: expected 1 to 10000`);
  const checks = monitorHistory(engine, d.reqStr('name'), limit).map(c => ({
    id: c.id, time: c.time, drift: c.drift, drifted_columns: c.driftedColumns,
    columns: Object.fromEntries(c.columnResults.map(r => [r.column, { test: r.test, statistic: r.statistic, p_value: r.pValue, threshold: r.threshold, drift: r.drift, severity: r.severity }])),
  }));
  return { checks } satisfies MonitorHistoryResponse;
};
