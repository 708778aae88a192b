// experiments/*: decode → service → encode.
import type { Handler } from '../context';
import type { ViewType } from '../../../shared/dto';

export const VIEW_TYPES: readonly ViewType[] = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'];
export const VIEW_TYPES_BY_NUMBER = [undefined, 'ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as unknown as readonly ViewType[];

export const createExperiment: Handler = ({ engine, d }) => ({
  experiment_id: engine.experiments.create(d.reqStr('name'), d.str('artifact_location') || undefined, d.kvList('tags')),
});
export const getExperiment: Handler = ({ engine, d }) => ({ experiment: engine.experiments.get(d.reqStr('experiment_id')) });
export const getExperimentByName: Handler = ({ engine, d }) => ({ experiment: engine.experiments.getByName(d.reqStr('experiment_name')) });
export const searchExperiments: Handler = ({ engine, d }) => engine.experiments.search({
  viewType: d.enumOf('view_type', VIEW_TYPES, VIEW_TYPES_BY_NUMBER) ?? 'ACTIVE_ONLY',
  maxResults: d.int('max_results'), filter: d.str('filter'), orderBy: d.strList('order_by'), pageToken: d.str('page_token'),
});
export const updateExperiment: Handler = ({ engine, d }) => {
  engine.experiments.rename(d.reqStr('experiment_id'), d.reqStr('new_name'));
  return {};
};
export const deleteExperiment: Handler = ({ engine, d }) => {
  engine.experiments.delete(d.reqStr('experiment_id'));
  return {};
};
export const restoreExperiment: Handler = ({ engine, d }) => {
  engine.experiments.restore(d.reqStr('experiment_id'));
  return {};
};
export const setExperimentTag: Handler = ({ engine, d }) => {
  engine.experiments.setTag(d.reqStr('experiment_id'), d.reqStr('key'), d.str('value') ?? '');
  return {};
};
export const deleteExperimentTag: Handler = ({ engine, d }) => {
  engine.experiments.deleteTag(d.reqStr('experiment_id'), d.reqStr('key'));
  return {};
};
