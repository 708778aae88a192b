// What the registry knows about a served model version, for naming request-log columns: the ONNX inputs and
// outputs captured at registration (lineage) and, when the MLmodel file has an MLflow column signature, the
// feature names that the columns of an unnamed [N, k] tensor stand for.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Store } from '../store/store';
import { ArtifactsService } from '../tracking/artifacts';
import type { Lineage, TensorSignature } from '../../shared/dto';

export interface ServedModel {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  /** MLflow signature input column names (a column-based signature), in order. */
  columns?: string[];
}

function signatureColumns(dir: string): string[] | undefined {
  const file = path.join(dir, 'MLmodel');
  if (!fs.existsSync(file)) return undefined;
  const inputs = (parseYaml(fs.readFileSync(file, 'utf8')) as { signature?: { inputs?: unknown } } | null)?.signature?.inputs;
  const specs = (typeof inputs === 'string' ? JSON.parse(inputs) : inputs) as { type?: string; name?: unknown }[] | undefined;
  if (!Array.isArray(specs) || !specs.length || !specs.every(s => s && s.type !== 'tensor' && typeof s.name === 'string')) return undefined;
  return specs.map(s => s.name as string);
}

/** The registered version's signature; undefined when the version is unknown. Unreadable parts are left out. */
export function servedModel(store: Store, name: string, version: string): ServedModel | undefined {
  const row = store.registry.versionRow(name, Number(version));
  if (!row) return undefined;
  let lineage: Partial<Lineage> = {};
  try { lineage = JSON.parse(row.lineage) as Lineage; } catch { /* no lineage */ }
  const model: ServedModel = { inputs: lineage.onnx?.inputs ?? [], outputs: lineage.onnx?.outputs ?? [] };
  try {
    if (fs.existsSync(store.paths.artifacts)) model.columns = signatureColumns(new ArtifactsService(store.paths.artifacts).localDir(row.storage_location));
  } catch { /* a remote or unreadable location: no column names */ }
  return model;
}
