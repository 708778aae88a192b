// registered-models/* and model-versions/* (MLflow's shapes), plus MLOps' governance endpoints.
import type { Handler } from '../context';
import type { Decoder } from '../decode';
import { parseVersion } from '../../registry/registry';
import { invalid } from '../../errors';
import type { Target } from '../../registry/promotion';
import { pushVersion } from '../../registry/remotePush';

const version = (d: Decoder) => parseVersion(d.reqStr('version'));
const target = (d: Decoder): Target => {
  const stage = d.str('stage');
  const alias = d.str('alias');
  if (!stage === !alias) throw invalid("Specify exactly one of 'stage' or 'alias'");
  return stage ? { stage: stage as Target['stage'] } : { alias };
};

export const createModel: Handler = ({ engine, d }) => ({ registered_model: engine.registry.createModel(d.reqStr('name'), d.str('description') ?? '', d.kvList('tags')) });
export const renameModel: Handler = ({ engine, d }) => ({ registered_model: engine.registry.renameModel(d.reqStr('name'), d.reqStr('new_name')) });
export const updateModel: Handler = ({ engine, d }) => ({ registered_model: engine.registry.updateModel(d.reqStr('name'), d.str('description') ?? '') });
export const deleteModel: Handler = ({ engine, d }) => { engine.registry.deleteModel(d.reqStr('name')); return {}; };
export const getModel: Handler = ({ engine, d }) => ({ registered_model: engine.registry.getModel(d.reqStr('name')) });
export const searchModels: Handler = ({ engine, d }) =>
  engine.registry.searchModels({ filter: d.str('filter'), maxResults: d.int('max_results'), orderBy: d.strList('order_by'), pageToken: d.str('page_token') });
export const latestVersions: Handler = ({ engine, d }) => ({ model_versions: engine.registry.latestVersions(d.reqStr('name'), d.strList('stages')) });
export const setModelTag: Handler = ({ engine, d }) => { engine.registry.setModelTag(d.reqStr('name'), d.reqStr('key'), d.str('value') ?? ''); return {}; };
export const deleteModelTag: Handler = ({ engine, d }) => { engine.registry.deleteModelTag(d.reqStr('name'), d.reqStr('key')); return {}; };
export const setAlias: Handler = ({ engine, d }) => { engine.promotion.setAlias(d.reqStr('name'), d.reqStr('alias'), version(d), { user: d.str('user') }); return {}; };
export const deleteAlias: Handler = ({ engine, d }) => { engine.promotion.deleteAlias(d.reqStr('name'), d.reqStr('alias'), { user: d.str('user') }); return {}; };
export const getByAlias: Handler = ({ engine, d }) => ({ model_version: engine.registry.byAlias(d.reqStr('name'), d.reqStr('alias')) });

export const createVersion: Handler = async ({ engine, d }) => ({
  model_version: await engine.registry.createVersion({
    name: d.reqStr('name'), source: d.reqStr('source'), runId: d.str('run_id') || undefined, runLink: d.str('run_link'),
    description: d.str('description'), tags: d.kvList('tags'),
  }),
});
export const updateVersion: Handler = ({ engine, d }) => ({ model_version: engine.registry.updateVersion(d.reqStr('name'), version(d), d.str('description') ?? '') });
export const transitionStage: Handler = ({ engine, d }) => ({
  model_version: engine.promotion.transition(d.reqStr('name'), version(d), d.reqStr('stage'),
    { archiveExisting: d.bool('archive_existing_versions') ?? false, user: d.str('user') }).model_version,
});
export const deleteVersion: Handler = ({ engine, d }) => { engine.registry.deleteVersion(d.reqStr('name'), version(d)); return {}; };
export const getVersion: Handler = ({ engine, d }) => ({ model_version: engine.registry.getVersion(d.reqStr('name'), version(d)) });
export const searchVersions: Handler = ({ engine, d }) =>
  engine.registry.searchVersions({ filter: d.str('filter'), maxResults: d.int('max_results'), orderBy: d.strList('order_by'), pageToken: d.str('page_token') });
export const downloadUri: Handler = ({ engine, d }) => ({ artifact_uri: engine.registry.downloadUri(d.reqStr('name'), version(d)) });
export const setVersionTag: Handler = ({ engine, d }) => { engine.registry.setVersionTag(d.reqStr('name'), version(d), d.reqStr('key'), d.str('value') ?? ''); return {}; };
export const deleteVersionTag: Handler = ({ engine, d }) => { engine.registry.deleteVersionTag(d.reqStr('name'), version(d), d.reqStr('key')); return {}; };

// ---- MLOps governance ----
export const evaluateGates: Handler = ({ engine, d }) => ({ gates: engine.promotion.evaluate(d.reqStr('name'), version(d), target(d)) });
export const promote: Handler = ({ engine, d }) => {
  const t = target(d);
  const opts = { override: d.bool('override') ?? false, reason: d.str('reason'), user: d.str('user'), archiveExisting: d.bool('archive_existing_versions') ?? true };
  const r = t.stage ? engine.promotion.transition(d.reqStr('name'), version(d), t.stage, opts) : engine.promotion.setAlias(d.reqStr('name'), t.alias!, version(d), opts);
  return { ...r };
};
export const rollback: Handler = ({ engine, d }) =>
  ({ ...engine.promotion.rollback(d.reqStr('name'), { stage: d.str('stage') as Target['stage'], alias: d.str('alias') }, { reason: d.str('reason'), user: d.str('user') }) });
export const auditTrail: Handler = ({ engine, d }) => ({ entries: engine.promotion.audit(d.reqStr('name')) });
export const lineage: Handler = ({ engine, d }) => {
  const name = d.reqStr('name');
  const v = version(d);
  return { model_version: engine.registry.getVersion(name, v), lineage: engine.registry.lineage(name, v), audit: engine.promotion.audit(name).filter(e => e.version === String(v)) };
};
export const runVersions: Handler = ({ engine, d }) => ({ versions: engine.store.registry.versionsOfRuns(d.strList('run_ids')) });
/** Pushes a local version to a remote MLflow registry; answers the PushReport (the plan when dry_run). `alias` and/or `aliases`. */
export const push: Handler = async ({ engine, d }) => ({
  ...await pushVersion(engine, {
    name: d.reqStr('name'), version: version(d), stage: d.str('stage') || undefined, aliases: [...d.strList('aliases'), d.str('alias') ?? ''].filter(Boolean),
    dryRun: d.bool('dry_run') ?? false,
    remote: { uri: d.reqStr('remote_uri'), token: d.str('token') || undefined, username: d.str('username') || undefined, password: d.str('password') || undefined },
  }),
});
