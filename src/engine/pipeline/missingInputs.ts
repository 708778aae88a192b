// What a stage reads but cannot find: deps not on disk, params keys (or whole params files) not in their file.
// Status reports them as reasons; repro refuses to run a stage that has any (as DVC does), naming each one.
import fs from 'node:fs';
import path from 'node:path';
import { loadParamsFile, lookup } from './paramsFile';
import { isInside } from './dag';
import type { Stage } from './types';

/** A params key missing from its file (file relative to the pipeline root); key '' = the whole file is missing. */
export interface MissingParam { file: string; key: string }
export interface MissingInputs { deps: string[]; params: MissingParam[] }

/** Missing deps and params of a stage; a malformed params file throws its PipelineError (file:line:col). */
export function missingInputs(root: string, stage: Stage): MissingInputs {
  return { deps: missingDeps(root, stage), params: missingParams(root, stage) };
}

export function missingDeps(root: string, stage: Stage): string[] {
  return stage.deps.filter(d => !fs.existsSync(path.resolve(root, d)));
}

export function missingParams(root: string, stage: Stage): MissingParam[] {
  const params: MissingParam[] = [];
  for (const dep of stage.params) {
    const file = path.resolve(root, dep.file);
    if (!fs.existsSync(file)) {
      params.push(...(dep.keys.length ? dep.keys.map(key => ({ file: dep.file, key })) : [{ file: dep.file, key: '' }]));
      continue;
    }
    const data = loadParamsFile(file);
    for (const key of dep.keys) if (!lookup(data, key).found) params.push({ file: dep.file, key });
  }
  return params;
}

/** The other stage whose output `rel` is (or lies inside), if any. */
export function producerOf(stages: Stage[], self: Stage, rel: string): string | undefined {
  return stages.find(o => o !== self && o.outs.some(x => isInside(rel, x.path)))?.name;
}

/** Only what no other stage writes: before a first run, what upstream will produce is not a problem yet. */
export function unproduced(m: MissingInputs, stages: Stage[], self: Stage): MissingInputs {
  return { deps: m.deps.filter(d => !producerOf(stages, self, d)), params: m.params.filter(x => !producerOf(stages, self, x.file)) };
}

/** "lr, epochs in params.yaml; beta in conf/model.yaml"; a whole missing file is named alone. */
export function paramsText(missing: MissingParam[]): string {
  const byFile = new Map<string, string[]>();
  for (const m of missing) {
    if (!byFile.has(m.file)) byFile.set(m.file, []);
    if (m.key) byFile.get(m.file)!.push(m.key);
  }
  return [...byFile].map(([file, keys]) => (keys.length ? `${keys.join(', ')} in ${file}` : file)).join('; ');
}

/**
 * Why a stage cannot run ("missing dependency 'x.csv' (no stage produces it); params missing: lr in params.yaml"),
 * or undefined when nothing is missing. `producerOf` names the stage writing a path, if any.
 */
export function missingInputsError(m: MissingInputs, producerOf: (dep: string) => string | undefined = () => undefined): string | undefined {
  const parts = m.deps.map(d => {
    const by = producerOf(d);
    return `missing dependency '${d}' (${by ? `an output of stage '${by}', which has not produced it` : 'no stage produces it'})`;
  });
  if (m.params.length) parts.push(`params missing: ${paramsText(m.params)}`);
  return parts.length ? parts.join('; ') : undefined;
}
