// The engine's pipeline endpoints (list dvc.yaml files, stage status) and the short words the views show.
import type { EngineClient } from '../engineClient';
import type { DefinitionErrorDto, PipelineListItem, PipelineStageDto, PipelineStatusDto, StageStateDto } from '../../shared/dto';

export type { DefinitionErrorDto, PipelineListItem, PipelineStageDto, PipelineStatusDto, StageStateDto };

export async function listPipelines(c: EngineClient): Promise<PipelineListItem[]> {
  return (await c.client.http.call<{ pipelines?: PipelineListItem[] }>('GET', '/api/2.0/mlops/pipelines/list')).pipelines ?? [];
}

export async function pipelineStatus(c: EngineClient, file: string): Promise<PipelineStatusDto> {
  return c.client.http.call<PipelineStatusDto>('GET', '/api/2.0/mlops/pipelines/status', { file });
}

const STATE_WORDS: Record<StageStateDto, string> = {
  'up-to-date': 'up to date', changed: 'changed', 'never-run': 'never run', frozen: 'frozen', running: 'running…', failed: 'failed',
};

/** "up to date", "changed: params, deps", "running…", "failed", "frozen", "never run". */
export function stateText(stage: Pick<PipelineStageDto, 'status'>): string {
  const s = stage.status;
  if (s.state !== 'changed') return STATE_WORDS[s.state] ?? s.state;
  const kinds: string[] = [...new Set(s.changes.map(c => (c.kind === 'always-changed' ? 'always' : c.kind)))];
  if (!kinds.length) kinds.push(...new Set(s.reasons.map(r => /^(\w+)/.exec(r)?.[1] ?? '').filter(Boolean)));
  return kinds.length ? `changed: ${kinds.join(', ')}` : 'changed';
}

/** A stage's command as one line. */
export function cmdText(cmd: string | string[]): string {
  return Array.isArray(cmd) ? cmd.join(' && ') : cmd;
}

/** Out paths whatever their shape in the DTO (plain strings or {path}). */
export function pathsOf(xs: (string | { path: string })[] | undefined): string[] {
  return (xs ?? []).map(x => (typeof x === 'string' ? x : x.path));
}

/** Params entries as "file: key, key" lines. */
export function paramsText(xs: PipelineStageDto['params']): string[] {
  return xs.map(p => `${p.file}${p.keys.length ? `: ${p.keys.join(', ')}` : ''}`);
}

/** The stage's most recent run, failed and killed ones included (the status only names the last successful one). */
export async function latestStageRun(c: EngineClient, file: string, stage: string): Promise<string | undefined> {
  const q = (s: string) => s.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  const exps = await c.experiments();
  if (!exps.length) return undefined;
  const { runs } = await c.runs(exps.map(e => e.id), {
    filter: `tags.\`mlops.pipeline.stage\` = '${q(stage)}' AND tags.\`mlops.pipeline.file\` = '${q(file)}'`, orderBy: ['attributes.start_time DESC'], max: 1,
  });
  return runs[0]?.info.run_id;
}
