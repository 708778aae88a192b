// Compiles experiment search filters (name, creation_time, last_update_time, tags.*) to SQL with bound values.
import { invalid } from '../errors';
import type { Comparison, OrderBy } from '../../shared/searchFilter';
import type { ViewType } from '../../shared/dto';
import { likeToGlob } from './runSearchSql';

const COLUMN: Record<string, string> = { name: 'e.name', creation_time: 'e.creation_time', last_update_time: 'e.last_update_time' };

export function compileExperimentSearch(filter: Comparison[], orderBy: OrderBy[], viewType: ViewType):
  { where: string; args: unknown[]; order: string } {
  const where: string[] = [];
  const args: unknown[] = [];
  if (viewType === 'ACTIVE_ONLY') where.push("e.lifecycle_stage = 'active'");
  if (viewType === 'DELETED_ONLY') where.push("e.lifecycle_stage = 'deleted'");
  for (const c of filter) {
    let target: string;
    if (c.entity === 'attribute') target = COLUMN[c.key];
    else if (c.entity === 'tag') {
      target = '(SELECT value FROM experiment_tags t WHERE t.experiment_id = e.experiment_id AND t.key = ?)';
      args.push(c.key);
    } else throw invalid('Invalid experiment filter: only attributes (name, creation_time, last_update_time) and tags are searchable');
    if (c.op === 'LIKE') { where.push(`${target} GLOB ?`); args.push(likeToGlob(String(c.value))); }
    else if (c.op === 'ILIKE') { where.push(`${target} LIKE ?`); args.push(c.value); }
    else if (c.op === 'IN' || c.op === 'NOT IN') { where.push(`${target} ${c.op} (SELECT value FROM json_each(?))`); args.push(JSON.stringify(c.value)); }
    else if (c.op === 'IS NULL' || c.op === 'IS NOT NULL') where.push(`${target} ${c.op}`);
    else { where.push(`${target} ${c.op} ?`); args.push(c.value); }
  }
  const order = orderBy.map(o => {
    if (o.entity !== 'attribute') throw invalid('Invalid order_by clause for experiments: only name, creation_time, last_update_time');
    return `${COLUMN[o.key]} ${o.ascending ? 'ASC' : 'DESC'}`;
  });
  if (!order.length) order.push('e.creation_time DESC'); // MLflow's default order
  order.push('e.experiment_id ASC');
  return { where: where.length ? where.join(' AND ') : '1', args, order: order.join(', ') };
}
