// The `${...}` engine of dvc.yaml templating: a scope of variables (params.yaml + `vars`, merged the way DVC
// merges them), expression lookup (`a.b`, `a.b[0]`, `a.b.0`), and DVC's rules for turning values into strings.
import fs from 'node:fs';
import path from 'node:path';
import { loadParamsFile, lookup } from './paramsFile';

export type Vars = Record<string, unknown>;

/** Variables in reach of an expression, with where each came from (for "cannot redefine" messages). */
export interface Scope {
  vars: Vars;
  /** Dotted path → the source that defined it ('params.yaml', 'vars[1]', …). */
  origins: Map<string, string>;
  /** Params files merged whole (null) or in part (the keys taken), by absolute path. */
  imports: Map<string, string[] | null>;
}

/** A templating problem; `index` is the offset in the string where it starts (for file:line:col). */
export class InterpolationError extends Error {
  constructor(message: string, readonly index = 0) {
    super(message);
    this.name = 'InterpolationError';
  }
}

export interface ResolveOptions {
  /** `cmd`: a dict expands to `--key value` arguments (DVC's dictionary unpacking). */
  cmd?: boolean;
  /** `foreach`/`matrix`: a string that is exactly `${x}` may stand for a list or a mapping. */
  composite?: boolean;
}

// DVC's expression: `${` … `}` not preceded by a backslash; `\${` stays literally as `${`.
const TOKEN = /(?<!\\)\$\{(.*?)\}/g;
const SEGMENT = /^[^.[\]\s${}]+/;

export const emptyScope = (): Scope => ({ vars: {}, origins: new Map(), imports: new Map() });

export function hasInterpolation(s: string): boolean {
  return new RegExp(TOKEN.source).test(s);
}

export const isComposite = (v: unknown): v is object => v !== null && typeof v === 'object';
export const isMapping = (v: unknown): v is Vars => isComposite(v) && !Array.isArray(v);

/**
 * Resolves the `${...}` expressions in `src`. A string that is exactly one expression keeps the value's type
 * (`${epochs}` → 10, `${enabled}` → true); otherwise values are stringified as DVC does and spliced in.
 */
export function resolveString(src: string, vars: Vars, opts: ResolveOptions = {}): unknown {
  const matches = [...src.matchAll(TOKEN)];
  if (!matches.length) return unescape(src);
  if (matches.length === 1 && matches[0][0] === src) {
    const value = select(matches[0][1], vars, 0);
    if (!isComposite(value) || opts.composite) return value;
    if (opts.cmd && isMapping(value)) return unpackDict(value, 0);
    throw new InterpolationError(`cannot interpolate ${kindOf(value)} '${matches[0][1].trim()}' here`);
  }
  let out = '';
  let last = 0;
  for (const m of matches) {
    const at = m.index!;
    const value = select(m[1], vars, at);
    out += unescape(src.slice(last, at));
    if (isMapping(value) && opts.cmd) out += unpackDict(value, at);
    else if (isComposite(value)) throw new InterpolationError(`cannot interpolate ${kindOf(value)} '${m[1].trim()}' into a string`, at);
    else out += toDvcString(value);
    last = at + m[0].length;
  }
  return out + unescape(src.slice(last));
}

/** The value of one expression's inner text (`a.b[0]`); unknown names name what is in reach. */
export function select(expr: string, vars: Vars, index = 0): unknown {
  const parts = parseExpression(expr, index);
  const got = lookup(vars, parts.join('.'));
  if (got.found) return got.value;
  // Find how far the path resolves, to say what was there instead.
  let i = 0;
  while (i < parts.length - 1 && lookup(vars, parts.slice(0, i + 1).join('.')).found) i++;
  const parent = i === 0 ? vars : lookup(vars, parts.slice(0, i).join('.')).value;
  const name = expr.trim();
  if (!isComposite(parent)) return fail(`unknown variable '${name}': '${parts.slice(0, i).join('.')}' is ${toDvcString(parent)}, not a mapping or list`, index);
  const keys = Array.isArray(parent) ? [`0..${parent.length - 1}`] : Object.keys(parent);
  const where = i === 0 ? 'defined' : `'${parts.slice(0, i).join('.')}' has`;
  const shown = keys.length ? keys.slice(0, 12).join(', ') + (keys.length > 12 ? ', …' : '') : 'nothing';
  return fail(`unknown variable '${name}' (${where}: ${Array.isArray(parent) && !parent.length ? 'an empty list' : shown})`, index);
}

