// What the pipeline endpoints answer: the dvc.yaml files of a workspace, and one pipeline's stages with their
// place in the DAG and their status. A broken definition is an answer (error with file:line:col), not a failure.
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../store/store';
import { invalid, notFound } from '../errors';
import type { DefinitionErrorDto, PipelineListItem, PipelineStatusDto } from '../../shared/dto';
import { findPipelines, loadPipeline } from './definition';
import { pipelineId, pipelineStatus } from './status';
import { PipelineError } from './types';

/** A workspace file as the client names it: relative, posix; absolute when outside the workspace. */
function relName(workspace: string, file: string): string {
  const rel = path.relative(path.resolve(workspace), path.resolve(file));
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}

function problem(workspace: string, e: PipelineError): DefinitionErrorDto & { stages: string[] } {
  return { message: e.reason, file: relName(workspace, e.file), line: e.line, col: e.col, stages: e.stages };
}

/** Every dvc.yaml under the workspace with its stage count, or the first problem of its definition. */
export function listPipelines(workspace: string): PipelineListItem[] {
  return findPipelines(workspace).map(file => {
    const item: PipelineListItem = { file: pipelineId(workspace, file), stages: 0 };
    try {
      item.stages = loadPipeline(file, { workspace }).stages.length;
    } catch (e) {
      if (!(e instanceof PipelineError)) throw e;
      const { stages: _s, ...error } = problem(workspace, e);
      item.error = error;
    }
    return item;
  });
}

/** The absolute path of a pipeline file named relative to the workspace; refuses paths that leave it. */
export function resolvePipelineFile(workspace: string, file: string): string {
  const ws = path.resolve(workspace);
  const abs = path.resolve(ws, file);
  const inside = (root: string, p: string) => {
    const rel = path.relative(root, p);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  };
  if (!inside(ws, abs)) throw invalid(`Pipeline file '${file}' is outside the workspace`);
  let st: fs.Stats;
  try { st = fs.statSync(abs); } catch { throw notFound(`Pipeline file '${file}' does not exist`); }
  if (!st.isFile()) throw notFound(`Pipeline file '${file}' is not a file`);
  if (!inside(fs.realpathSync(ws), fs.realpathSync(abs))) throw invalid(`Pipeline file '${file}' is outside the workspace`);
  return abs;
}

/** Stages (definition order) with cmd, paths, position, DAG neighbours and status; or the definition's problem. */
export function pipelineOverview(store: Store, workspace: string, file: string): PipelineStatusDto {
  const abs = resolvePipelineFile(workspace, file);
  const name = pipelineId(workspace, abs);
  try {
    const p = loadPipeline(abs, { workspace });
    const { dag, stages } = pipelineStatus(store, workspace, p);
    return {
      file: name,
      order: dag.order,
      stages: p.stages.map((s, i) => ({
        name: s.name, cmd: s.cmd, wdir: s.wdir, deps: s.deps, outs: s.outs, metrics: s.metrics, plots: s.plots, params: s.params,
        frozen: s.frozen, desc: s.desc, line: s.pos.line, col: s.pos.col,
        upstream: dag.upstream.get(s.name) ?? [], downstream: dag.downstream.get(s.name) ?? [],
        status: stages[i]!,
      })),
    };
  } catch (e) {
    if (e instanceof PipelineError) return { file: name, error: problem(workspace, e) };
    throw e;
  }
}
