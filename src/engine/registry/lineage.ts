// Lineage captured when a version is registered: source run, its params and metrics, dataset digests,
// git state, and the ONNX signature when the artifact is ONNX (read with onnxruntime-node).
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../store/store';
import type { ArtifactsService } from '../tracking/artifacts';
import type { Lineage, TensorSignature } from '../../shared/dto';
import { log } from '../log';
import { findOnnxFile, ModelSession } from '../serving/modelSession';

/** Where `source` lives: runs:/<run>/<path> and models:/m-<id> resolve to their artifact URIs. */
export function resolveSource(store: Store, source: string): { storage: string; runId?: string } {
  const runs = /^runs:\/([^/]+)\/?(.*)$/.exec(source);
  if (runs) {
    const run = store.runs.get(runs[1]);
    if (!run) return { storage: source, runId: runs[1] };
    return { storage: `${run.artifact_uri.replace(/\/+$/, '')}${runs[2] ? `/${runs[2]}` : ''}`, runId: runs[1] };
  }
  const lm = /^models:\/(m-[0-9a-f]+)\/?$/.exec(source);
  if (lm) {
    const m = store.loggedModels.get(lm[1]);
    if (m) return { storage: m.info.artifact_uri, runId: m.info.source_run_id };
  }
  return { storage: source };
}

/**
 * Why a version registered from `source` cannot be READY (its FAILED_REGISTRATION status_message), or undefined
 * when the source exists — or lives outside this engine's reach (s3://…), where it cannot be checked.
 */
export function missingSource(store: Store, artifacts: ArtifactsService, source: string, resolved: { storage: string; runId?: string }): string | undefined {
  if (/^runs:\//.test(source) && resolved.runId && !store.runs.get(resolved.runId)) return `Source ${source} does not exist: there is no run ${resolved.runId}.`;
  if (/^models:\/m-/.test(source) && resolved.storage === source) return `Source ${source} does not exist: there is no such logged model.`;
  let dir: string;
  try { dir = artifacts.localDir(resolved.storage); } catch { return undefined; }
  return fs.existsSync(dir) ? undefined : `Source ${source} does not exist: nothing at ${resolved.storage}.`;
}

/** Input/output names, element types and shapes, read by loading the model into ONNX Runtime. */
export async function onnxSignature(file: string): Promise<{ inputs: TensorSignature[]; outputs: TensorSignature[] }> {
  const m = await ModelSession.load(file);
  try {
    return { inputs: m.inputs, outputs: m.outputs };
  } finally {
    await m.release();
  }
}

export async function captureLineage(store: Store, artifacts: ArtifactsService, storage: string, runId: string | undefined): Promise<Lineage> {
  const lineage: Lineage = { datasets: [], storage_location: storage };
  if (runId && store.runs.get(runId)) {
    const run = store.runs.hydrate([store.runs.get(runId)!])[0];
    const tags = Object.fromEntries(run.data.tags.map(t => [t.key, t.value]));
    lineage.run = {
      run_id: runId, run_name: run.info.run_name, experiment_id: run.info.experiment_id,
      params: Object.fromEntries(run.data.params.map(p => [p.key, p.value])),
      metrics: Object.fromEntries(run.data.metrics.map(m => [m.key, m.value])),
    };
    lineage.datasets = run.inputs.dataset_inputs.map(d => ({
      name: d.dataset.name, digest: d.dataset.digest, source: d.dataset.source,
      ...(d.tags.find(t => t.key === 'mlflow.data.context') ? { context: d.tags.find(t => t.key === 'mlflow.data.context')!.value } : {}),
    }));
    if (tags['mlflow.source.git.commit']) {
      lineage.git = { commit: tags['mlflow.source.git.commit'], branch: tags['mlflow.source.git.branch'], repo_url: tags['mlflow.source.git.repoURL'],
        ...(tags['mlflow.source.git.dirty'] !== undefined ? { dirty: tags['mlflow.source.git.dirty'] === 'true' } : {}) };
    }
  }
  try {
    const file = findOnnxFile(artifacts.localDir(storage));
    if (file) lineage.onnx = { file: path.relative(artifacts.root, file), ...(await onnxSignature(file)) };
  } catch (e) {
    log.warn(`could not read an ONNX signature from ${storage}: ${(e as Error).message}`);
  }
  return lineage;
}
