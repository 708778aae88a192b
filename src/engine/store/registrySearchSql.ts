// Compiles registry search filters (registered models: name, tags.*; model versions: name, version, run_id,
// source_path, current_stage, tags.*) to SQL with bound values.
import { invalid } from '../errors';
import type { Comparison } from '../../shared/searchFilter';
import { likeToGlob } from './runSearchSql';

export const MODEL_ATTRIBUTES = { strings: ['name'], numbers: ['creation_timestamp', 'last_updated_timestamp'] };
export const VERSION_ATTRIBUTES = { strings: ['name', 'run_id', 'source_path', 'current_stage'], numbers: ['version_number', 'creation_timestamp', 'last_updated_timestamp'] };

const MODEL_COLUMNS: Record<string, string> = { name: 'm.name', creation_timestamp: 'm.creation_time', last_updated_timestamp: 'm.last_updated_time' };
const VERSION_COLUMNS: Record<string, string> = {
  name: 'v.name', run_id: 'v.run_id', source_path: 'v.source', current_stage: 'v.current_stage', version_number: 'v.version',
  creation_timestamp: 'v.creation_time', last_updated_timestamp: 'v.last_updated_time',
};

function compile(filter: Comparison[], columns: Record<string, string>, tagSql: string): { where: string; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  for (const c of filter) {
    let target: string;
    if (c.entity === 'attribute') target = columns[c.key];
    else if (c.entity === 'tag') { target = tagSql; args.push(c.key); }
    else throw invalid(`Invalid filter: only ${Object.keys(columns).join(', ')} and tags.<key> are searchable here`);
    if (c.op === 'LIKE') { where.push(`${target} GLOB ?`); args.push(likeToGlob(String(c.value))); }
    else if (c.op === 'ILIKE') { where.push(`${target} LIKE ?`); args.push(c.value); }
    else if (c.op === 'IN' || c.op === 'NOT IN') { where.push(`${target} ${c.op} (SELECT value FROM json_each(?))`); args.push(JSON.stringify(c.value)); }
    else if (c.op === 'IS NULL' || c.op === 'IS NOT NULL') where.push(`${target} ${c.op}`);
    else { where.push(`${target} ${c.op} ?`); args.push(c.value); }
  }
  return { where: where.length ? where.join(' AND ') : '1', args };
}

function order(orderBy: string[], columns: Record<string, string>, dflt: string): string {
  const out = orderBy.map(o => {
    const m = /^\s*(\w+)(?:\s+(ASC|DESC))?\s*$/i.exec(o);
    const col = m && columns[m[1]];
    if (!col) throw invalid(`Invalid order_by clause '${o}'`);
    return `${col} ${(m[2] ?? 'ASC').toUpperCase()}`;
  });
  return [...out, dflt].join(', ');
}

export function compileModelSearch(filter: Comparison[], orderBy: string[]): { where: string; args: unknown[]; order: string } {
  return { ...compile(filter, MODEL_COLUMNS, '(SELECT value FROM registered_model_tags t WHERE t.name = m.name AND t.key = ?)'), order: order(orderBy, MODEL_COLUMNS, 'm.name ASC') };
}

export function compileVersionSearch(filter: Comparison[], orderBy: string[]): { where: string; args: unknown[]; order: string } {
  return {
    ...compile(filter, VERSION_COLUMNS, '(SELECT value FROM model_version_tags t WHERE t.name = v.name AND t.version = v.version AND t.key = ?)'),
    order: order(orderBy, VERSION_COLUMNS, 'v.name ASC, v.version DESC'),
  };
}
