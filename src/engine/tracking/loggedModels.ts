// MLflow 3 logged models: create, finalize, tags, params, search, delete.
import crypto from 'node:crypto';
import { invalid, notFound } from '../errors';
import type { Store } from '../store/store';
import type { KeyValue, LoggedModel, LoggedModelStatus } from '../../shared/dto';
import type { ExperimentsService } from './experiments';
import { FilterSyntaxError, parseFilter } from '../../shared/searchFilter';
import { compileLoggedModelSearch, LOGGED_MODEL_ATTRIBUTES } from '../store/loggedModelSearchSql';
import { checkMaxResults, decodeToken, page } from './paging';
import { generateRunName } from './runs';
import { LIMITS, validateKey, validateValue } from './validate';

export const LOGGED_MODEL_STATUSES: readonly LoggedModelStatus[] = ['LOGGED_MODEL_STATUS_UNSPECIFIED', 'LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED'];

export class LoggedModelsService {
  constructor(private readonly store: Store, private readonly experiments: ExperimentsService) {}

  create(req: { experimentId: string; name?: string; modelType?: string; sourceRunId?: string; params: KeyValue[]; tags: KeyValue[] }): LoggedModel {
    const exp = this.experiments.getActive(req.experimentId);
    const name = req.name || generateRunName();
    if (/[/:.%"']/.test(name)) throw invalid(`Invalid model name '${name}': names may not contain / : . % " '`);
    for (const p of req.params) validateValue('Param', validateKey('Param', p.key), p.value, LIMITS.paramValueBytes);
    for (const t of req.tags) validateValue('Tag', validateKey('Tag', t.key), t.value, LIMITS.tagValueBytes);
    const id = `m-${crypto.randomUUID().replace(/-/g, '')}`;
    const now = Date.now();
    this.store.tx(() => {
      this.store.loggedModels.insert({
        model_id: id, experiment_id: Number(exp.experiment_id), name, creation_time: now, last_updated_time: now,
        artifact_uri: `${exp.artifact_location.replace(/\/+$/, '')}/models/${id}/artifacts`, status: 'LOGGED_MODEL_PENDING',
        source_run_id: req.sourceRunId ?? null, model_type: req.modelType ?? null,
      });
      for (const p of req.params) this.store.loggedModels.setParam(id, p.key, p.value);
      for (const t of req.tags) this.store.loggedModels.setTag(id, t.key, t.value);
    });
    this.store.changed('model', id, exp.experiment_id);
    return this.get(id);
  }

  get(id: string): LoggedModel {
    const m = this.store.loggedModels.get(id);
    if (!m) throw notFound(`Logged model with ID '${id}' not found.`);
    return m;
  }

  finalize(id: string, status: LoggedModelStatus): LoggedModel {
    if (!LOGGED_MODEL_STATUSES.includes(status)) throw invalid(`Invalid value '${status}' for parameter 'status'`);
    this.get(id);
    this.store.tx(() => this.store.loggedModels.setStatus(id, status, Date.now()));
    this.store.changed('model', id);
    return this.get(id);
  }

  delete(id: string): void {
    this.get(id);
    this.store.tx(() => this.store.loggedModels.delete(id, Date.now()));
    this.store.changed('model', id);
  }

  setTags(id: string, tags: KeyValue[]): void {
    for (const t of tags) validateValue('Tag', validateKey('Tag', t.key), t.value, LIMITS.tagValueBytes);
    this.get(id);
    this.store.tx(() => { for (const t of tags) this.store.loggedModels.setTag(id, t.key, t.value); });
    this.store.changed('model', id);
  }

  deleteTag(id: string, key: string): void {
    this.get(id);
    if (!this.store.tx(() => this.store.loggedModels.deleteTag(id, key))) throw notFound(`No tag with key '${key}' found for model with ID '${id}'.`);
    this.store.changed('model', id);
  }

  logParams(id: string, params: KeyValue[]): void {
    for (const p of params) validateValue('Param', validateKey('Param', p.key), p.value, LIMITS.paramValueBytes);
    this.get(id);
    this.store.tx(() => { for (const p of params) this.store.loggedModels.setParam(id, p.key, p.value); });
    this.store.changed('model', id);
  }

  search(req: { experimentIds: string[]; filter?: string; maxResults?: number; orderBy: { field_name: string; ascending?: boolean }[]; pageToken?: string }):
    { models: LoggedModel[]; next_page_token?: string } {
    if (!req.experimentIds.length) throw invalid("Missing value for required parameter 'experiment_ids'.");
    const limit = checkMaxResults(req.maxResults, 50, LIMITS.maxResults);
    const offset = decodeToken(req.pageToken);
    let q;
    try {
      q = compileLoggedModelSearch(parseFilter(req.filter, LOGGED_MODEL_ATTRIBUTES), req.orderBy);
    } catch (e) {
      if (e instanceof FilterSyntaxError) throw invalid(`Invalid filter '${req.filter}': ${e.message}`);
      throw e;
    }
    const rows = this.store.loggedModels.search(req.experimentIds.map(Number), q.where, q.args, q.order, limit + 1, offset);
    const [models, next] = page(rows, limit, offset);
    return { models, ...next };
  }
}
