// An endpoint's request log over a time window → a drift dataset: one column per input feature, as the
// requests named them (dataframe_split, dataframe_records, instances, inputs, text/csv), then the predictions.
// Unnamed [N, k] tensors take the model's MLflow signature column names when the registry has them, else
// `<input>[j]`. Outputs: one output is `prediction`, several are `prediction.<name>`; list outputs spread into
// `[j]` columns (probabilities); integer, boolean and text outputs of one value per row are class labels (categorical).
import { invalid, notFound } from '../errors';
import { log } from '../log';
import type { Store } from '../store/store';
import { parseCsv } from '../serving/decode';
import { RowTable } from './rowTable';
import { servedModel, type ServedModel } from './servedModel';
import type { Dataset } from './types';

export interface RequestLogOptions {
  /** Window start, epoch ms (default: the first logged request). */
  from?: number;
  /** Window end, epoch ms, inclusive (default: now). */
  to?: number;
  /** Names for the columns of an unnamed [N, k] input tensor (overrides the model signature). */
  featureNames?: string[];
}

const SHAPES = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'];
const LABEL_TYPES = /^(u?int\d*|bool|string|long|integer|boolean)$/;

const pad = (n: number) => String(n).padStart(2, '0');
const day = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const clock = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

/** "2025-03-01 10:00–11:30" (local time), or both dates when the window spans days. */
export function formatWindow(from: number, to: number): string {
  const [a, b] = [new Date(from), new Date(to)];
  return day(a) === day(b) ? `${day(a)} ${clock(a)}–${clock(b)}` : `${day(a)} ${clock(a)}–${day(b)} ${clock(b)}`;
}

/** Names for an unnamed tensor's k columns. */
function unnamed(k: number, model: ServedModel | undefined, featureNames: string[] | undefined): string[] {
  const given = featureNames?.length === k ? featureNames : model?.columns?.length === k ? model.columns : undefined;
  if (given) return given;
  const base = model?.inputs.length === 1 ? model.inputs[0].name : 'input';
  return k === 1 ? [base] : Array.from({ length: k }, (_, j) => `${base}[${j}]`);
}

