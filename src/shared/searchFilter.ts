// MLflow's run search grammar: `metrics.acc > 0.9 AND params.model = 'cnn' AND tags.`a b` LIKE 'x%'`.
// Pure and dependency-free: the engine compiles the result to SQL, the runs-table webview uses the same
// parser to show syntax errors in place.

export type Entity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';
export type Op = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN' | 'IS NULL' | 'IS NOT NULL';
export interface Comparison {
  entity: Entity;
  key: string;
  op: Op;
  value: number | string | string[] | null;
}
export interface OrderBy {
  entity: Entity;
  key: string;
  ascending: boolean;
}
export class FilterSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'FilterSyntaxError';
  }
}

const ENTITY: Record<string, Entity> = {
  metric: 'metric', metrics: 'metric',
  param: 'param', params: 'param', parameter: 'param', parameters: 'param',
  tag: 'tag', tags: 'tag',
  attribute: 'attribute', attributes: 'attribute', attr: 'attribute', run: 'attribute',
  dataset: 'dataset', datasets: 'dataset',
};
export const STRING_ATTRIBUTES = ['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'lifecycle_stage'] as const;
export const NUMERIC_ATTRIBUTES = ['start_time', 'end_time', 'created', 'duration'] as const;
const ATTR_ALIASES: Record<string, string> = { run_uuid: 'run_id', 'run name': 'run_name', Created: 'created' };
const DATASET_KEYS = ['name', 'digest', 'context'];

type Tok =
  | { t: 'ident'; entity: string; key: string; pos: number }
  | { t: 'str'; v: string; pos: number }
  | { t: 'num'; v: number; pos: number }
  | { t: 'op'; v: string; pos: number }
  | { t: 'kw'; v: string; pos: number }
  | { t: 'punct'; v: '(' | ')' | ','; pos: number };

const KEYWORDS = new Set(['AND', 'IN', 'NOT', 'LIKE', 'ILIKE', 'IS', 'NULL', 'ASC', 'DESC', 'OR']);

function readQuoted(s: string, i: number): { v: string; end: number } {
  const q = s[i];
  let v = '';
  let j = i + 1;
  for (; j < s.length; j++) {
    if (s[j] === '\\' && j + 1 < s.length && (s[j + 1] === q || s[j + 1] === '\\')) { v += s[++j]; continue; }
    if (s[j] === q) return { v, end: j + 1 };
    v += s[j];
  }
  throw new FilterSyntaxError(`unterminated ${q === '`' ? 'backtick identifier' : 'string'} starting at ${i}`, i);
}

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(' || c === ')' || c === ',') { out.push({ t: 'punct', v: c, pos: i }); i++; continue; }
    if (c === "'" || c === '"') { const q = readQuoted(s, i); out.push({ t: 'str', v: q.v, pos: i }); i = q.end; continue; }
    const op = /^(!=|<>|>=|<=|==|=|>|<)/.exec(s.slice(i, i + 2));
    if (op) { out.push({ t: 'op', v: op[1] === '<>' ? '!=' : op[1] === '==' ? '=' : op[1], pos: i }); i += op[1].length; continue; }
    const num = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?(?![\w.])/.exec(s.slice(i));
    if (num) { out.push({ t: 'num', v: Number(num[0]), pos: i }); i += num[0].length; continue; }
    if (c === '`') {
      const q = readQuoted(s, i);
      out.push({ t: 'ident', entity: '', key: q.v, pos: i }); i = q.end; continue;
    }
    const word = /^[A-Za-z_][\w]*/.exec(s.slice(i));
    if (word) {
      const w = word[0];
      const start = i;
      i += w.length;
      if (s[i] === '.') {
        i++;
        let key: string;
        if (s[i] === '`' || s[i] === '"') { const q = readQuoted(s, i); key = q.v; i = q.end; }
        else {
          const k = /^[\w.\-/:]+/.exec(s.slice(i));
          if (!k) throw new FilterSyntaxError(`expected a key after "${w}." at ${i}`, i);
          key = k[0]; i += key.length;
        }
        out.push({ t: 'ident', entity: w, key, pos: start });
      } else if (KEYWORDS.has(w.toUpperCase())) {
        out.push({ t: 'kw', v: w.toUpperCase(), pos: start });
      } else {
        out.push({ t: 'ident', entity: '', key: w, pos: start });
      }
      continue;
    }
    throw new FilterSyntaxError(`unexpected character "${c}" at ${i}`, i);
  }
  return out;
}

