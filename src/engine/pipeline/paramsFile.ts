// Params files (params.yaml by default; YAML or JSON): read once per (path, size, mtime), dotted-key lookup
// and flattening. Used for `vars`/`${...}` interpolation and for the params part of a stage's status.
import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { PipelineError } from './types';

const cache = new Map<string, { size: number; mtimeMs: number; value: unknown }>();

/** Parsed contents of a params file; PipelineError (file:line:col) when unreadable or malformed. */
export function loadParamsFile(file: string): unknown {
  let st: fs.Stats;
  try { st = fs.statSync(file); } catch { throw new PipelineError(`params file not found: ${file}`, file); }
  const hit = cache.get(file);
  if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.value;
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.yaml' && ext !== '.yml' && ext !== '.json') {
    throw new PipelineError(`unsupported params file type '${ext || path.basename(file)}' (YAML or JSON)`, file);
  }
  const text = fs.readFileSync(file, 'utf8');
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const { line, col } = lc.linePos(e.pos[0]);
    throw new PipelineError(`invalid ${ext === '.json' ? 'JSON' : 'YAML'}: ${e.message.split('\n')[0]}`, file, line, col);
  }
  const value = doc.toJS({ maxAliasCount: 1000 }) ?? {};
  cache.set(file, { size: st.size, mtimeMs: st.mtimeMs, value });
  return value;
}

/** Looks up "a.b.0.c" (list indexes allowed). */
export function lookup(obj: unknown, dotted: string): { found: boolean; value?: unknown } {
  let cur: unknown = obj;
  for (const part of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return { found: false };
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(part) || Number(part) >= cur.length) return { found: false };
      cur = cur[Number(part)];
    } else {
      if (!Object.prototype.hasOwnProperty.call(cur, part)) return { found: false };
      cur = (cur as Record<string, unknown>)[part];
    }
  }
  return { found: true, value: cur };
}

/** Leaf values keyed by dotted path: {train: {lr: 0.1}} → {"train.lr": 0.1}. Lists are leaves. */
export function flatten(obj: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = obj;
  }
  return out;
}
