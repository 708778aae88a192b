// The engine's drift endpoints (MLOps' own): ad-hoc checks, monitors of .mlops/monitors.yaml, their stored checks;
// and the small rules the host applies to their answers (no vscode here, so plain Node tests can run them).
import type { EngineClient } from '../engineClient';
import type {
  DriftCheckDto, DriftCheckGetResponse, DriftCheckRequest, DriftCheckResponse, MonitorDto, MonitorHistoryResponse, MonitorListResponse, MonitorRunResponse,
} from '../../shared/dto';

export type { DriftCheckDto, DriftCheckRequest, MonitorDto, MonitorListResponse };
export type HistoryCheck = MonitorHistoryResponse['checks'][number];

const API = '/api/2.0/mlops';

export function listMonitors(c: EngineClient): Promise<MonitorListResponse> {
  return c.client.http.call<MonitorListResponse>('GET', `${API}/monitors/list`);
}

export async function runMonitor(c: EngineClient, name: string): Promise<DriftCheckDto> {
  return (await c.client.http.call<MonitorRunResponse>('POST', `${API}/monitors/run`, { name })).check;
}

/** Newest first. */
export async function monitorHistory(c: EngineClient, name: string, max = 100): Promise<HistoryCheck[]> {
  return (await c.client.http.call<MonitorHistoryResponse>('GET', `${API}/monitors/history`, { name, max_results: max })).checks ?? [];
}

export async function getCheck(c: EngineClient, id: number): Promise<DriftCheckDto> {
  return (await c.client.http.call<DriftCheckGetResponse>('GET', `${API}/drift/checks/get`, { id })).check;
}

/** An ad-hoc comparison, stored (so its report panel survives a reload); the check id comes back with it. */
export function checkDrift(c: EngineClient, req: DriftCheckRequest): Promise<DriftCheckResponse> {
  return c.client.http.call<DriftCheckResponse>('POST', `${API}/drift/check`, { store: true, ...req });
}

/** The columns that drifted in a history entry. */
export function driftedColumnsOf(check: HistoryCheck | undefined): string[] {
  return Object.entries(check?.columns ?? {}).filter(([, r]) => r.drift).map(([c]) => c);
}

/** The columns that drift now but did not in the previous check (all of them when there was none). */
export function newlyDrifted(current: string[], previous: string[] | undefined): string[] {
  const before = new Set(previous ?? []);
  return current.filter(c => !before.has(c));
}

/** A data-quality alert without its figures ("x: missing # % > # %"), so a standing alert is known from check to check. */
const alertKind = (a: string) => a.replace(/[-+−]?\d[\d.,]*(e[-+]?\d+)?/gi, '#');

/** The data-quality alerts that the previous check did not have (all of them when there was none). */
export function newAlerts(current: string[], previous: string[] | undefined): string[] {
  const before = new Set((previous ?? []).map(alertKind));
  return current.filter(a => !before.has(alertKind(a)));
}

/** Whether a report crossed a threshold: drift or a data-quality alert (reports stored before `alert`: drift). */
export function alerted(r: { drift: boolean; alert?: boolean }): boolean {
  return r.alert ?? r.drift;
}

/**
 * Whether a monitor's endpoint (its monitors.yaml name: a registered model name, a model ref, or a logged
 * endpoint id) is the endpoint the view shows — the engine's own rule for request-log sources.
 */
export function endpointMatches(monitorEndpoint: string, e: { ref: string; name?: string | null }): boolean {
  const ref = monitorEndpoint.replace(/#\d+$/, '');
  return ref === e.ref || ref === e.name || /^models:\/([^/@]+)/.exec(e.ref)?.[1] === ref;
}
