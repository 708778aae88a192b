// A SourceSpec → a Dataset: a data file (relative to the workspace), a dataset logged as a run input (its MLflow
// source resolved to a local file), or an endpoint's request log over a window.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalid, notFound } from '../errors';
import type { Engine } from '../engine';
import { resolveSource as artifactLocation } from '../registry/lineage';
import type { ReadOptions } from './readers';
import { readDatasetGuarded } from './guardedRead';
import { requestLogDataset } from './requestLogDataset';
import type { Dataset, SourceSpec } from './types';

export interface SourceOptions extends ReadOptions {
  /** "Now" for windows relative to it (endpoint windowMinutes); default Date.now(). */
  now?: number;
  /** Names for an unnamed [N, k] request tensor's columns (endpoint sources). */
  featureNames?: string[];
}

/** The location in an MLflow dataset source: JSON ({"uri"}, {"url"}, {"path"}…) or the string itself. */
function sourceLocation(source: string): string | undefined {
  const s = source.trim();
  if (!s.startsWith('{')) return s || undefined;
  try {
    const o = JSON.parse(s) as Record<string, unknown>;
    const v = ['uri', 'url', 'path', 'file', 'location'].map(k => o[k]).find(x => typeof x === 'string' && x);
    return v as string | undefined;
  } catch {
    return s;
  }
}

/**
 * A dataset source as a local file: file:// URIs, plain paths (relative ones against the workspace), and runs:/,
 * models:/ and mlflow-artifacts:/ URIs in this workspace's artifact store. Remote locations are an error.
 */
export function localSourceFile(engine: Engine, source: string, what: string): string {
  const loc = sourceLocation(source);
  if (!loc) throw invalid(`${what}: its source ${source} names no file`);
  if (/^file:/i.test(loc)) {
    try { return fileURLToPath(loc); } catch { /* a host or odd form: decode the path part below */ }
    try { return path.resolve(engine.workspace, decodeURIComponent(loc.replace(/^file:/i, ''))); } catch { throw invalid(`${what}: its source ${source} is not a readable file URI`); }
  }
  if (/^(runs|models|mlflow-artifacts):/.test(loc)) {
    const uri = loc.startsWith('mlflow-artifacts:') ? loc : artifactLocation(engine.store, loc).storage;
    if (/^(runs|models):/.test(uri)) throw notFound(`${what}: its source ${loc} does not resolve in this workspace's store`);
    return engine.artifacts.localDir(uri);
  }
  // A URI scheme of two letters or more (a drive letter such as C: is a path).
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(loc)?.[1];
  if (scheme) throw invalid(`${what}: its source ${loc} is remote (${scheme}); download it and compare a local file instead`);
  return path.resolve(engine.workspace, loc);
}

/** The run's dataset input by name or digest (the only one when not given), read from its source file. */
export async function runInputDataset(engine: Engine, runId: string, nameOrDigest?: string, opts: ReadOptions = {}): Promise<Dataset> {
  const inputs = engine.runs.get(runId).inputs.dataset_inputs.map(i => i.dataset)
    .sort((a, b) => a.name.localeCompare(b.name) || a.digest.localeCompare(b.digest));
  const list = () => inputs.map(d => `${d.name} (digest ${d.digest})`).join(', ');
  if (!inputs.length) throw notFound(`run ${runId} has no dataset inputs (log one with mlflow.log_input)`);
  let matches = nameOrDigest === undefined ? inputs : inputs.filter(d => d.digest === nameOrDigest);
  if (nameOrDigest !== undefined && !matches.length) matches = inputs.filter(d => d.name === nameOrDigest);
  if (!matches.length) throw notFound(`run ${runId} has no dataset input named or with digest '${nameOrDigest}' (it has ${list()})`);
  if (matches.length > 1) {
    throw invalid(`run ${runId} has ${matches.length} dataset inputs${nameOrDigest === undefined ? '' : ` named '${nameOrDigest}'`}: choose one by ${nameOrDigest === undefined ? 'name or ' : ''}digest (${matches.map(d => `${d.name} (digest ${d.digest})`).join(', ')})`);
  }
  const d = matches[0];
  const label = `run ${runId} input ${d.name}`;
  const file = localSourceFile(engine, d.source, `${label} (digest ${d.digest})`);
  try {
    return { ...(await readDatasetGuarded(file, opts)), source: label };
  } catch (e) {
    if ((e as { code?: string }).code === 'RESOURCE_DOES_NOT_EXIST') throw notFound(`${label} (digest ${d.digest}): its source file ${file} does not exist`);
    throw e;
  }
}

/** Only the named columns, in that order. */
function pick(d: Dataset, columns: string[] | undefined): Dataset {
  if (!columns) return d;
  return {
    ...d,
    columns: columns.map(c => d.columns.find(x => x.name === c) ?? (() => { throw invalid(`${d.source}: no column '${c}' (the columns are ${d.columns.map(x => x.name).join(', ')})`); })()),
  };
}

/** Reads any source; relative file paths are against the workspace. `engine` may be just a workspace for file sources. */
export async function resolveSource(engine: Engine | { workspace: string }, spec: SourceSpec, opts: SourceOptions = {}): Promise<Dataset> {
  const full = (): Engine => {
    if (!('store' in engine)) throw invalid(`a ${spec.kind} source needs the workspace's store`);
    return engine;
  };
  switch (spec?.kind) {
    case 'file': {
      if (!spec.path) throw invalid('a file source needs a path');
      const file = path.resolve(engine.workspace, spec.path);
      return { ...(await readDatasetGuarded(file, opts)), source: spec.path };
    }
    case 'run':
      return runInputDataset(full(), spec.runId, spec.dataset, opts);
    case 'endpoint': {
      const now = opts.now ?? Date.now();
      const from = spec.windowMinutes !== undefined ? now - spec.windowMinutes * 60_000 : spec.from;
      const to = spec.windowMinutes !== undefined ? now : spec.to;
      opts.signal?.throwIfAborted();
      return pick(requestLogDataset(full().store, spec.endpoint, { from, to, featureNames: opts.featureNames }), opts.columns);
    }
    default:
      throw invalid(`unknown data source ${JSON.stringify(spec)} (expected a file, run or endpoint source)`);
  }
}
