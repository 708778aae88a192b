// The one-line way to name a data source, shared by the CLI (--reference/--current) and monitors.yaml:
//   data/train.csv (or file:data/train.csv)   run:<run id>[:<dataset name or digest>]   endpoint:<name>[@60m]
import type { SourceSpec } from './types';

export type { SourceSpec };

const DURATION = /^(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?$/;
const UNIT_MINUTES: Record<string, number> = { s: 1 / 60, sec: 1 / 60, m: 1, min: 1, h: 60, d: 1440 };

/** "15m", "90s", "1h", "2d" or a bare number (of minutes) → minutes; undefined when malformed or ≤ 0. */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = DURATION.exec(v.trim());
  const minutes = m ? Number(m[1]) * UNIT_MINUTES[m[2] ?? 'm'] : undefined;
  return minutes && minutes > 0 ? minutes : undefined;
}

export function parseSourceRef(text: string): SourceSpec | { error: string } {
  const t = text.trim();
  if (!t) return { error: 'empty source (expected a file path, run:<id>[:dataset] or endpoint:<name>[@60m])' };
  if (t.startsWith('run:')) {
    const rest = t.slice(4);
    const colon = rest.indexOf(':');
    const runId = (colon < 0 ? rest : rest.slice(0, colon)).trim();
    const dataset = colon < 0 ? undefined : rest.slice(colon + 1).trim() || undefined;
    if (!runId) return { error: `'${t}': missing run id (expected run:<id>[:dataset])` };
    return { kind: 'run', runId, dataset };
  }
  if (t.startsWith('endpoint:')) {
    const rest = t.slice(9);
    const atSign = rest.lastIndexOf('@');
    const endpoint = (atSign < 0 ? rest : rest.slice(0, atSign)).trim();
    if (!endpoint) return { error: `'${t}': missing endpoint name (expected endpoint:<name>[@60m])` };
    if (atSign < 0) return { kind: 'endpoint', endpoint };
    const windowMinutes = parseDuration(rest.slice(atSign + 1));
    if (windowMinutes === undefined) return { error: `'${t}': bad window '${rest.slice(atSign + 1)}' (expected a duration such as 60m, 6h or 1d)` };
    return { kind: 'endpoint', endpoint, windowMinutes };
  }
  const file = t.startsWith('file:') ? t.slice(5).trim() : t;
  if (!file) return { error: `'${t}': missing file path` };
  return { kind: 'file', path: file };
}

/** The inverse of parseSourceRef, for labels and CLI echo. */
export function formatSourceRef(s: SourceSpec): string {
  switch (s.kind) {
    case 'file': return s.path;
    case 'run': return `run:${s.runId}${s.dataset ? `:${s.dataset}` : ''}`;
    case 'endpoint': return `endpoint:${s.endpoint}${s.windowMinutes ? `@${s.windowMinutes}m` : ''}`;
  }
}
