// Registered models and versions with MLflow's rules: unique names, per-model version numbers, tags, search.
import { alreadyExists, invalid, notFound } from '../errors';
import type { Store } from '../store/store';
import type { ArtifactsService } from '../tracking/artifacts';
import type { KeyValue, Lineage, ModelVersion, RegisteredModel, Stage } from '../../shared/dto';
import { FilterSyntaxError, parseFilter } from '../../shared/searchFilter';
import { compileModelSearch, compileVersionSearch, MODEL_ATTRIBUTES, VERSION_ATTRIBUTES } from '../store/registrySearchSql';
import type { VersionRow } from '../store/registryRepo';
import { checkMaxResults, decodeToken, page } from '../tracking/paging';
import { LIMITS, validateKey, validateValue } from '../tracking/validate';
import { captureLineage, missingSource, resolveSource } from './lineage';
import { auditUser } from './auditUser';

export const STAGES: readonly Stage[] = ['None', 'Staging', 'Production', 'Archived'];

export function parseVersion(v: string | number | undefined): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (v === undefined || v === '' || !Number.isSafeInteger(n) || n < 1) throw invalid(`Invalid model version '${v}': expected a positive integer`);
  return n;
}

export function checkStage(stage: string): Stage {
  const s = STAGES.find(x => x.toLowerCase() === stage.toLowerCase());
  if (!s) throw invalid(`Invalid Model Version stage: ${stage}. Value must be one of ${STAGES.join(', ')}.`);
  return s;
}

export class RegistryService {
  constructor(private readonly store: Store, private readonly artifacts: ArtifactsService) {}

  private get repo() { return this.store.registry; }

  private checkName(name: string): string {
    if (!name || !name.trim()) throw invalid("Registered model name cannot be empty.");
    if (name.length > 256 || /[/\\%]/.test(name)) throw invalid(`Invalid registered model name '${name}': at most 256 characters, no '/', '\\' or '%'`);
    return name;
  }

  createModel(name: string, description = '', tags: KeyValue[] = []): RegisteredModel {
    this.checkName(name);
    for (const t of tags) validateValue('Tag', validateKey('Tag', t.key), t.value, LIMITS.tagValueBytes);
    this.store.tx(() => {
      if (this.repo.modelRow(name)) throw alreadyExists(`Registered Model (name=${name}) already exists.`);
      this.repo.insertModel(name, description, Date.now());
      for (const t of tags) this.repo.setModelTag(name, t.key, t.value);
    });
    this.store.changed('registry', name);
    return this.getModel(name);
  }

  getModel(name: string): RegisteredModel {
    const row = this.repo.modelRow(name);
    if (!row) throw notFound(`Registered Model with name=${name} not found`);
    return this.repo.hydrateModel(row);
  }

  renameModel(name: string, newName: string): RegisteredModel {
    this.checkName(newName);
    this.store.tx(() => {
      this.getModel(name);
      if (this.repo.modelRow(newName)) throw alreadyExists(`Registered Model (name=${newName}) already exists.`);
      this.repo.renameModel(name, newName, Date.now());
    });
    this.store.changed('registry', newName);
    return this.getModel(newName);
  }

  updateModel(name: string, description: string): RegisteredModel {
    this.store.tx(() => { this.getModel(name); this.repo.updateModel(name, description, Date.now()); });
    this.store.changed('registry', name);
    return this.getModel(name);
  }

  deleteModel(name: string): void {
    this.store.tx(() => {
      this.getModel(name);
      const now = Date.now();
      this.repo.audit({ time: now, user_id: auditUser(), name, action: 'delete', target: '', reason: 'registered model deleted', gates: [], overridden: false });
      this.repo.deleteModel(name, now);
    });
    this.store.changed('registry', name);
  }

  setModelTag(name: string, key: string, value: string): void {
    validateValue('Tag', validateKey('Tag', key), value, LIMITS.tagValueBytes);
    this.store.tx(() => { this.getModel(name); this.repo.setModelTag(name, key, value); });
    this.store.changed('registry', name);
  }

  deleteModelTag(name: string, key: string): void {
    this.store.tx(() => {
      this.getModel(name);
      if (!this.repo.deleteModelTag(name, key)) throw notFound(`No tag with key '${key}' on registered model '${name}'`);
    });
    this.store.changed('registry', name);
  }

  searchModels(opts: { filter?: string; maxResults?: number; orderBy?: string[]; pageToken?: string }): { registered_models: RegisteredModel[]; next_page_token?: string } {
    const limit = checkMaxResults(opts.maxResults, 100, 1000);
    const offset = decodeToken(opts.pageToken);
    const q = compileModelSearch(this.parse(opts.filter, MODEL_ATTRIBUTES), opts.orderBy ?? []);
    const rows = this.repo.searchModels(q.where, q.args, q.order, limit + 1, offset);
    const [registered_models, next] = page(rows, limit, offset);
    return { registered_models, ...next };
  }

