// Experiment rules: unique names, active/deleted lifecycle, tags, search.
import { alreadyExists, invalid, notFound } from '../errors';
import type { Store } from '../store/store';
import type { Experiment, KeyValue, ViewType } from '../../shared/dto';
import { FilterSyntaxError, parseFilter, parseOrderByList, type Attributes } from '../../shared/searchFilter';
import { LIMITS, validateKey, validateValue } from './validate';
import { checkMaxResults, decodeToken, page } from './paging';
import { checkArtifactLocation } from './artifacts';
import { compileExperimentSearch } from '../store/experimentSearchSql';

const EXPERIMENT_ATTRIBUTES: Attributes = { strings: ['name'], numbers: ['creation_time', 'last_update_time'] };
export const DEFAULT_EXPERIMENT_ID = '0';

export class ExperimentsService {
  constructor(private readonly store: Store) {}

  ensureDefault(): void {
    if (this.store.experiments.get(DEFAULT_EXPERIMENT_ID)) return;
    const now = Date.now();
    this.store.tx(() => this.store.experiments.insert('Default', id => `mlflow-artifacts:/${id}`, [], now, 0));
  }

  create(name: string, artifactLocation: string | undefined, tags: KeyValue[]): string {
    if (!name.trim()) throw invalid("Invalid experiment name: ''. Experiment name must be a non-empty string");
    if (name.length > LIMITS.experimentNameLength) throw invalid(`Experiment name exceeds ${LIMITS.experimentNameLength} characters`);
    for (const t of tags) validateValue('Tag', validateKey('Tag', t.key), t.value, LIMITS.tagValueBytes);
    if (artifactLocation) checkArtifactLocation(artifactLocation);
    const id = this.store.tx(() => {
      const existing = this.store.experiments.getByName(name);
      if (existing) {
        throw alreadyExists(existing.lifecycle_stage === 'deleted'
          ? `Experiment '${name}' already exists in deleted state. Restore it or permanently delete it first.`
          : `Experiment '${name}' already exists.`);
      }
      const loc = (eid: number) => (artifactLocation ? artifactLocation : `mlflow-artifacts:/${eid}`);
      return this.store.experiments.insert(name, loc, tags, Date.now());
    });
    this.store.changed('experiment', id, id);
    return id;
  }

  get(id: string): Experiment {
    const e = this.store.experiments.get(id);
    if (!e) throw notFound(`No Experiment with id=${id} exists`);
    return e;
  }

  getByName(name: string): Experiment {
    const e = this.store.experiments.getByName(name);
    if (!e) throw notFound(`Could not find experiment with name '${name}'`);
    return e;
  }

  getActive(id: string): Experiment {
    const e = this.get(id);
    if (e.lifecycle_stage !== 'active') throw invalid(`The experiment ${id} must be in the 'active' state. Current state is ${e.lifecycle_stage}.`);
    return e;
  }

  search(opts: { viewType: ViewType; maxResults?: number; filter?: string; orderBy?: string[]; pageToken?: string }):
    { experiments: Experiment[]; next_page_token?: string } {
    const limit = checkMaxResults(opts.maxResults, 1000, LIMITS.maxResults);
    const offset = decodeToken(opts.pageToken);
    try {
      const q = compileExperimentSearch(parseFilter(opts.filter, EXPERIMENT_ATTRIBUTES),
        parseOrderByList(opts.orderBy, EXPERIMENT_ATTRIBUTES), opts.viewType);
      const rows = this.store.experiments.search(q.where, q.args, q.order, limit + 1, offset);
      const [experiments, next] = page(rows, limit, offset);
      return { experiments, ...next };
    } catch (e) {
      if (e instanceof FilterSyntaxError) throw invalid(`Invalid filter '${opts.filter ?? ''}' or order_by: ${e.message}`);
      throw e;
    }
  }

  rename(id: string, newName: string): void {
    if (!newName.trim()) throw invalid('new_name must be a non-empty string');
    this.store.tx(() => {
      this.getActive(id);
      const clash = this.store.experiments.getByName(newName);
      if (clash && clash.experiment_id !== id) throw alreadyExists(`Experiment '${newName}' already exists.`);
      this.store.experiments.rename(id, newName, Date.now());
    });
    this.store.changed('experiment', id, id);
  }

  delete(id: string): void {
    if (id === DEFAULT_EXPERIMENT_ID) throw invalid('Cannot delete the default experiment (id 0).');
    this.store.tx(() => {
      if (this.get(id).lifecycle_stage !== 'active') throw notFound(`No active experiment with id=${id} exists`);
      this.store.experiments.setLifecycle(id, 'deleted', Date.now());
    });
    this.store.changed('experiment', id, id);
  }

  restore(id: string): void {
    this.store.tx(() => {
      if (this.get(id).lifecycle_stage !== 'deleted') throw notFound(`No deleted experiment with id=${id} exists`);
      this.store.experiments.setLifecycle(id, 'active', Date.now());
    });
    this.store.changed('experiment', id, id);
  }

  setTag(id: string, key: string, value: string): void {
    validateKey('Tag', key);
    validateValue('Tag', key, value, LIMITS.tagValueBytes);
    this.store.tx(() => { this.getActive(id); this.store.experiments.setTag(id, key, value); });
    this.store.changed('experiment', id, id);
  }

  deleteTag(id: string, key: string): void {
    this.store.tx(() => {
      this.getActive(id);
      if (!this.store.experiments.deleteTag(id, key)) throw notFound(`No tag with name: ${key} in experiment with id ${id}`);
    });
    this.store.changed('experiment', id, id);
  }
}
