// MODEL_REF → a local ONNX file: models:/name@alias, models:/name/Stage, models:/name/3, or a path to a .onnx file.
import fs from 'node:fs';
import path from 'node:path';
import { invalid, notFound } from '../errors';
import type { Engine } from '../engine';
import { checkStage } from '../registry/registry';
import { findOnnxFile } from './modelSession';

export interface ResolvedModel {
  ref: string;
  file: string;
  /** Registered model name and version, when the ref came from the registry. */
  name?: string;
  version?: string;
}


/** Resolves a model reference against the workspace registry (a path needs no engine). */
export function resolveModelRef(ref: string, engine?: Engine): ResolvedModel {
  const m = /^models:\/([^/@]+)(?:@([^/]+)|\/([^/]+))\/?$/.exec(ref);
  if (!m) {
    const file = path.resolve(ref);
    if (!fs.existsSync(file)) throw notFound(`Model file ${file} does not exist`);
    const onnx = findOnnxFile(file);
    if (!onnx) throw invalid(`${file} is not an .onnx file (or a folder holding one)`);
    return { ref, file: onnx };
  }
  if (!engine) throw invalid(`${ref} needs a workspace with a model registry`);
  const [, name, alias, stageOrVersion] = m;
  let version: number;
  if (alias) version = Number(engine.registry.byAlias(name, alias).version);
  else if (/^\d+$/.test(stageOrVersion)) version = Number(stageOrVersion);
  else if (stageOrVersion.toLowerCase() === 'latest') {
    const v = engine.registry.searchVersions({ filter: `name = '${name.replace(/'/g, "\\'")}'`, maxResults: 1 }).model_versions[0];
    if (!v) throw notFound(`Registered model ${name} has no versions`);
    version = Number(v.version);
  } else {
    const stage = checkStage(stageOrVersion);
    const v = engine.registry.latestVersions(name, [stage])[0];
    if (!v) throw notFound(`Registered model ${name} has no version in stage ${stage}`);
    version = Number(v.version);
  }
  const storage = engine.registry.downloadUri(name, version);
  const file = findOnnxFile(engine.artifacts.localDir(storage));
  if (!file) throw invalid(`${name} version ${version} (${storage}) holds no .onnx file`);
  return { ref, file, name, version: String(version) };
}
