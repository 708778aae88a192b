// dvc.yaml → Pipeline without DVC: stage keys as DVC reads them, templating from params.yaml and `vars`,
// `foreach`/`matrix` expansion, paths made relative to the pipeline root. Any problem is a PipelineError at
// file:line:col (the first one found).
import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node, type Scalar, type YAMLMap } from 'yaml';
import {
  InterpolationError, emptyScope, foreachEntries, hasInterpolation, importVarsFile, isComposite, isMapping, matrixEntries, mergeVars, resolveString, toDvcString, withLocals,
  type ResolveOptions, type Scope, type Vars,
} from './interpolate';
import { PipelineError, type OutSpec, type ParamsDep, type Pipeline, type SourcePos, type Stage } from './types';

const TOP_KEYS = ['stages', 'vars', 'params', 'metrics', 'plots', 'artifacts', 'datasets'];
const STAGE_KEYS = ['cmd', 'wdir', 'deps', 'outs', 'params', 'metrics', 'plots', 'frozen', 'always_changed', 'desc', 'meta', 'vars', 'foreach', 'do', 'matrix'];
const OUT_FLAGS = ['cache', 'persist', 'checkpoint', 'desc', 'type', 'labels', 'meta', 'remote', 'push'];
const OUT_KIND = { outs: 'out', metrics: 'metric', plots: 'plot' } as const;
const SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', '.mlops', '.dvc', 'venv', '.venv', '__pycache__', '.tox']);

export interface ParseOptions {
  /** Paths may not leave this folder (default: the pipeline root). */
  workspace?: string;
}

/** Reads and parses a dvc.yaml file. */
export function loadPipeline(file: string, opts: ParseOptions = {}): Pipeline {
  const abs = path.resolve(file);
  let text: string;
  try { text = fs.readFileSync(abs, 'utf8'); } catch (e) { throw new PipelineError(`cannot read pipeline: ${(e as Error).message}`, abs); }
  return parsePipeline(text, abs, opts);
}

/** Parses dvc.yaml text; `file` locates it (root = its folder, where params.yaml and `vars` files are read). */
export function parsePipeline(text: string, file: string, opts: ParseOptions = {}): Pipeline {
  const abs = path.resolve(file);
  const root = path.dirname(abs);
  return { file: abs, root, stages: new Parser(text, abs, root, path.resolve(opts.workspace ?? root)).parse() };
}

/** Absolute paths of the dvc.yaml files under `workspace` (sorted; skips VCS, tool and virtualenv folders). */
export function findPipelines(workspace: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    if (entries.some(e => e.name === 'pyvenv.cfg')) return; // a Python virtualenv
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) if (e.name === 'dvc.yaml' && e.isFile()) found.push(path.join(dir, e.name));
    for (const e of entries) if (e.isDirectory() && !SKIP_DIRS.has(e.name)) walk(path.join(dir, e.name));
  };
  walk(path.resolve(workspace));
  return found;
}