/** Rows of a table-shaped request (columns named or not). */
function addRows(t: RowTable, names: string[] | undefined, rows: unknown[], model: ServedModel | undefined, featureNames: string[] | undefined): number {
  const width = rows.reduce<number>((w, r) => Math.max(w, Array.isArray(r) ? r.length : 1), 0);
  const cols = names ?? unnamed(width, model, featureNames);
  rows.forEach((r, i) => {
    if (Array.isArray(r)) r.forEach((v, j) => t.set(i, cols[j] ?? `${j}`, v));
    else t.set(i, cols[0], r);
  });
  return rows.length;
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * One logged request body → rows in `t`; the number of rows, or an error message when the body is not a request.
 * Every check comes before the first value is set, so a rejected body leaves no partial row behind.
 */
function addInputs(t: RowTable, body: string, model: ServedModel | undefined, featureNames: string[] | undefined): number | string {
  const text = body.trimStart();
  if (!text.startsWith('{')) {
    const csv = parseCsv(body);
    return addRows(t, csv.names, csv.rows, model, featureNames);
  }
  let json: unknown;
  try { json = JSON.parse(text); } catch (e) { return `not JSON (${(e as Error).message}; requests over 100 000 characters are cut when logged)`; }
  const key = isRecord(json) ? SHAPES.find(k => k in json) : undefined;
  if (!key) return 'no dataframe_split, dataframe_records, instances or inputs';
  const v = (json as Record<string, unknown>)[key];
  if (key === 'dataframe_split') {
    const s = v as { columns?: unknown; data?: unknown };
    if (!isRecord(s) || !Array.isArray(s.data)) return "dataframe_split without 'data'";
    return addRows(t, Array.isArray(s.columns) ? s.columns.map(String) : undefined, s.data, model, featureNames);
  }
  if (isRecord(v)) {
    // A dict of named tensors: row i of each.
    const rows = Math.max(0, ...Object.values(v).map(x => (Array.isArray(x) ? x.length : 1)));
    for (const [name, x] of Object.entries(v)) {
      if (Array.isArray(x)) x.forEach((row, i) => t.set(i, name, row));
      else t.set(0, name, x);
    }
    return rows;
  }
  if (!Array.isArray(v)) return `'${key}' is neither a list nor a dict`;
  if (v.every(isRecord)) {
    v.forEach((rec, i) => { for (const [name, x] of Object.entries(rec)) t.set(i, name, x); });
    return v.length;
  }
  return addRows(t, undefined, v, model, featureNames);
}

/** One logged reply (the predictions) → rows in `t`. */
function addOutputs(t: RowTable, outputs: string | null): number {
  if (!outputs) return 0;
  let json: unknown;
  try { json = JSON.parse(outputs); } catch { return 0; }
  const add = (name: string, v: unknown) => {
    if (!Array.isArray(v)) { t.set(0, name, v); return 1; }
    v.forEach((row, i) => t.set(i, name, row));
    return v.length;
  };
  if (isRecord(json)) return Math.max(0, ...Object.entries(json).map(([k, v]) => add(`prediction.${k}`, v)));
  return add('prediction', json);
}

/** Single-value outputs that are class labels become categorical: by the model's declared type, else when every value is an integer. */
function labelsToCategories(t: RowTable, model: ServedModel | undefined): void {
  for (const name of t.names) {
    const m = /^prediction(?:\.([^.[]+))?$/.exec(name);
    const b = t.builder(name)!;
    if (!m) continue;
    const declared = m[1] === undefined ? (model?.outputs.length === 1 ? model.outputs[0].type : undefined) : model?.outputs.find(o => o.name === m[1])?.type;
    if (declared ? LABEL_TYPES.test(declared) : b.integral()) b.toCategorical();
  }
}

/**
 * The logged endpoint ids an endpoint name stands for. `mlops serve` logs as `<ref>#<pid>`, so a name matches an
 * id exactly, or its ref across restarts (`models:/iris@champion`), or else every ref of that registered model (`iris`).
 */
export function endpointIds(logged: string[], name: string): string[] {
  const ref = (id: string) => id.replace(/#\d+$/, '');
  const exact = logged.filter(id => id === name || ref(id) === name);
  return exact.length ? exact : logged.filter(id => /^models:\/([^/@]+)/.exec(ref(id))?.[1] === name);
}

/** The logged requests of `endpoint` in [from, to] as one dataset; no request in the window is an error. */
export function requestLogDataset(store: Store, endpoint: string, opts: RequestLogOptions = {}): Dataset {
  const from = opts.from ?? 0;
  const to = opts.to ?? Date.now();
  if (!(from <= to)) throw invalid(`the window of endpoint '${endpoint}' ends (${to}) before it starts (${from})`);
  const logged = store.servingLog.endpoints();
  const ids = endpointIds(logged, endpoint);
  if (!ids.length) {
    const refs = [...new Set(logged.map(id => id.replace(/#\d+$/, '')))];
    throw notFound(`endpoint '${endpoint}' has no logged requests: serve it with request logging on (--log-sample > 0)${refs.length ? `; endpoints with logged requests: ${refs.join(', ')}` : ''}`);
  }
  const span = store.servingLog.span(ids, from, to);
  if (!span.count) {
    const all = store.servingLog.span(ids);
    throw notFound(`endpoint '${endpoint}' logged no requests in ${formatWindow(from, to)} (it logged ${all.count} in ${formatWindow(all.first!, all.last!)})`);
  }
  const models = new Map(span.models.map(m => [`${m.name}\n${m.version}`, servedModel(store, m.name, m.version)]));
  const inputs = new RowTable();
  const outputs = new RowTable();
  let skipped = 0;
  let firstProblem = '';
  let lastModel: ServedModel | undefined;
  for (const r of store.servingLog.iterate(ids, from, to)) {
    const model = r.model_name && r.model_version ? models.get(`${r.model_name}\n${r.model_version}`) : undefined;
    lastModel = model ?? lastModel;
    let n: number | string;
    try { n = addInputs(inputs, r.inputs, model, opts.featureNames); } catch (e) { n = (e as Error).message; }
    if (typeof n === 'string') {
      skipped++;
      firstProblem ||= `request at ${new Date(r.time).toISOString()}: ${n}`;
      continue;
    }
    const rows = Math.max(n, addOutputs(outputs, r.outputs));
    inputs.endBlock(rows);
    outputs.endBlock(rows);
  }
  const window = formatWindow(opts.from ?? span.first!, opts.to ?? span.last!);
  const where = `endpoint '${endpoint}' ${window}`;
  if (skipped === span.count) throw invalid(`${where}: none of the ${span.count} logged requests could be read (first: ${firstProblem})`);
  if (skipped) log.warn(`${where}: ${skipped} of ${span.count} logged requests left out (first: ${firstProblem})`);
  labelsToCategories(outputs, lastModel);
  return {
    source: `endpoint ${endpoint} ${window}`,
    rows: inputs.rows,
    columns: [...inputs.finish(), ...outputs.finish()],
  };
}
