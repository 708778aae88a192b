// runs/*: decode → service → encode.
import type { Handler } from '../context';
import { Decoder, decodeDouble } from '../decode';
import type { MetricPoint } from '../../store/metricsRepo';
import type { RunStatus } from '../../../shared/dto';
import { RUN_STATUSES } from '../../tracking/runs';
import { VIEW_TYPES, VIEW_TYPES_BY_NUMBER } from './experiments';
import { invalid } from '../../errors';

const STATUS_BY_NUMBER = [undefined, ...RUN_STATUSES] as unknown as readonly RunStatus[];

function metricPoint(d: Decoder, prefix: string): MetricPoint {
  const key = d.str('key');
  if (!key) throw invalid(`Missing value for required parameter '${prefix}key'.`);
  const value = decodeDouble(`${prefix}value`, d.fields.value);
  const timestamp = d.int('timestamp');
  if (timestamp === undefined) throw invalid(`Missing value for required parameter '${prefix}timestamp'.`);
  return { key, value, timestamp, step: d.int('step') ?? 0 };
}

export const createRun: Handler = ({ engine, d }) => ({
  run: engine.runs.create({
    experimentId: d.str('experiment_id') || '0', userId: d.str('user_id'), startTime: d.int('start_time'),
    runName: d.str('run_name'), tags: d.kvList('tags'),
  }),
});
export const getRun: Handler = ({ engine, d }) => ({ run: engine.runs.get(d.runId()) });
export const updateRun: Handler = ({ engine, d }) => ({
  run_info: engine.runs.update(d.runId(), {
    status: d.enumOf('status', RUN_STATUSES, STATUS_BY_NUMBER), endTime: d.int('end_time'), runName: d.str('run_name'),
  }).info,
});
export const deleteRun: Handler = ({ engine, d }) => { engine.runs.delete(d.runId()); return {}; };
export const restoreRun: Handler = ({ engine, d }) => { engine.runs.restore(d.runId()); return {}; };

export const logMetric: Handler = ({ engine, d }) => {
  engine.runData.logMetric(d.runId(), metricPoint(d, ''));
  return {};
};
export const logParam: Handler = ({ engine, d }) => {
  engine.runData.logParam(d.runId(), d.reqStr('key'), d.str('value') ?? '');
  return {};
};
export const setTag: Handler = ({ engine, d }) => {
  engine.runData.setTag(d.runId(), d.reqStr('key'), d.str('value') ?? '');
  return {};
};
export const deleteTag: Handler = ({ engine, d }) => {
  engine.runData.deleteTag(d.runId(), d.reqStr('key'));
  return {};
};
export const logBatch: Handler = ({ engine, d }) => {
  const runId = d.runId();
  const metrics = d.objList('metrics').map((m, i) => metricPoint(new Decoder(m), `metrics[${i}].`));
  engine.runData.logBatch(runId, { metrics, params: d.kvList('params'), tags: d.kvList('tags') });
  return {};
};
export const logInputs: Handler = ({ engine, d }) => {
  const inputs = d.objList('datasets').map(o => {
    const di = new Decoder(o);
    const ds = di.obj('dataset');
    const dataset = {
      name: ds.str('name') ?? '', digest: ds.str('digest') ?? '', source_type: ds.str('source_type') ?? '', source: ds.str('source') ?? '',
      ...(ds.str('schema') !== undefined ? { schema: ds.str('schema') } : {}),
      ...(ds.str('profile') !== undefined ? { profile: ds.str('profile') } : {}),
    };
    return { dataset, tags: di.kvList('tags') };
  });
  engine.runData.logInputs(d.runId(), inputs);
  return {};
};
export const logModel: Handler = ({ engine, d }) => {
  engine.runData.logModel(d.runId(), d.reqStr('model_json'));
  return {};
};
export const logOutputs: Handler = ({ engine, d }) => {
  if (!d.has('models')) throw invalid("Missing value for required parameter 'models'.");
  const models = d.objList('models').map((o, i) => {
    const m = new Decoder(o);
    const id = m.str('model_id');
    if (!id) throw invalid(`Missing value for required parameter 'models[${i}].model_id'.`);
    return { model_id: id, step: m.int('step') ?? 0 };
  });
  engine.runData.logOutputs(d.runId(), models);
  return {};
};
export const searchRuns: Handler = ({ engine, d }) => engine.search.search({
  experimentIds: d.strList('experiment_ids'), filter: d.str('filter'),
  viewType: d.enumOf('run_view_type', VIEW_TYPES, VIEW_TYPES_BY_NUMBER), maxResults: d.int('max_results'),
  orderBy: d.strList('order_by'), pageToken: d.str('page_token'),
});