interface Field { key: Node; value: unknown }
const describe = (v: unknown) =>
  v === null || v === undefined ? 'nothing' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`;
const isEmpty = (n: unknown) => n === null || n === undefined || (isScalar(n) && n.value === null);

class Parser {
  private readonly lc = new LineCounter();
  private readonly doc: Document;

  constructor(private readonly text: string, private readonly file: string, private readonly root: string, private readonly workspace: string) {
    this.doc = parseDocument(text, { lineCounter: this.lc, prettyErrors: false, uniqueKeys: true });
  }

  parse(): Stage[] {
    const err = this.doc.errors[0];
    if (err) {
      const { line } = this.lc.linePos(err.pos[0]);
      // `[${x}.csv]` is a YAML flow mapping inside a flow list: the usual cause when the line has a `${`.
      const hint = this.text.split('\n')[line - 1]?.includes('${') ? " (inside [ ] or { }, quote values that contain '${…}')" : '';
      this.failAt(`invalid YAML: ${err.message.split('\n')[0]}${hint}`, err.pos[0]);
    }
    const top = this.deref(this.doc.contents);
    if (!isMap(top)) return this.fail("a pipeline file must be a mapping with a 'stages' key", top);
    const f = this.fields(top, TOP_KEYS, k => `unknown top-level key '${k}' (expected ${TOP_KEYS.join(', ')})`);
    const stages = f.get('stages');
    if (!stages) return this.fail("no 'stages' in the pipeline file", top);
    const map = this.deref(stages.value);
    if (!isMap(map)) return this.fail("'stages' must be a mapping of stage names to stages", isEmpty(map) ? stages.key : map);
    let scope = emptyScope();
    if (fs.existsSync(path.join(this.root, 'params.yaml'))) scope = this.importFile(scope, 'params.yaml', this.root, top);
    const vars = f.get('vars');
    if (vars) scope = this.vars(vars.value, scope, this.root, '');
    return map.items.flatMap(pair => this.expand(pair.key, pair.value, scope));
  }

  /** One entry of `stages`: a plain stage, or the stages a `foreach` or `matrix` generates. */
  private expand(keyNode: unknown, value: unknown, scope: Scope): Stage[] {
    const name = isScalar(keyNode) ? String(keyNode.value ?? '') : '';
    if (!name.trim()) this.fail('a stage name must be a non-empty string', keyNode);
    if (/[@:/\\]/.test(name)) this.fail(`invalid stage name '${name}': it cannot contain '@', ':', '/' or '\\'`, keyNode);
    const pos = this.pos(keyNode);
    const body = this.deref(value);
    if (!isMap(body)) return this.fail(`stage '${name}' must be a mapping of stage keys (cmd, deps, outs, …)`, isEmpty(body) ? keyNode : body);
    const unknown = (k: string) => `unknown key '${k}' in stage '${name}'`;
    const f = this.fields(body, STAGE_KEYS, unknown);
    const foreach = f.get('foreach');
    const matrix = f.get('matrix');
    const doF = f.get('do');
    if (foreach) {
      if (matrix) this.fail(`stage '${name}' cannot have both 'foreach' and 'matrix'`, matrix.key);
      for (const [k, v] of f) if (k !== 'foreach' && k !== 'do') this.fail(`'${k}' cannot be next to 'foreach' in stage '${name}' (put it under 'do')`, v.key);
      if (!doF) return this.fail(`stage '${name}' has 'foreach' but no 'do'`, foreach.key);
      const template = this.deref(doF.value);
      if (!isMap(template)) return this.fail(`'do' of stage '${name}' must be a mapping of stage keys`, isEmpty(template) ? doF.key : template);
      const inner = this.fields(template, STAGE_KEYS, unknown);
      for (const k of ['foreach', 'do', 'matrix']) if (inner.has(k)) this.fail(`'${k}' cannot be used inside 'do' (stage '${name}')`, inner.get(k)!.key);
      const data = this.resolve(foreach.value, scope.vars, { composite: true });
      if (!isComposite(data)) {
        return this.fail(`'foreach' of stage '${name}' must be a list or a mapping, got ${describe(data)}`, isEmpty(foreach.value) ? foreach.key : foreach.value);
      }
      const entries = foreachEntries(data as unknown[] | Vars);
      return this.generate(name, entries, inner, scope, pos, keyNode);
    }
    if (doF) return this.fail(`'do' without 'foreach' in stage '${name}'`, doF.key);
    if (!matrix) return [this.stage(name, f, scope, pos)];
    const data = this.resolve(matrix.value, scope.vars, { composite: true });
    const mNode = this.deref(matrix.value);
    if (!isMapping(data) || !Object.keys(data).length) {
      return this.fail(`'matrix' of stage '${name}' must be a mapping of names to lists`, isEmpty(mNode) ? matrix.key : mNode);
    }
    for (const [k, values] of Object.entries(data)) {
      if (!Array.isArray(values)) this.fail(`matrix '${k}' of stage '${name}' must be a list, got ${describe(values)}`, (isMap(mNode) && mNode.get(k, true)) || matrix.key);
    }
    f.delete('matrix');
    const entries = matrixEntries(data as Record<string, unknown[]>);
    return this.generate(name, entries, f, scope, pos, keyNode);
  }

  private generate(name: string, entries: [string, Vars][], f: Map<string, Field>, scope: Scope, pos: SourcePos, keyNode: unknown): Stage[] {
    const seen = new Set<string>();
    return entries.map(([key, locals]) => {
      const full = `${name}@${key}`;
      if (seen.has(full)) this.fail(`duplicate stage name '${full}' generated by stage '${name}'`, keyNode);
      seen.add(full);
      return this.stage(full, f, withLocals(scope, locals), pos);
    });
  }

  private stage(name: string, f: Map<string, Field>, scope: Scope, pos: SourcePos): Stage {
    const cmd = f.get('cmd');
    if (!cmd) throw new PipelineError(`stage '${name}' has no 'cmd'`, this.file, pos.line, pos.col, [name]);
    const w = f.get('wdir');
    const wdir = w ? this.path(this.str(w.value, scope.vars, `'wdir' of stage '${name}'`, w.key), '.', w.value) : '.';
    const v = f.get('vars');
    if (v) scope = this.vars(v.value, scope, path.resolve(this.root, wdir), `${name}.`);
    const vars = scope.vars;
    const stage: Stage = {
      name, cmd: this.cmd(cmd, vars, name), wdir, deps: [], outs: [], params: [], metrics: [], plots: [],
      frozen: false, alwaysChanged: false, pos,
    };
    const deps = f.get('deps');
    if (deps) stage.deps = this.list(deps, name).map(n => this.path(this.str(n, vars, `a dependency of stage '${name}'`, deps.key), wdir, n));
    for (const field of ['outs', 'metrics', 'plots'] as const) {
      const entry = f.get(field);
      for (const n of entry ? this.list(entry, name) : []) {
        const out = this.out(n, vars, wdir, OUT_KIND[field], name, field);
        stage.outs.push(out);
        if (field !== 'outs') stage[field].push(out.path);
      }
    }
    const params = f.get('params');
    if (params) stage.params = this.params(params, vars, wdir, name);
    const frozen = f.get('frozen');
    if (frozen) stage.frozen = this.bool(frozen, vars, name);
    const always = f.get('always_changed');
    if (always) stage.alwaysChanged = this.bool(always, vars, name);
    const desc = f.get('desc');
    if (desc && !isEmpty(desc.value)) stage.desc = this.str(desc.value, vars, `'desc' of stage '${name}'`, desc.key);
    return stage;
  }

  private cmd(f: Field, vars: Vars, name: string): string[] {
    const node = this.deref(f.value);
    const items = isSeq(node) ? node.items.map(n => this.deref(n)) : [node];
    if (isSeq(node) && !items.length) this.fail(`'cmd' of stage '${name}' is an empty list`, node);
    return items.map(n => {
      if (!isScalar(n) || n.value === null) return this.fail(`'cmd' of stage '${name}' must be a string or a list of strings`, isEmpty(n) ? f.key : n);
      const s = toDvcString(this.resolveScalar(n, vars, { cmd: true }));
      if (!s.trim()) this.fail(`'cmd' of stage '${name}' is empty`, n);
      return s;
    });
  }

  private out(n: unknown, vars: Vars, wdir: string, kind: OutSpec['kind'], stage: string, field: string): OutSpec {
    const what = kind === 'out' ? 'output' : kind;
    if (isScalar(n) && n.value !== null) return { path: this.path(this.str(n, vars, `an ${field} entry`, n), wdir, n), cache: true, persist: false, kind };
    if (!isMap(n) || n.items.length !== 1) {
      return this.fail(`each '${field}' entry of stage '${stage}' must be a path or a one-key mapping {path: {cache: false, …}}`, n);
    }
    const { key, value } = n.items[0];
    const spec: OutSpec = { path: this.path(this.str(key, vars, `an ${field} path`, key), wdir, key), cache: true, persist: false, kind };
    const flags = this.deref(value);
    if (isEmpty(flags)) return spec;
    if (!isMap(flags)) return this.fail(`the options of ${what} '${spec.path}' must be a mapping (cache, persist, …)`, flags);
    for (const p of flags.items) {
      const k = isScalar(p.key) ? String(p.key.value) : '';
      if (kind !== 'plot' && !OUT_FLAGS.includes(k)) this.fail(`unknown key '${k}' in ${what} '${spec.path}' of stage '${stage}' (expected ${OUT_FLAGS.join(', ')})`, p.key);
      if (k === 'cache' || k === 'persist') spec[k] = this.bool({ key: p.key as Node, value: p.value }, vars, stage);
    }
    return spec;
  }

  /** `params:` entries grouped by file: `key` (params.yaml in wdir), `{file: [keys]}`, `{file: }` (whole file). */
  private params(f: Field, vars: Vars, wdir: string, stage: string): ParamsDep[] {
    const groups = new Map<string, Set<string> | null>();
    const add = (file: string, keys: string[] | null) => {
      const g = groups.get(file);
      if (g === undefined || keys === null) groups.set(file, keys && new Set(keys));
      else if (g !== null) keys.forEach(k => g.add(k));
    };
    for (const n of this.list(f, stage)) {
      if (isScalar(n) && n.value !== null) add(this.path('params.yaml', wdir, n), [this.str(n, vars, 'a param key', n)]);
      else if (isMap(n)) {
        for (const p of n.items) {
          const file = this.path(this.str(p.key, vars, 'a params file', p.key), wdir, p.key);
          const v = this.deref(p.value);
          if (isEmpty(v) || (isScalar(v) && v.value === '') || (isSeq(v) && !v.items.length)) add(file, null);
          else if (isSeq(v)) add(file, v.items.map(k => this.str(k, vars, 'a param key', p.key)));
          else this.fail(`the params of '${file}' in stage '${stage}' must be a list of keys, or empty for the whole file`, v);
        }
      } else this.fail(`each 'params' entry of stage '${stage}' must be a key or a mapping {file: [keys]}`, isEmpty(n) ? f.key : n);
    }
    return [...groups].map(([file, keys]) => ({ file, keys: keys ? [...keys] : [] }));
  }

  /** `vars`: params files (`file.yaml`, `file.yaml:key1,key2`, relative to `dir`) and inline mappings, merged in order. */
  private vars(node: unknown, scope: Scope, dir: string, where: string): Scope {
    const list = this.deref(node);
    if (isEmpty(list)) return scope;
    if (!isSeq(list)) return this.fail("'vars' must be a list of params files and mappings", list);
    list.items.forEach((raw, i) => {
      const item = this.deref(raw);
      this.noInterpolation(item);
      if (isScalar(item) && typeof item.value === 'string') scope = this.importFile(scope, item.value, dir, item);
      else if (isMap(item)) scope = this.guard(item, () => mergeVars(scope, item.toJS(this.doc) as Vars, `${where}vars[${i}]`));
      else this.fail("a 'vars' entry must be a params file name or a mapping", isEmpty(item) ? list : item);
    });
    return scope;
  }

  private importFile(scope: Scope, spec: string, dir: string, node: unknown): Scope {
    return this.guard(node, () => importVarsFile(scope, spec, dir, this.root));
  }

  /** Runs `fn`, turning a templating error into a PipelineError at `node`. */
  private guard<T>(node: unknown, fn: () => T): T {
    try { return fn(); } catch (e) {
      if (e instanceof InterpolationError) this.fail(e.message, node);
      throw e;
    }
  }

  private noInterpolation(node: unknown): void {
    const n = this.deref(node);
    if (isScalar(n) && typeof n.value === 'string' && hasInterpolation(n.value)) this.fail("interpolation is not allowed in 'vars'", n);
    if (isSeq(n)) n.items.forEach(i => this.noInterpolation(i));
    if (isMap(n)) n.items.forEach(p => { this.noInterpolation(p.key); this.noInterpolation(p.value); });
  }

  private list(f: Field, stage: string): unknown[] {
    const n = this.deref(f.value);
    if (isEmpty(n)) return [];
    if (!isSeq(n)) return this.fail(`'${(f.key as Scalar).value}' of stage '${stage}' must be a list`, n);
    return n.items.map(i => this.deref(i));
  }

  private bool(f: Field, vars: Vars, stage: string): boolean {
    const n = this.deref(f.value);
    const v = isScalar(n) ? this.resolveScalar(n, vars, {}) : undefined;
    if (typeof v !== 'boolean') this.fail(`'${(f.key as Scalar).value}' of stage '${stage}' must be true or false, got ${describe(v)}`, isEmpty(n) ? f.key : n);
    return v as boolean;
  }

  /** A scalar that must end up a string (numbers and booleans are written as DVC writes them). */
  private str(node: unknown, vars: Vars, what: string, fallback: unknown): string {
    const n = this.deref(node);
    if (!isScalar(n) || n.value === null) return this.fail(`${what} must be a string, got ${isEmpty(n) ? 'nothing' : describe((n as Node).toJSON())}`, isEmpty(n) ? fallback : n);
    return toDvcString(this.resolveScalar(n, vars, {}));
  }

  /** Any value with `${...}` resolved (mapping keys too); used for `foreach` and `matrix` data. */
  private resolve(node: unknown, vars: Vars, opts: ResolveOptions): unknown {
    const n = this.deref(node);
    if (isScalar(n)) return this.resolveScalar(n, vars, opts);
    if (isSeq(n)) return n.items.map(i => this.resolve(i, vars, opts));
    if (!isMap(n)) return null;
    const out: Vars = {};
    for (const p of n.items) out[isScalar(p.key) ? toDvcString(this.resolveScalar(p.key, vars, {})) : String(p.key)] = this.resolve(p.value, vars, opts);
    return out;
  }

  private resolveScalar(n: Scalar, vars: Vars, opts: ResolveOptions): unknown {
    if (typeof n.value !== 'string') return n.value;
    try { return resolveString(n.value, vars, opts); } catch (e) {
      if (!(e instanceof InterpolationError)) throw e;
      // Point at the `${` when the scalar is written literally (plain, or quoted without escapes).
      const [from] = n.range ?? [0];
      const base = n.type === 'QUOTE_DOUBLE' || n.type === 'QUOTE_SINGLE' ? from + 1 : from;
      const literal = this.text.slice(base, base + n.value.length) === n.value;
      return this.failAt(e.message, literal ? base + e.index : from);
    }
  }

  /** Workspace path written relative to `wdir` → relative to the pipeline root, posix, no './'. */
  private path(raw: string, wdir: string, node: unknown): string {
    if (!raw.trim()) this.fail('empty path', node);
    if (/^[a-z][a-z0-9+.-]+:\/\//i.test(raw)) this.fail(`'${raw}' is a remote location; only paths in the workspace are supported`, node);
    const abs = path.resolve(this.root, wdir, raw);
    const inside = path.relative(this.workspace, abs);
    if (inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside)) this.fail(`path '${raw}' is outside the workspace`, node);
    return path.relative(this.root, abs).split(path.sep).join('/') || '.';
  }

  private fields(map: YAMLMap, allowed: string[], unknown: (k: string) => string): Map<string, Field> {
    const out = new Map<string, Field>();
    for (const p of map.items) {
      const key = isScalar(p.key) ? String(p.key.value) : String(p.key);
      if (!allowed.includes(key)) this.fail(unknown(key), p.key);
      out.set(key, { key: p.key as Node, value: p.value });
    }
    return out;
  }

  private deref(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  private pos(node: unknown): SourcePos {
    const { line, col } = this.lc.linePos((node as Node | null)?.range?.[0] ?? 0);
    return { file: this.file, line, col };
  }

  private fail(message: string, node: unknown): never {
    return this.failAt(message, (node as Node | null)?.range?.[0] ?? 0);
  }

  private failAt(message: string, offset: number): never {
    const { line, col } = this.lc.linePos(offset);
    throw new PipelineError(message, this.file, line, col);
  }
}