/** Which attribute names a grammar accepts (runs by default; experiments and models pass their own). */
export interface Attributes {
  strings: readonly string[];
  numbers: readonly string[];
}
export const RUN_ATTRIBUTES: Attributes = { strings: STRING_ATTRIBUTES, numbers: NUMERIC_ATTRIBUTES };

function resolveIdent(tok: Extract<Tok, { t: 'ident' }>, attrs: Attributes): { entity: Entity; key: string } {
  if (!tok.entity) {
    const a = ATTR_ALIASES[tok.key] ?? tok.key;
    if (attrs.strings.includes(a) || attrs.numbers.includes(a)) {
      return { entity: 'attribute', key: a };
    }
    throw new FilterSyntaxError(
      `invalid identifier "${tok.key}" at ${tok.pos}: use metrics.<key>, params.<key>, tags.<key> or attributes.<name>`, tok.pos);
  }
  const entity = ENTITY[tok.entity.toLowerCase()];
  if (!entity) {
    throw new FilterSyntaxError(`invalid entity type "${tok.entity}" at ${tok.pos}: expected metrics, params, tags, attributes or datasets`, tok.pos);
  }
  if (!tok.key) throw new FilterSyntaxError(`empty key at ${tok.pos}`, tok.pos);
  if (entity === 'attribute') {
    const key = ATTR_ALIASES[tok.key] ?? tok.key;
    if (!attrs.strings.includes(key) && !attrs.numbers.includes(key)) {
      throw new FilterSyntaxError(`invalid attribute "${tok.key}" at ${tok.pos}; valid: ${[...attrs.strings, ...attrs.numbers].join(', ')}`, tok.pos);
    }
    return { entity, key };
  }
  if (entity === 'dataset' && !DATASET_KEYS.includes(tok.key)) {
    throw new FilterSyntaxError(`invalid dataset attribute "${tok.key}" at ${tok.pos}; valid: ${DATASET_KEYS.join(', ')}`, tok.pos);
  }
  return { entity, key: tok.key };
}

function isNumericTarget(entity: Entity, key: string, attrs: Attributes): boolean {
  return entity === 'metric' || (entity === 'attribute' && attrs.numbers.includes(key));
}

/** Parses a filter string; an empty string is no filter. Throws FilterSyntaxError with an offset. */
/** Each metric/param/tag term is one SQL join (SQLite allows 64 tables in a join): a bound, not a 500. */
export const MAX_FILTER_TERMS = 40;
export const MAX_ORDER_BY = 10;

/** Parses every order_by clause, at most MAX_ORDER_BY of them. */
export function parseOrderByList(clauses: string[] | undefined, attrs: Attributes = RUN_ATTRIBUTES): OrderBy[] {
  if ((clauses?.length ?? 0) > MAX_ORDER_BY) throw new FilterSyntaxError(`too many order_by clauses: at most ${MAX_ORDER_BY}`, 0);
  return (clauses ?? []).map(c => parseOrderBy(c, attrs));
}

