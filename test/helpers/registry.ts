// Registry test fixtures over real HTTP: a run that trained the iris ONNX model (params, metrics, a
// dataset, the artifact uploaded through the proxy), and MLflow-client-style models:/ URI resolution.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './engineProcess';
import { ok } from './replies';
import type { TestServer } from './workspace';

export const IRIS_ONNX = path.join(ROOT, 'test', 'fixtures', 'iris-logreg.onnx');

export interface ModelRun {
  exp: string;
  run: string;
  /** `runs:/<run>/model`, what MLflow's register_model sends as source. */
  source: string;
}

/** Creates a run with params, an `auc` metric and a dataset (log-inputs), then PUTs the ONNX model to <run>/artifacts/model/model.onnx. */
export async function modelRun(s: TestServer, exp: string, opts: { auc?: number; digest?: string; name?: string } = {}): Promise<ModelRun> {
  const run = (await ok(s.call('POST', 'runs/create', { experiment_id: exp, run_name: opts.name ?? 'train', start_time: 1700000000000 }))).run.info.run_id as string;
  await ok(s.call('POST', 'runs/log-batch', {
    run_id: run, params: [{ key: 'C', value: '1.0' }, { key: 'solver', value: 'lbfgs' }],
    metrics: [{ key: 'auc', value: opts.auc ?? 0.8, timestamp: 1700000000001, step: 0 }],
  }));
  await ok(s.call('POST', 'runs/log-inputs', {
    run_id: run, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }],
      dataset: { name: 'iris', digest: opts.digest ?? 'a1b2c3d4', source_type: 'local', source: 'data/iris.csv' } }],
  }));
  const res = await fetch(`${s.url}/api/2.0/mlflow-artifacts/artifacts/${exp}/${run}/artifacts/model/model.onnx`, {
    method: 'PUT', body: new Uint8Array(fs.readFileSync(IRIS_ONNX)), headers: { 'Content-Type': 'application/octet-stream' },
  });
  if (res.status !== 200) throw new Error(`artifact upload failed: ${res.status} ${await res.text()}`);
  return { exp, run, source: `runs:/${run}/model` };
}

/** Registers a version of `name` from the run; returns the ModelVersion. */
export async function register(s: TestServer, name: string, r: ModelRun): Promise<any> {
  return (await ok(s.call('POST', 'model-versions/create', { name, source: r.source, run_id: r.run }))).model_version;
}

/**
 * Resolves a models:/ URI to an artifact URI with the calls MLflow's client makes:
 * `models:/<name>/<version>` → get-download-uri; `models:/<name>/<stage>` and `/latest` → get-latest-versions
 * then get-download-uri; `models:/<name>@<alias>` → alias GET then get-download-uri.
 */
export async function resolveModelUri(s: TestServer, uri: string): Promise<{ version: string; artifact_uri: string }> {
  const m = /^models:\/([^/@]+)(?:\/([^/]+)|@(.+))$/.exec(uri);
  if (!m) throw new Error(`not a models:/ URI: ${uri}`);
  const [, name, suffix, alias] = m;
  const q = encodeURIComponent(name);
  let version: string;
  if (alias !== undefined) {
    version = (await ok(s.call('GET', `registered-models/alias?name=${q}&alias=${encodeURIComponent(alias)}`))).model_version.version;
  } else if (/^\d+$/.test(suffix)) {
    version = suffix;
  } else {
    const stages = suffix.toLowerCase() === 'latest' ? [] : [suffix];
    const latest = (await ok(s.call('POST', 'registered-models/get-latest-versions', { name, stages }))).model_versions ?? [];
    if (!latest.length) throw new Error(`no version of ${name} in ${suffix}`);
    version = latest.map((v: any) => v.version).sort((a: string, b: string) => Number(b) - Number(a))[0];
  }
  const { artifact_uri } = await ok(s.call('GET', `model-versions/get-download-uri?name=${q}&version=${version}`));
  return { version, artifact_uri };
}
