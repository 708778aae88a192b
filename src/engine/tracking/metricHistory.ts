// metrics/get-history (paged) and get-history-bulk-interval (min/max-aware down-sampling for charts).
import { invalid } from '../errors';
import type { Store } from '../store/store';
import type { HistoryCursor } from '../store/metricsRepo';
import type { Metric, MetricWithRunId } from '../../shared/dto';
import { toNumber } from '../../shared/dto';

const MAX_HISTORY_PAGE = 25000;
export const MAX_BULK_RUNS = 100;
export const MAX_BULK_POINTS = 2500;

function encodeCursor(c: HistoryCursor): string {
  // ±Infinity has no JSON number form (JSON.stringify would write null): carry it as a string.
  const value = Number.isFinite(c.value) ? c.value : String(c.value);
  return Buffer.from(JSON.stringify([c.step, c.timestamp, value, c.is_nan])).toString('base64');
}
function decodeCursor(token: string): HistoryCursor {
  try {
    const [step, timestamp, raw, is_nan] = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as unknown[];
    const value = raw === 'Infinity' ? Infinity : raw === '-Infinity' ? -Infinity : raw;
    const num = (v: unknown): v is number => typeof v === 'number';
    if (num(step) && num(timestamp) && num(value) && num(is_nan)) return { step, timestamp, value, is_nan };
  } catch { /* fall through */ }
  throw invalid(`Invalid page token '${token.slice(0, 40)}'`);
}

export class MetricHistoryService {
  constructor(private readonly store: Store) {}

  history(runId: string, key: string, maxResults?: number, pageToken?: string): { metrics: Metric[]; next_page_token?: string } {
    if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults < 1)) throw invalid(`max_results must be a positive integer, got ${maxResults}`);
    const limit = maxResults ?? Number.MAX_SAFE_INTEGER;
    const page = this.store.metrics.history(runId, key, Math.min(limit, MAX_HISTORY_PAGE * 40) + 1, pageToken ? decodeCursor(pageToken) : undefined);
    if (page.metrics.length > limit) {
      const metrics = page.metrics.slice(0, limit);
      const last = metrics[metrics.length - 1];
      const raw = last.value === 'NaN' ? 0 : toNumber(last.value);
      return { metrics, next_page_token: encodeCursor({ step: last.step, timestamp: last.timestamp, value: raw, is_nan: last.value === 'NaN' ? 1 : 0 }) };
    }
    return { metrics: page.metrics };
  }

  /** Each run's series cut to ≤ ~maxResults points, keeping each bucket's first, last, min and max. */
  bulkInterval(runIds: string[], key: string, opts: { startStep?: number; endStep?: number; maxResults?: number }): MetricWithRunId[] {
    if (!runIds.length) throw invalid("Missing value for required parameter 'run_ids'.");
    if (runIds.length > MAX_BULK_RUNS) throw invalid(`GetMetricHistoryBulkInterval request must specify at most ${MAX_BULK_RUNS} run_ids. Received ${runIds.length} run_ids.`);
    const max = opts.maxResults ?? MAX_BULK_POINTS;
    if (!Number.isInteger(max) || max < 1 || max > MAX_BULK_POINTS) throw invalid(`max_results must be between 1 and ${MAX_BULK_POINTS}.`);
    if ((opts.startStep === undefined) !== (opts.endStep === undefined)) throw invalid('If either start step or end step are specified, both must be specified.');
    if (opts.startStep !== undefined && opts.endStep !== undefined && opts.startStep > opts.endStep) {
      throw invalid(`end_step must be greater than start_step. Found start_step=${opts.startStep} and end_step=${opts.endStep}.`);
    }
    const lo = opts.startStep ?? Number.MIN_SAFE_INTEGER;
    const hi = opts.endStep ?? Number.MAX_SAFE_INTEGER;
    return runIds.flatMap(id => this.store.metrics.downsample(id, key, lo, hi, max));
  }
}