export function parseFilter(filter: string | undefined | null, attrs: Attributes = RUN_ATTRIBUTES): Comparison[] {
  if (!filter || !filter.trim()) return [];
  const toks = tokenize(filter);
  const out: Comparison[] = [];
  let i = 0;
  const end = filter.length;
  const peek = () => toks[i];
  const fail = (msg: string, tok?: Tok): never => { throw new FilterSyntaxError(msg, tok ? tok.pos : end); };
  for (;;) {
    const id = toks[i++];
    if (!id || id.t !== 'ident') fail(`expected an identifier such as metrics.acc${id ? ` at ${id.pos}` : ' at end of filter'}`, id);
    const { entity, key } = resolveIdent(id as Extract<Tok, { t: 'ident' }>, attrs);
    const numeric = isNumericTarget(entity, key, attrs);
    const opTok = toks[i++];
    let op: Op;
    if (opTok?.t === 'op') op = opTok.v as Op;
    else if (opTok?.t === 'kw' && (opTok.v === 'LIKE' || opTok.v === 'ILIKE' || opTok.v === 'IN')) op = opTok.v as Op;
    else if (opTok?.t === 'kw' && opTok.v === 'NOT' && peek()?.t === 'kw' && (peek() as { v: string }).v === 'IN') { i++; op = 'NOT IN'; }
    else if (opTok?.t === 'kw' && opTok.v === 'IS') {
      const n = toks[i++];
      if (n?.t === 'kw' && n.v === 'NULL') op = 'IS NULL';
      else if (n?.t === 'kw' && n.v === 'NOT' && toks[i]?.t === 'kw' && (toks[i] as { v: string }).v === 'NULL') { i++; op = 'IS NOT NULL'; }
      else return fail('expected NULL or NOT NULL after IS', n);
    } else return fail(`expected a comparator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN) after ${entity === 'attribute' ? 'attributes' : entity + 's'}.${key}`, opTok);

    let value: Comparison['value'] = null;
    if (op === 'IN' || op === 'NOT IN') {
      const open = toks[i++];
      if (open?.t !== 'punct' || open.v !== '(') fail(`expected "(" after ${op}`, open);
      const list: string[] = [];
      for (;;) {
        const v = toks[i++];
        if (v?.t === 'str') list.push(v.v);
        else if (v?.t === 'num' && !numeric) list.push(String(v.v));
        else fail(`expected a quoted string in the ${op} list`, v);
        const sep = toks[i++];
        if (sep?.t === 'punct' && sep.v === ',') continue;
        if (sep?.t === 'punct' && sep.v === ')') break;
        fail('expected "," or ")" in the list', sep);
      }
      if (numeric) fail(`${op} is not supported for numeric ${entity === 'metric' ? 'metrics' : 'attribute ' + key}`, opTok);
      value = list;
    } else if (op !== 'IS NULL' && op !== 'IS NOT NULL') {
      const v = toks[i++];
      if (numeric) {
        if (op === 'LIKE' || op === 'ILIKE') fail(`${op} is not supported for ${entity === 'metric' ? 'metrics' : 'attribute ' + key}`, opTok);
        if (v?.t === 'num') value = v.v;
        else if (v?.t === 'str' && v.v.trim() !== '' && Number.isFinite(Number(v.v))) value = Number(v.v);
        else fail(`expected a number to compare with ${entity === 'metric' ? 'metrics.' : 'attributes.'}${key}`, v);
      } else {
        if (['>', '>=', '<', '<='].includes(op) && entity !== 'attribute') {
          fail(`comparator ${op} is not supported for ${entity}s; use =, !=, LIKE, ILIKE, IN or NOT IN`, opTok);
        }
        if (v?.t === 'str') value = v.v;
        else fail(`expected a quoted string to compare with ${entity}s.${key}`, v);
      }
    }
    out.push({ entity, key, op, value });
    if (out.length > MAX_FILTER_TERMS) fail(`too many comparisons: at most ${MAX_FILTER_TERMS} joined by AND (use IN (...) for alternatives)`, id);
    const nxt = toks[i++];
    if (!nxt) break;
    if (nxt.t === 'kw' && nxt.v === 'AND') continue;
    if (nxt.t === 'kw' && nxt.v === 'OR') fail('OR is not supported by MLflow search; use AND or IN (...)', nxt);
    fail(`expected AND at ${nxt.pos}`, nxt);
  }
  return out;
}

/** Parses one order_by clause, e.g. "metrics.acc DESC" or "attributes.start_time". */
export function parseOrderBy(clause: string, attrs: Attributes = RUN_ATTRIBUTES): OrderBy {
  const toks = tokenize(clause);
  const id = toks[0];
  if (!id || id.t !== 'ident') throw new FilterSyntaxError(`invalid order_by clause "${clause}": expected an identifier`, 0);
  const { entity, key } = resolveIdent(id, attrs);
  let ascending = true;
  if (toks[1]) {
    if (toks[1].t !== 'kw' || (toks[1].v !== 'ASC' && toks[1].v !== 'DESC') || toks.length > 2) {
      throw new FilterSyntaxError(`invalid order_by clause "${clause}": expected ASC or DESC after the identifier`, toks[1].pos);
    }
    ascending = toks[1].v === 'ASC';
  }
  return { entity, key, ascending };
}
