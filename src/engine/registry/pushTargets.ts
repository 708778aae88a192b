// What a push may set on the remote registry: only a stage or alias the version holds locally, because the
// policy's gates run on local promotion. With none given, the version's current stage (unless None) and aliases.
import { invalidState } from '../errors';
import type { ModelVersion, RegisteredModel, Stage } from '../../shared/dto';
import { checkStage } from './registry';
import { checkAlias } from './promotion';

export interface PushTargets {
  stage?: Stage;
  aliases: string[];
}

const FIRST = "Promote it locally first, where the policy's gates run";

/** The stage and aliases to set on the remote, checked against the local version; throws INVALID_STATE otherwise. */
export function pushTargets(model: RegisteredModel, mv: ModelVersion, given: { stage?: string; aliases?: string[] }): PushTargets {
  const what = `${mv.name} version ${mv.version}`;
  if (mv.status !== 'READY') {
    throw invalidState(`Cannot push ${what}: it is ${mv.status}${mv.status_message ? ` (${mv.status_message})` : ''}.`);
  }
  const asked = [...new Set((given.aliases ?? []).filter(a => a !== ''))];
  if (!given.stage && !asked.length) return { ...(mv.current_stage !== 'None' ? { stage: mv.current_stage } : {}), aliases: [...mv.aliases] };
  const stage = given.stage ? checkStage(given.stage) : undefined;
  for (const a of asked) checkAlias(a);
  if (stage && stage !== mv.current_stage) {
    throw invalidState(`Cannot push ${what} as ${stage}: locally it is ${mv.current_stage}. ${FIRST} ` +
      `(mlops registry promote ${mv.name} ${mv.version} --stage ${stage}); a push sets only what the version holds locally.`);
  }
  for (const a of asked.filter(x => !mv.aliases.includes(x))) {
    const holder = model.aliases.find(x => x.alias === a);
    throw invalidState(`Cannot push ${what} with alias @${a}: locally @${a} ${holder ? `is on version ${holder.version}` : 'is not set'}. ${FIRST} ` +
      `(mlops registry alias ${mv.name} ${mv.version} ${a}); a push sets only what the version holds locally.`);
  }
  return { ...(stage ? { stage } : {}), aliases: asked };
}
