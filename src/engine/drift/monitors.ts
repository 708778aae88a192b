// Drift monitors from <workspace>/.mlops/monitors.yaml: what to compare with what, which columns, how often,
// and per-column tests and thresholds. Parsing and validation only (errors as file:line:col).
import fs from 'node:fs';
import path from 'node:path';
import { Document, LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap } from 'yaml';
import { P_VALUE_TESTS, type ColumnSettings, type StatTest } from './types';
import { parseDuration, parseSourceRef, type SourceSpec } from './sourceRef';

export interface Monitor {
  name: string;
  reference: SourceSpec;
  current: SourceSpec;
  /** Columns to compare; undefined = every column both data sets have. */
  columns?: string[];
  /** Checked every N minutes while the workspace is open; undefined = on demand only. */
  scheduleMinutes?: number;
  /** Data-set drift when this share of columns drifts; undefined = any drifted column. */
  driftShare?: number;
  /** Alert when the row count changes by more than this share (volume_change); false = never; undefined = the default. */
  maxVolumeChange?: number | false;
  description?: string;
  /** thresholds.default */
  defaults: ColumnSettings;
  /** thresholds.<column> */
  settings: Record<string, ColumnSettings>;
  line: number;
  col: number;
}
export interface MonitorsFile { file: string; monitors: Monitor[] }

export class MonitorsError extends Error {
  /** The message without the location prefix. */
  readonly reason: string;
  constructor(message: string, readonly file: string, readonly line: number, readonly col: number) {
    super(`${file}:${line}:${col}: ${message}`);
    this.name = 'MonitorsError';
    this.reason = message;
  }
}

export const STAT_TESTS: readonly StatTest[] = ['psi', 'ks', 'wasserstein', 'jensenshannon', 'chisquare', 'z'];
const TEST_ALIASES: Record<string, StatTest> = { chi2: 'chisquare', js: 'jensenshannon', wasserstein_norm: 'wasserstein', kolmogorov_smirnov: 'ks', ztest: 'z', z_test: 'z' };
const MONITOR_KEYS = ['reference', 'current', 'columns', 'schedule', 'drift_share', 'volume_change', 'thresholds', 'description'];
const SETTING_KEYS = ['test', 'threshold', 'bins', 'categorical', 'missing', 'ignore'];
const NAME = /^[A-Za-z0-9][\w.-]*$/;
/** The test's threshold range: p-values in (0, 1), distances > 0 (Jensen-Shannon ≤ 1). */
export function thresholdProblem(test: StatTest | undefined, t: number): string | undefined {
  if (!Number.isFinite(t) || t <= 0) return `threshold must be a number > 0, got ${t}`;
  if (test && P_VALUE_TESTS.includes(test) && t >= 1) return `threshold of '${test}' is a p-value and must be in (0, 1), got ${t}`;
  if (test === 'jensenshannon' && t > 1) return `threshold of 'jensenshannon' must be in (0, 1], got ${t}`;
  return undefined;
}

/** Parses a monitors file's text; `file` is used in error messages only. */
export function parseMonitors(text: string, file: string): MonitorsFile {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const at = (node: unknown) => lc.linePos((node as Node | null)?.range?.[0] ?? 0);
  const fail = (message: string, node: unknown): never => {
    const { line, col } = at(node);
    throw new MonitorsError(message, file, line, col);
  };
  if (doc.errors.length) {
    const { line, col } = lc.linePos(doc.errors[0].pos[0]);
    throw new MonitorsError(doc.errors[0].message.split('\n')[0], file, line, col);
  }
  const out: MonitorsFile = { file, monitors: [] };
  const root = doc.contents;
  const empty = (n: unknown) => n === null || n === undefined || (isScalar(n) && n.value === null);
  if (empty(root)) return out;
  if (!isMap(root)) return fail("monitors.yaml must be a mapping with a 'monitors' key", root);
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (key === 'version') {
      if (!isScalar(pair.value) || pair.value.value !== 1) fail('unsupported version (only version 1 is supported)', pair.value ?? pair.key);
    } else if (key === 'monitors') {
      if (empty(pair.value)) continue;
      if (!isMap(pair.value)) fail('monitors must be a mapping of monitor name to its settings', pair.value);
      for (const m of (pair.value as YAMLMap).items) out.monitors.push(parseMonitor(m.key, m.value, fail, at));
    } else fail(`unknown key '${String(key)}' (expected version, monitors)`, pair.key);
  }
  return out;
}

type Fail = (message: string, node: unknown) => never;

