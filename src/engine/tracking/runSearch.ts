// runs/search: filter grammar + order_by + paging over the store.
import { invalid } from '../errors';
import type { Store } from '../store/store';
import { compileRunSearch, searchRuns } from '../store/runSearchSql';
import type { Run, ViewType } from '../../shared/dto';
import { FilterSyntaxError, parseFilter, parseOrderByList, type Comparison, type OrderBy } from '../../shared/searchFilter';
import { checkMaxResults, decodeToken, page } from './paging';
import { LIMITS } from './validate';

export interface SearchRunsRequest {
  experimentIds: string[];
  filter?: string;
  viewType?: ViewType;
  maxResults?: number;
  orderBy?: string[];
  pageToken?: string;
}

export function parseSearch(filter: string | undefined, orderBy: string[] | undefined): { where: Comparison[]; order: OrderBy[] } {
  try {
    return { where: parseFilter(filter), order: parseOrderByList(orderBy) };
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw invalid(`Invalid search expression: ${e.message}`);
    throw e;
  }
}

export class RunSearchService {
  constructor(private readonly store: Store) {}

  search(req: SearchRunsRequest): { runs: Run[]; next_page_token?: string } {
    const limit = checkMaxResults(req.maxResults, 1000, LIMITS.maxResults);
    const offset = decodeToken(req.pageToken);
    for (const id of req.experimentIds) {
      if (!/^\d+$/.test(id)) throw invalid(`Invalid experiment id '${id}' in experiment_ids`);
    }
    if (!req.experimentIds.length) return { runs: [] };
    const { where, order } = parseSearch(req.filter, req.orderBy);
    const compiled = compileRunSearch(where, order, req.viewType ?? 'ACTIVE_ONLY');
    const rows = searchRuns(this.store.db, req.experimentIds.map(Number), compiled, limit + 1, offset);
    const [pageRows, next] = page(rows, limit, offset);
    return { runs: this.store.runs.hydrate(pageRows), ...next };
  }
}
