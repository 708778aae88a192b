// Compiles parsed MLflow search filters and order_by clauses to SQL. Values are always bound
// parameters; identifiers become bound keys, never spliced text.
import type { Db } from './db';
import type { Comparison, OrderBy } from '../../shared/searchFilter';
import type { ViewType } from '../../shared/dto';
import type { RunRow } from './runsRepo';

const ATTR_COLUMN: Record<string, string> = {
  run_id: 'r.run_uuid', run_name: 'r.name', status: 'r.status', user_id: 'r.user_id', artifact_uri: 'r.artifact_uri',
  lifecycle_stage: 'r.lifecycle_stage', start_time: 'r.start_time', end_time: 'r.end_time', created: 'r.start_time',
  duration: '(r.end_time - r.start_time)',
};

/** MLflow LIKE is case-sensitive: translate the pattern to GLOB (escape GLOB's own metacharacters). */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (const c of pattern) {
    if (c === '%') out += '*';
    else if (c === '_') out += '?';
    else if (c === '*' || c === '?' || c === '[' || c === ']') out += `[${c}]`;
    else out += c;
  }
  return out;
}

/** `expr OP value` for string-valued targets. */
function stringPredicate(expr: string, c: Comparison, args: unknown[]): string {
  switch (c.op) {
    case 'LIKE': args.push(likeToGlob(String(c.value))); return `${expr} GLOB ?`;
    case 'ILIKE': args.push(String(c.value)); return `${expr} LIKE ?`;
    case 'IN': args.push(JSON.stringify(c.value)); return `${expr} IN (SELECT value FROM json_each(?))`;
    case 'NOT IN': args.push(JSON.stringify(c.value)); return `${expr} NOT IN (SELECT value FROM json_each(?))`;
    default: args.push(c.value); return `${expr} ${c.op} ?`;
  }
}

export interface CompiledSearch {
  joins: string[];
  where: string[];
  orderBy: string[];
  args: { joins: unknown[]; where: unknown[]; order: unknown[] };
}

export function compileRunSearch(filter: Comparison[], orderBy: OrderBy[], viewType: ViewType): CompiledSearch {
  const joins: string[] = [];
  const where: string[] = [];
  const args = { joins: [] as unknown[], where: [] as unknown[], order: [] as unknown[] };
  if (viewType === 'ACTIVE_ONLY') where.push("r.lifecycle_stage = 'active'");
  else if (viewType === 'DELETED_ONLY') where.push("r.lifecycle_stage = 'deleted'");

  filter.forEach((c, i) => {
    const alias = `f${i}`;
    if (c.entity === 'attribute') {
      const col = ATTR_COLUMN[c.key];
      if (c.op === 'IS NULL' || c.op === 'IS NOT NULL') where.push(`${col} ${c.op}`);
      else if (typeof c.value === 'number') { where.push(`${col} ${c.op} ?`); args.where.push(c.value); }
      else where.push(stringPredicate(col, c, args.where));
      return;
    }
    if (c.entity === 'dataset') {
      const sub: unknown[] = [];
      const expr = c.key === 'context'
        ? "(SELECT json_extract(t.value, '$.value') FROM json_each(i.tags) t WHERE json_extract(t.value, '$.key') = 'mlflow.data.context')"
        : `d.${c.key === 'digest' ? 'digest' : 'name'}`;
      const pred = stringPredicate(expr, c, sub);
      where.push(`EXISTS (SELECT 1 FROM run_inputs i JOIN datasets d USING (dataset_uuid) WHERE i.run_uuid = r.run_uuid AND ${pred})`);
      args.where.push(...sub);
      return;
    }
    const table = c.entity === 'metric' ? 'latest_metrics' : c.entity === 'param' ? 'params' : 'tags';
    if (c.op === 'IS NULL' || c.op === 'IS NOT NULL') {
      where.push(`${c.op === 'IS NULL' ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${table} x WHERE x.run_uuid = r.run_uuid AND x.key = ?)`);
      args.where.push(c.key);
      return;
    }
    joins.push(`JOIN ${table} ${alias} ON ${alias}.run_uuid = r.run_uuid AND ${alias}.key = ?`);
    args.joins.push(c.key);
    if (c.entity === 'metric') {
      where.push(`${alias}.is_nan = 0 AND ${alias}.value ${c.op} ?`);
      args.where.push(c.value);
    } else {
      where.push(stringPredicate(`${alias}.value`, c, args.where));
    }
  });

  const order: string[] = [];
  orderBy.forEach((o, i) => {
    const dir = o.ascending ? 'ASC' : 'DESC';
    if (o.entity === 'attribute') {
      const col = ATTR_COLUMN[o.key];
      order.push(`${col} IS NULL`, `${col} ${dir}`);
      return;
    }
    if (o.entity === 'dataset') return; // not orderable, ignored like MLflow
    const alias = `o${i}`;
    const table = o.entity === 'metric' ? 'latest_metrics' : o.entity === 'param' ? 'params' : 'tags';
    joins.push(`LEFT JOIN ${table} ${alias} ON ${alias}.run_uuid = r.run_uuid AND ${alias}.key = ?`);
    args.joins.push(o.key);
    const nan = o.entity === 'metric' ? ` OR ${alias}.is_nan = 1` : '';
    order.push(`(${alias}.value IS NULL${nan})`, `${alias}.value ${dir}`);
  });
  order.push('r.start_time DESC', 'r.run_uuid');
  return { joins, where, orderBy: order, args };
}

export function searchRuns(db: Db, experimentIds: number[], compiled: CompiledSearch, limit: number, offset: number): RunRow[] {
  const where = ['r.experiment_id IN (SELECT value FROM json_each(?))', ...compiled.where];
  const sql = `SELECT r.* FROM runs r ${compiled.joins.join(' ')} WHERE ${where.join(' AND ')}
    ORDER BY ${compiled.orderBy.join(', ')} LIMIT ? OFFSET ?`;
  return db.prepare(sql).all(...compiled.args.joins, JSON.stringify(experimentIds), ...compiled.args.where, limit, offset) as RunRow[];
}