function parseExpression(expr: string, index: number): string[] {
  const text = expr.trim();
  if (!text) return fail("empty expression '${}'", index);
  const parts: string[] = [];
  let rest = text;
  let first = true;
  while (rest) {
    let m: RegExpExecArray | null = null;
    if (first) m = SEGMENT.exec(rest);
    else if (rest[0] === '.') m = SEGMENT.exec(rest.slice(1));
    else if (rest[0] === '[') {
      const close = /^\[\s*([^[\]\s.]+)\s*\]/.exec(rest);
      if (close) { parts.push(close[1]); rest = rest.slice(close[0].length); continue; }
    }
    if (!m) return fail(`invalid expression '\${${expr}}' (expected names joined by '.', and list indexes in [])`, index);
    parts.push(m[0]);
    rest = rest.slice(m[0].length + (first ? 0 : 1));
    first = false;
  }
  return parts;
}

/** A scalar as DVC writes it into a string: Python's str() except booleans as true/false. */
export function toDvcString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'number') return pythonNumber(v);
  if (typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** Python's repr of a float (exponent below 1e-4 and from 1e16), integers as they are. */
function pythonNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  const [mantissa, exp] = n.toExponential().split('e');
  const e = Number(exp);
  if (e >= -4 && e < 16) return String(n);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** DVC's dictionary unpacking in `cmd`: {lr: 0.1, fast: true, nested: {a: 'x'}, l: [1, 2]} → `--lr 0.1 --fast --nested.a x --l 1 2`. */
function unpackDict(obj: Vars, index: number): string {
  const args: string[] = [];
  const walk = (o: Vars, prefix: string) => {
    for (const [k, v] of Object.entries(o)) {
      const key = prefix + k;
      if (isMapping(v)) walk(v, `${key}.`);
      else if (typeof v === 'boolean') { if (v) args.push(`--${key}`); }
      else if (Array.isArray(v)) {
        if (v.some(isComposite)) fail(`cannot unpack nested list or mapping in '${key}'`, index);
        if (v.length) args.push(`--${key}`, ...v.map(i => (typeof i === 'string' ? shellQuote(i) : toDvcString(i))));
      } else args.push(`--${key}`, typeof v === 'string' ? shellQuote(v) : toDvcString(v));
    }
  };
  walk(obj, '');
  return args.join(' ');
}

/** POSIX shell quoting (Python's shlex.quote). */
export function shellQuote(s: string): string {
  if (!s) return "''";
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

/**
 * Merges `update` into `scope` (DVC's rule: mappings merge key by key; any other value already defined is an
 * error). Returns a new scope; throws InterpolationError "cannot redefine …" naming both sources.
 */
export function mergeVars(scope: Scope, update: Vars, source: string): Scope {
  const origins = new Map(scope.origins);
  const merge = (into: Vars, from: Vars, prefix: string): Vars => {
    const out: Vars = { ...into };
    for (const [k, v] of Object.entries(from)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (Object.hasOwn(out, k) && isMapping(out[k]) && isMapping(v)) out[k] = merge(out[k] as Vars, v, key);
      else if (Object.hasOwn(out, k)) {
        throw new InterpolationError(`cannot redefine '${key}' from '${source}': it already exists in '${originOf(origins, key)}'`);
      } else {
        out[k] = v;
        origins.set(key, source);
      }
    }
    return out;
  };
  return { vars: merge(scope.vars, update, ''), origins, imports: new Map(scope.imports) };
}

/** Stages of a `foreach` as [name suffix, locals]: DVC keys a list by value, or by index when it holds lists or mappings. */
export function foreachEntries(data: unknown[] | Vars): [string, Vars][] {
  if (!Array.isArray(data)) return Object.entries(data).map(([key, item]) => [key, { item, key }]);
  const byIndex = data.some(isComposite);
  return data.map((item, i) => [byIndex ? String(i) : toDvcString(item), { item }]);
}

/** Stages of a `matrix`: the cartesian product named `<v1>-<v2>-…` (`<name><index>` for a list or mapping value). */
export function matrixEntries(dims: Record<string, unknown[]>): [string, Vars][] {
  let combos: { parts: string[]; item: Vars }[] = [{ parts: [], item: {} }];
  for (const [k, values] of Object.entries(dims)) {
    combos = combos.flatMap(c => values.map((v, i) => ({
      parts: [...c.parts, isComposite(v) ? `${k}${i}` : toDvcString(v)], item: { ...c.item, [k]: v },
    })));
  }
  return combos.map(c => [c.parts.join('-'), { item: c.item, key: c.parts.join('-') }]);
}

/**
 * Merges a params file named in `vars`: `file.yaml` (whole) or `file.yaml:key1,key2` (those keys), relative to
 * `dir`; `root` only shortens the name used in messages and origins. Loading the same whole file again is a no-op.
 */
export function importVarsFile(scope: Scope, spec: string, dir: string, root: string): Scope {
  const colon = spec.lastIndexOf(':');
  const split = colon > 1 && !/[/\\]/.test(spec.slice(colon + 1)); // not a Windows drive letter
  const abs = path.resolve(dir, split ? spec.slice(0, colon) : spec);
  const keys = split ? spec.slice(colon + 1).split(',').map(k => k.trim()).filter(Boolean) : [];
  const shown = path.relative(root, abs).split(path.sep).join('/');
  const prev = scope.imports.get(abs);
  if (prev !== undefined) {
    if (!keys.length && prev === null) return scope;
    if (!keys.length || prev === null || keys.some(k => prev.includes(k))) fail(`cannot load '${spec}': ${shown} is already loaded`, 0);
  }
  if (!fs.existsSync(abs)) fail(`vars file not found: ${shown}`, 0);
  const data = loadParamsFile(abs);
  if (!isMapping(data)) fail(`${shown} must hold a mapping of names to values`, 0);
  let picked = data as Vars;
  if (keys.length) {
    picked = {};
    for (const k of keys) {
      const got = lookup(data, k);
      if (!got.found) fail(`'${k}' not found in ${shown}`, 0);
      const parts = k.split('.');
      let at = picked;
      for (const p of parts.slice(0, -1)) at = (at[p] ??= {}) as Vars;
      at[parts[parts.length - 1]] = got.value;
    }
  }
  const next = mergeVars(scope, picked, shown);
  next.imports.set(abs, keys.length ? [...(prev ?? []), ...keys] : null);
  return next;
}

function originOf(origins: Map<string, string>, key: string): string {
  for (let k = key; k; k = k.includes('.') ? k.slice(0, k.lastIndexOf('.')) : '') {
    const o = origins.get(k);
    if (o) return o;
  }
  return 'vars';
}

/** Variables of one generated stage (`item`, `key`) on top of the scope; they shadow same-named variables. */
export function withLocals(scope: Scope, locals: Vars): Scope {
  const origins = new Map(scope.origins);
  for (const k of Object.keys(locals)) origins.set(k, k);
  return { vars: { ...scope.vars, ...locals }, origins, imports: scope.imports };
}

function kindOf(v: object): string {
  return Array.isArray(v) ? 'a list' : 'a mapping';
}

function unescape(s: string): string {
  return s.replace(/\\\$\{/g, '${');
}

function fail(message: string, index: number): never {
  throw new InterpolationError(message, index);
}
