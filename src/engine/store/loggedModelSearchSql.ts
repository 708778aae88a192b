// Compiles logged-model search filters (attributes, params.*, tags.*, metrics.*) to SQL with bound values.
import { invalid } from '../errors';
import type { Comparison } from '../../shared/searchFilter';
import { likeToGlob } from './runSearchSql';

const COLUMN: Record<string, string> = {
  name: 'm.name', model_id: 'm.model_id', model_type: 'm.model_type', status: 'm.status', source_run_id: 'm.source_run_id',
  creation_timestamp: 'm.creation_time', creation_time: 'm.creation_time', last_updated_timestamp: 'm.last_updated_time',
};
export const LOGGED_MODEL_ATTRIBUTES = {
  strings: ['name', 'model_id', 'model_type', 'status', 'source_run_id'],
  numbers: ['creation_timestamp', 'creation_time', 'last_updated_timestamp'],
};

export function compileLoggedModelSearch(filter: Comparison[], orderBy: { field_name: string; ascending?: boolean }[]):
  { where: string; args: unknown[]; order: string } {
  const where: string[] = [];
  const args: unknown[] = [];
  for (const c of filter) {
    let target: string;
    if (c.entity === 'attribute') target = COLUMN[c.key];
    else if (c.entity === 'tag' || c.entity === 'param') {
      target = `(SELECT value FROM logged_model_${c.entity}s x WHERE x.model_id = m.model_id AND x.key = ?)`;
      args.push(c.key);
    } else if (c.entity === 'metric') {
      target = '(SELECT value FROM latest_metrics x WHERE x.run_uuid = m.source_run_id AND x.key = ?)';
      args.push(c.key);
    } else throw invalid('Invalid logged model filter: datasets are not searchable here');
    if (c.op === 'LIKE') { where.push(`${target} GLOB ?`); args.push(likeToGlob(String(c.value))); }
    else if (c.op === 'ILIKE') { where.push(`${target} LIKE ?`); args.push(c.value); }
    else if (c.op === 'IN' || c.op === 'NOT IN') { where.push(`${target} ${c.op} (SELECT value FROM json_each(?))`); args.push(JSON.stringify(c.value)); }
    else if (c.op === 'IS NULL' || c.op === 'IS NOT NULL') where.push(`${target} ${c.op}`);
    else { where.push(`${target} ${c.op} ?`); args.push(c.value); }
  }
  const order = orderBy.map(o => {
    const col = COLUMN[o.field_name];
    if (!col) throw invalid(`Invalid order_by field_name '${o.field_name}' for logged models`);
    return `${col} ${o.ascending === false ? 'DESC' : 'ASC'}`;
  });
  order.push('m.creation_time DESC', 'm.model_id ASC');
  return { where: where.length ? where.join(' AND ') : '1', args, order: order.join(', ') };
}
