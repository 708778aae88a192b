// metrics/get-history and get-history-bulk-interval.
import type { Handler } from '../context';

export const getMetricHistory: Handler = ({ engine, d }) =>
  engine.history.history(d.runId(), d.reqStr('metric_key'), d.int('max_results'), d.str('page_token'));

export const getMetricHistoryBulkInterval: Handler = ({ engine, d }) => ({
  metrics: engine.history.bulkInterval(d.strList('run_ids'), d.reqStr('metric_key'), {
    startStep: d.int('start_step'), endStep: d.int('end_step'), maxResults: d.int('max_results'),
  }),
});