function parseMonitor(keyNode: unknown, node: unknown, fail: Fail, at: (n: unknown) => { line: number; col: number }): Monitor {
  const name = isScalar(keyNode) ? String(keyNode.value ?? '').trim() : '';
  if (!NAME.test(name)) fail(`monitor name '${name}' must start with a letter or digit and hold only letters, digits, '_', '.', '-'`, keyNode);
  if (!isMap(node)) return fail(`monitor '${name}' must be a mapping with reference and current`, node ?? keyNode);
  const fields = new Map<string, { key: unknown; value: unknown }>();
  for (const p of node.items) {
    const k = isScalar(p.key) ? String(p.key.value) : '';
    if (!MONITOR_KEYS.includes(k)) fail(`unknown key '${k}' in monitor '${name}' (expected ${MONITOR_KEYS.join(', ')})`, p.key);
    fields.set(k, { key: p.key, value: p.value });
  }
  const need = (k: string) => fields.get(k) ?? fail(`monitor '${name}' needs '${k}'`, keyNode);
  const m: Monitor = {
    name, ...at(keyNode), defaults: {}, settings: {},
    reference: parseSource(need('reference').value, fail, need('reference').key),
    current: parseSource(need('current').value, fail, need('current').key),
  };
  const get = (k: string) => fields.get(k)?.value;
  /** Where to point at a field's problem: its value, or its key when the value is empty. */
  const spot = (k: string) => fields.get(k)?.value ?? fields.get(k)?.key;
  if (fields.has('description')) m.description = String(isScalar(get('description')) ? (get('description') as { value: unknown }).value ?? '' : '');
  if (fields.has('columns')) {
    const v = get('columns');
    if (!isSeq(v) || !v.items.length) fail("'columns' must be a non-empty list of column names", spot('columns'));
    m.columns = (v as { items: unknown[] }).items.map(i => {
      if (!isScalar(i) || (typeof i.value !== 'string' && typeof i.value !== 'number') || String(i.value) === '') fail('a column name must be a string', i);
      return String((i as { value: unknown }).value);
    });
  }
  if (fields.has('schedule')) {
    const v = get('schedule');
    const minutes = parseDuration(isScalar(v) ? v.value : undefined);
    if (minutes === undefined) fail("'schedule' must be a duration such as 15m, 1h or 1d", spot('schedule'));
    if (minutes! < 1) fail(`'schedule' must be at least 1m, got ${String((v as { value: unknown }).value)}`, v);
    m.scheduleMinutes = minutes;
  }
  if (fields.has('drift_share')) {
    const v = get('drift_share');
    const n = isScalar(v) ? v.value : undefined;
    if (typeof n !== 'number' || !(n > 0 && n <= 1)) fail("'drift_share' must be a number in (0, 1]", spot('drift_share'));
    m.driftShare = n as number;
  }
  if (fields.has('volume_change')) {
    const v = get('volume_change');
    const n = isScalar(v) ? v.value : undefined;
    if (n !== false && (typeof n !== 'number' || !(n > 0) || !Number.isFinite(n))) fail("'volume_change' must be a share > 0 (0.5 = alert when the row count changes by more than ±50 %) or false", spot('volume_change'));
    m.maxVolumeChange = n as number | false;
  }
  if (fields.has('thresholds')) Object.assign(m, parseThresholds(get('thresholds') ?? null, fail, m.columns));
  return m;
}

function parseThresholds(v: unknown, fail: Fail, columns?: string[]): Pick<Monitor, 'defaults' | 'settings'> {
  const out: Pick<Monitor, 'defaults' | 'settings'> = { defaults: {}, settings: {} };
  if (v === null || v === undefined || (isScalar(v) && v.value === null)) return out;
  if (!isMap(v)) fail("'thresholds' must be a mapping of 'default' or a column name to settings", v);
  for (const p of (v as YAMLMap).items) {
    const col = isScalar(p.key) ? String(p.key.value ?? '') : '';
    if (!col) fail('a threshold key must be a column name or default', p.key);
    if (col !== 'default' && columns && !columns.includes(col)) fail(`column '${col}' is not in this monitor's columns`, p.key);
    const s = parseSettings(p.value, fail, p.key);
    if (col === 'default') out.defaults = s;
    else out.settings[col] = s;
  }
  return out;
}