  private parse(filter: string | undefined, attrs: typeof MODEL_ATTRIBUTES) {
    try {
      return parseFilter(filter?.replace(/(?<![\w.`'"])version(?=\s*[=!<>])/g, 'version_number'), attrs);
    } catch (e) {
      if (e instanceof FilterSyntaxError) throw invalid(`Invalid filter '${filter}': ${e.message}`);
      throw e;
    }
  }

  // ---- versions ----
  versionRow(name: string, version: number): VersionRow {
    const v = this.repo.versionRow(name, version);
    if (!v) throw notFound(`Model Version (name=${name}, version=${version}) not found`);
    return v;
  }

  getVersion(name: string, version: number): ModelVersion {
    return this.repo.hydrateVersion(this.versionRow(name, version));
  }

  lineage(name: string, version: number): Lineage {
    return JSON.parse(this.versionRow(name, version).lineage) as Lineage;
  }

  async createVersion(req: { name: string; source: string; runId?: string; runLink?: string; description?: string; tags?: KeyValue[]; userId?: string }): Promise<ModelVersion> {
    if (!req.source) throw invalid("Missing value for required parameter 'source'.");
    for (const t of req.tags ?? []) validateValue('Tag', validateKey('Tag', t.key), t.value, LIMITS.tagValueBytes);
    this.getModel(req.name);
    const resolved = resolveSource(this.store, req.source);
    const runId = req.runId || resolved.runId;
    if (req.runId && !this.store.runs.get(req.runId)) throw notFound(`Run with id=${req.runId} not found`);
    const lineage = await captureLineage(this.store, this.artifacts, resolved.storage, runId);
    // As MLflow: a version is always created; one whose source is missing is FAILED_REGISTRATION, saying why.
    const failure = missingSource(this.store, this.artifacts, req.source, resolved);
    const version = this.store.tx(() => {
      this.getModel(req.name);
      const v = this.repo.nextVersion(req.name);
      const now = Date.now();
      this.repo.insertVersion({ name: req.name, version: v, creation_time: now, last_updated_time: now, description: req.description ?? '', user_id: req.userId ?? '',
        source: req.source, storage_location: resolved.storage, run_id: runId ?? null, run_link: req.runLink ?? null,
        status: failure ? 'FAILED_REGISTRATION' : 'READY', status_message: failure ?? null, lineage: JSON.stringify(lineage) });
      for (const t of req.tags ?? []) this.repo.setVersionTag(req.name, v, t.key, t.value);
      this.repo.touchModel(req.name, now);
      this.repo.audit({ time: now, user_id: auditUser(req.userId), name: req.name, version: String(v), action: 'register', target: '', to: 'None', reason: failure ?? '', gates: [], overridden: false });
      return v;
    });
    this.store.changed('registry', req.name);
    return this.getVersion(req.name, version);
  }

  updateVersion(name: string, version: number, description: string): ModelVersion {
    this.store.tx(() => { this.versionRow(name, version); this.repo.updateVersion(name, version, description, Date.now()); });
    this.store.changed('registry', name);
    return this.getVersion(name, version);
  }

  deleteVersion(name: string, version: number): void {
    this.store.tx(() => {
      this.versionRow(name, version);
      this.repo.deleteVersion(name, version);
      this.repo.audit({ time: Date.now(), user_id: auditUser(), name, version: String(version), action: 'delete', target: '', reason: '', gates: [], overridden: false });
    });
    this.store.changed('registry', name);
  }

  setVersionTag(name: string, version: number, key: string, value: string): void {
    validateValue('Tag', validateKey('Tag', key), value, LIMITS.tagValueBytes);
    this.store.tx(() => { this.versionRow(name, version); this.repo.setVersionTag(name, version, key, value); });
    this.store.changed('registry', name);
  }

  deleteVersionTag(name: string, version: number, key: string): void {
    this.store.tx(() => {
      this.versionRow(name, version);
      if (!this.repo.deleteVersionTag(name, version, key)) throw notFound(`No tag with key '${key}' on model version ${name}/${version}`);
    });
    this.store.changed('registry', name);
  }

  searchVersions(opts: { filter?: string; maxResults?: number; orderBy?: string[]; pageToken?: string }): { model_versions: ModelVersion[]; next_page_token?: string } {
    const limit = checkMaxResults(opts.maxResults, 10000, 200000);
    const offset = decodeToken(opts.pageToken);
    const q = compileVersionSearch(this.parse(opts.filter, VERSION_ATTRIBUTES), opts.orderBy ?? []);
    const rows = this.repo.searchVersions(q.where, q.args, q.order, limit + 1, offset);
    const [model_versions, next] = page(rows, limit, offset);
    return { model_versions, ...next };
  }

  latestVersions(name: string, stages: string[]): ModelVersion[] {
    this.getModel(name);
    const wanted = stages.length ? stages.map(checkStage) : STAGES;
    return wanted.flatMap(stage => {
      const v = this.repo.inStage(name, stage)[0];
      return v === undefined ? [] : [this.getVersion(name, v)];
    }).sort((a, b) => Number(a.version) - Number(b.version));
  }

  byAlias(name: string, alias: string): ModelVersion {
    this.getModel(name);
    const v = this.repo.aliasVersion(name, alias);
    if (v === undefined) throw notFound(`Registered model alias ${alias} not found.`);
    return this.getVersion(name, v);
  }

  downloadUri(name: string, version: number): string {
    return this.versionRow(name, version).storage_location;
  }
}
