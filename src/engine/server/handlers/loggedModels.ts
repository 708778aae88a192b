// MLflow 3 logged-models/*.
import type { Handler } from '../context';
import { Decoder } from '../decode';
import type { LoggedModelStatus } from '../../../shared/dto';
import { LOGGED_MODEL_STATUSES } from '../../tracking/loggedModels';

export const createLoggedModel: Handler = ({ engine, d }) => ({
  model: engine.loggedModels.create({
    experimentId: d.reqStr('experiment_id'), name: d.str('name'), modelType: d.str('model_type'),
    sourceRunId: d.str('source_run_id'), params: d.kvList('params'), tags: d.kvList('tags'),
  }),
});
export const getLoggedModel: Handler = ({ engine, params }) => ({ model: engine.loggedModels.get(params.model_id) });
export const finalizeLoggedModel: Handler = ({ engine, d, params }) => ({
  model: engine.loggedModels.finalize(params.model_id,
    d.enumOf<LoggedModelStatus>('status', LOGGED_MODEL_STATUSES, LOGGED_MODEL_STATUSES) ?? 'LOGGED_MODEL_READY'),
});
export const deleteLoggedModel: Handler = ({ engine, params }) => { engine.loggedModels.delete(params.model_id); return {}; };
export const setLoggedModelTags: Handler = ({ engine, d, params }) => { engine.loggedModels.setTags(params.model_id, d.kvList('tags')); return {}; };
export const deleteLoggedModelTag: Handler = ({ engine, params }) => { engine.loggedModels.deleteTag(params.model_id, params.tag_key); return {}; };
export const logLoggedModelParams: Handler = ({ engine, d, params }) => { engine.loggedModels.logParams(params.model_id, d.kvList('params')); return {}; };
export const searchLoggedModels: Handler = ({ engine, d }) => engine.loggedModels.search({
  experimentIds: d.strList('experiment_ids'), filter: d.str('filter'), maxResults: d.int('max_results'), pageToken: d.str('page_token'),
  orderBy: d.objList('order_by').map(o => { const od = new Decoder(o); return { field_name: od.reqStr('field_name'), ascending: od.bool('ascending') }; }),
});