function parseSettings(node: unknown, fail: Fail, keyNode: unknown): ColumnSettings {
  if (!isMap(node)) return fail(`settings must be a mapping of ${SETTING_KEYS.join(', ')}`, node ?? keyNode);
  const s: ColumnSettings = {};
  let thresholdNode: unknown;
  for (const p of node.items) {
    const k = isScalar(p.key) ? String(p.key.value) : '';
    const raw = isScalar(p.value) ? p.value.value : undefined;
    switch (k) {
      case 'test': {
        const t = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
        const test = (STAT_TESTS as readonly string[]).includes(t) ? (t as StatTest) : TEST_ALIASES[t];
        if (!test) fail(`unknown test '${String(raw)}' (expected ${STAT_TESTS.join(', ')})`, p.value);
        s.test = test;
        break;
      }
      case 'threshold':
        if (typeof raw !== 'number') fail('threshold must be a number', p.value);
        s.threshold = raw as number;
        thresholdNode = p.value;
        break;
      case 'bins':
        if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 2 || raw > 1000) fail('bins must be an integer from 2 to 1000', p.value);
        s.bins = raw as number;
        break;
      case 'missing':
        if (typeof raw !== 'number' || !(raw >= 0 && raw <= 1)) fail('missing must be a share in [0, 1] (0.05 = 5 %)', p.value);
        s.maxMissingShare = raw as number;
        break;
      case 'categorical':
      case 'ignore':
        if (typeof raw !== 'boolean') fail(`${k} must be true or false`, p.value);
        s[k] = raw as boolean;
        break;
      default:
        fail(`unknown setting '${k}' (expected ${SETTING_KEYS.join(', ')})`, p.key);
    }
  }
  if (s.threshold !== undefined) {
    const problem = thresholdProblem(s.test, s.threshold);
    if (problem) fail(problem, thresholdNode);
  }
  return s;
}

function parseSource(node: unknown, fail: Fail, keyNode: unknown): SourceSpec {
  if (isScalar(node) && typeof node.value === 'string') {
    const r = parseSourceRef(node.value);
    return 'error' in r ? fail(r.error, node) : r;
  }
  if (!isMap(node)) return fail("a source is {file: path}, {run: id, dataset: name}, {endpoint: name, window: 60m} or a string such as 'data/x.csv'", node ?? keyNode);
  const f: Record<string, { value: unknown; node: unknown; key: unknown }> = {};
  for (const p of node.items) {
    const k = isScalar(p.key) ? String(p.key.value) : '';
    if (!['file', 'run', 'dataset', 'endpoint', 'window'].includes(k)) fail(`unknown source key '${k}' (expected file, run + dataset, or endpoint + window)`, p.key);
    f[k] = { value: isScalar(p.value) ? p.value.value : undefined, node: p.value, key: p.key };
  }
  const str = (k: string) => {
    const v = f[k]?.value;
    if (typeof v !== 'string' && typeof v !== 'number') fail(`${k} must be a string`, f[k]?.node ?? node);
    const s = String(v).trim();
    return s || fail(`${k} must not be empty`, f[k].node);
  };
  const kinds = ['file', 'run', 'endpoint'].filter(k => k in f);
  if (kinds.length !== 1) fail('a source needs exactly one of file, run or endpoint', node);
  const only = (allowed: string[]) => { for (const k of Object.keys(f)) if (!allowed.includes(k)) fail(`'${k}' does not apply to a ${kinds[0]} source`, f[k].key); };
  if (kinds[0] === 'file') { only(['file']); return { kind: 'file', path: str('file') }; }
  if (kinds[0] === 'run') { only(['run', 'dataset']); return { kind: 'run', runId: str('run'), dataset: 'dataset' in f ? str('dataset') : undefined }; }
  only(['endpoint', 'window']);
  let windowMinutes: number | undefined;
  if ('window' in f) {
    windowMinutes = parseDuration(f.window.value);
    if (windowMinutes === undefined) fail("window must be a duration such as 60m, 6h or 1d", f.window.node);
  }
  return { kind: 'endpoint', endpoint: str('endpoint'), windowMinutes };
}

// ---- the same rules for JSON values (HTTP): errors carry the reason only (MonitorsError without a position) ----

function fromValue<T>(value: unknown, what: string, parse: (node: unknown, fail: Fail) => T): T {
  const node = value === undefined ? undefined : new Document().createNode(value);
  return parse(node, (message: string) => { throw new MonitorsError(`${what}: ${message}`, '', 0, 0); });
}
/** A source from JSON: a one-line reference or the mapping form of monitors.yaml. */
export const sourceFromValue = (value: unknown, what: string): SourceSpec => fromValue(value, what, (n, fail) => parseSource(n, fail, n));
/** Per-column settings from JSON, keyed by column name or "default" (monitors.yaml `thresholds:`). */
export const thresholdsFromValue = (value: unknown, what: string, columns?: string[]) => fromValue(value, what, (n, fail) => parseThresholds(n, fail, columns));

export function monitorsPath(workspace: string): string {
  return path.join(workspace, '.mlops', 'monitors.yaml');
}

/** Reads `<workspace>/.mlops/monitors.yaml`; no monitors when there is none. */
export function loadMonitors(workspace: string): MonitorsFile {
  const file = monitorsPath(workspace);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { file, monitors: [] };
    throw new MonitorsError(`cannot read the monitors file: ${(e as Error).message}`, file, 1, 1);
  }
  return parseMonitors(text, file);
}
