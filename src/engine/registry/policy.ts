// Promotion governance: gates from <workspace>/.mlops/policy.yaml that a model version must pass to enter
// a stage or take an alias. Parsing (with file:line:col errors) and evaluation only — no store, no HTTP.
import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type Scalar } from 'yaml';

export type Op = '==' | '!=' | '>' | '>=' | '<' | '<=';
export type Check =
  | { kind: 'metric' | 'serving'; key: string; op: Op; value: number }
  /** A number only when the value was an unquoted numeric literal (then compared numerically). */
  | { kind: 'param' | 'tag'; key: string; op: Op; value: number | string }
  | { kind: 'lineage' }
  | { kind: 'rollback' };

export interface PolicyRule { text: string; line: number; col: number; check: Check }
export interface Policy { file: string; stages: Record<string, PolicyRule[]>; aliases: Record<string, PolicyRule[]> }

export class PolicyError extends Error {
  /** The message without the location prefix. */
  readonly reason: string;
  constructor(message: string, readonly file: string, readonly line: number, readonly col: number) {
    super(`${file}:${line}:${col}: ${message}`);
    this.name = 'PolicyError';
    this.reason = message;
  }
}

export const POLICY_STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
const NAMESPACES: Record<string, 'metric' | 'param' | 'tag' | 'serving'> = { metrics: 'metric', params: 'param', tags: 'tag', serving: 'serving' };
const OPS: Record<string, Op> = { '==': '==', '=': '==', '!=': '!=', '>': '>', '>=': '>=', '<': '<', '<=': '<=' };
const SYMBOL: Record<Op, string> = { '==': '=', '!=': '≠', '>': '>', '>=': '≥', '<': '<', '<=': '≤' };
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const GRAMMAR = "expected '<metrics|params|tags|serving>.<key> <op> <value>', 'lineage complete' or 'rollback available'";

/** Parses a policy file's text; `file` is used in error messages only. */
export function parsePolicy(text: string, file: string): Policy {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const fail = (message: string, offset: number): never => {
    const { line, col } = lc.linePos(offset);
    throw new PolicyError(message, file, line, col);
  };
  const start = (node: unknown) => (node as Node | null)?.range?.[0] ?? 0;
  if (doc.errors.length) fail(doc.errors[0].message.split('\n')[0], doc.errors[0].pos[0]);

  const policy: Policy = { file, stages: {}, aliases: {} };
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return policy;
  if (!isMap(root)) return fail('a policy must be a mapping with version, stages and aliases', start(root));

  /** The rule lists of a `stages:` or `aliases:` mapping, keyed by name (own properties, even '__proto__'). */
  const section = (value: unknown, what: 'stage' | 'alias'): Record<string, PolicyRule[]> => {
    const out = new Map<string, PolicyRule[]>();
    if (value === null || (isScalar(value) && value.value === null)) return {};
    if (!isMap(value)) return fail(`'${what === 'stage' ? 'stages' : 'aliases'}' must be a mapping of ${what} name to a list of rules`, start(value));
    for (const { key, value: rules } of value.items) {
      let name = isScalar(key) ? String(key.value ?? '').trim() : '';
      if (!name) fail(`${what} name must be a non-empty string`, start(key));
      if (what === 'stage') {
        const canonical = POLICY_STAGES.find(s => s.toLowerCase() === name.toLowerCase());
        if (!canonical) fail(`unknown stage '${name}' (expected ${POLICY_STAGES.join(', ')})`, start(key));
        if (out.has(canonical!)) fail(`stage '${canonical}' is listed twice`, start(key));
        name = canonical!;
      }
      const list: PolicyRule[] = [];
      out.set(name, list);
      if (rules === null || (isScalar(rules) && rules.value === null)) continue;
      if (!isSeq(rules)) fail(`the rules of ${what} '${name}' must be a list`, start(rules));
      for (const item of (rules as { items: unknown[] }).items) list.push(parseRuleNode(item, text, lc, fail, start));
    }
    return Object.fromEntries(out);
  };

  for (const pair of root.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (key === 'version') {
      const v = pair.value;
      const shown = isScalar(v) ? JSON.stringify(v.value) : 'value';
      if (!isScalar(v) || v.value !== 1) fail(`unsupported policy version ${shown} (only version 1 is supported)`, start(isScalar(v) && v.value === null ? pair.key : v));
    } else if (key === 'stages') policy.stages = section(pair.value, 'stage');
    else if (key === 'aliases') policy.aliases = section(pair.value, 'alias');
    else fail(`unknown key '${String(key)}' (expected version, stages, aliases)`, start(pair.key));
  }
  return policy;
}

type Fail = (message: string, offset: number) => never;

function parseRuleNode(item: unknown, src: string, lc: LineCounter, fail: Fail, start: (n: unknown) => number): PolicyRule {
  if (!isScalar(item) || typeof item.value !== 'string') {
    return fail("a rule must be a string such as 'metrics.auc >= 0.85'", start(item));
  }
  const node = item as Scalar<string>;
  const [from, to] = node.range!;
  // Source offset of character i of the value, exact when the scalar is written literally on one line.
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  const base = quoted ? from + 1 : from;
  const literal = src.slice(base, quoted ? to - 1 : to) === node.value;
  const lead = node.value.length - node.value.trimStart().length;
  const at = (i: number) => (literal ? base + lead + i : from);
  const text = node.value.trim();
  const check = parseRule(text, (m, i) => fail(m, at(i)));
  return { text, ...lc.linePos(from), check };
}

/** The rule grammar: `<ns>.<key> <op> <value>`, `lineage complete`, `rollback available`. */
function parseRule(text: string, fail: (message: string, index: number) => never): Check {
  const words = text.split(/\s+/).join(' ');
  if (words === 'lineage complete') return { kind: 'lineage' };
  if (words === 'rollback available') return { kind: 'rollback' };
  const ns = /^([A-Za-z_]\w*)\./.exec(text);
  if (!ns) return fail(GRAMMAR, 0);
  const kind = Object.hasOwn(NAMESPACES, ns[1]) ? NAMESPACES[ns[1]] : undefined;
  if (!kind) return fail(`unknown namespace '${ns[1]}' (expected metrics, params, tags or serving)`, 0);
  const keyAt = ns[0].length;
  const opAt = text.slice(keyAt).search(/[=!<>]/) + keyAt;
  if (opAt < keyAt) return fail('missing operator (==, !=, >, >=, <, <=)', text.length);
  const key = text.slice(keyAt, opAt).trim();
  if (!key) return fail(`missing key after '${ns[0]}'`, keyAt);
  const opText = /^[=!<>]+/.exec(text.slice(opAt))![0];
  const op = OPS[opText];
  if (!op) return fail(`bad operator '${opText}' (expected ==, !=, >, >=, <, <=)`, opAt);
  const rest = text.slice(opAt + opText.length);
  const valueAt = opAt + opText.length + (rest.length - rest.trimStart().length);
  const raw = rest.trim();
  if (!raw) return fail(`missing value after '${opText}'`, text.length);
  let value: string | number;
  if (raw[0] === '"' || raw[0] === "'") {
    const close = raw.indexOf(raw[0], 1);
    if (close < 0) return fail('unterminated quoted value', valueAt);
    if (close !== raw.length - 1) return fail(`unexpected text after the quoted value`, valueAt + close + 1);
    value = raw.slice(1, -1);
  } else {
    const space = raw.search(/\s/);
    if (space >= 0) return fail('unexpected text after the value (quote values that contain spaces)', valueAt + space + 1);
    value = NUMBER.test(raw) ? Number(raw) : raw;
  }
  if (typeof value !== 'number') {
    if (kind === 'metric' || kind === 'serving') return fail(`${kind} comparisons need a number, got '${value}'`, valueAt);
    if (op !== '==' && op !== '!=') return fail(`'${opText}' needs a number, got '${value}'`, valueAt);
    return { kind, key, op, value };
  }
  return { kind, key, op, value };
}

/** Reads `<workspace>/.mlops/policy.yaml`; undefined when there is none. */
export function loadPolicy(workspace: string): Policy | undefined {
  const file = path.join(workspace, '.mlops', 'policy.yaml');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PolicyError(`cannot read the policy: ${(e as Error).message}`, file, 1, 1);
  }
  return parsePolicy(text, file);
}

export interface GateContext {
  metrics: Record<string, number>;
  params: Record<string, string>;
  tags: Record<string, string>;
  datasetDigests: string[];
  gitCommit?: string;
  gitDirty?: boolean;
  previousVersionExists: boolean;
}
export interface GateResult { rule: string; passed: boolean; detail: string }

/** The rules gating a move into `stage` and/or onto `alias` (stage rules first); [] without a policy. */
export function rulesFor(policy: Policy | undefined, target: { stage?: string; alias?: string }): PolicyRule[] {
  if (!policy) return [];
  const stage = POLICY_STAGES.find(s => s.toLowerCase() === target.stage?.toLowerCase());
  return [
    ...(stage ? policy.stages[stage] ?? [] : []),
    ...(target.alias !== undefined && Object.hasOwn(policy.aliases, target.alias) ? policy.aliases[target.alias] : []),
  ];
}

export function evaluateGates(rules: PolicyRule[], ctx: GateContext): GateResult[] {
  return rules.map(r => ({ rule: r.text, ...evaluate(r.check, ctx) }));
}

const show = (v: number | string) => (typeof v === 'number' ? String(v) : JSON.stringify(v));
const has = (o: Record<string, unknown>, k: string) => Object.hasOwn(o, k);

function evaluate(check: Check, ctx: GateContext): { passed: boolean; detail: string } {
  switch (check.kind) {
    case 'lineage': {
      const missing: string[] = [];
      if (!ctx.datasetDigests.length) missing.push('no dataset digest recorded');
      if (!ctx.gitCommit) missing.push('no git commit recorded');
      else if (ctx.gitDirty === true) missing.push(`git commit ${ctx.gitCommit.slice(0, 12)} has uncommitted changes (dirty)`);
      else if (ctx.gitDirty !== false) missing.push('git working-tree state unknown');
      if (missing.length) return { passed: false, detail: `lineage incomplete: ${missing.join('; ')}` };
      const n = ctx.datasetDigests.length;
      return { passed: true, detail: `${n} dataset digest${n === 1 ? '' : 's'}, clean git commit ${ctx.gitCommit!.slice(0, 12)}` };
    }
    case 'rollback':
      return ctx.previousVersionExists
        ? { passed: true, detail: 'a previous version exists to roll back to' }
        : { passed: false, detail: 'no previous version to roll back to' };
    case 'metric': {
      if (!has(ctx.metrics, check.key)) return { passed: false, detail: `metric ${check.key} was not logged` };
      return compare(check.key, ctx.metrics[check.key], check.op, check.value);
    }
    case 'serving': {
      const tag = `mlops.serving.${check.key}`;
      if (!has(ctx.tags, tag)) return { passed: false, detail: `no serving benchmark: tag ${tag} is not set` };
      const raw = ctx.tags[tag].trim();
      if (!NUMBER.test(raw) && raw !== 'NaN') return { passed: false, detail: `tag ${tag} = ${show(ctx.tags[tag])} is not a number` };
      return compare(check.key, Number(raw), check.op, check.value);
    }
    case 'param':
    case 'tag': {
      const source = check.kind === 'param' ? ctx.params : ctx.tags;
      if (!has(source, check.key)) return { passed: false, detail: `${check.kind} ${check.key} ${check.kind === 'param' ? 'was not logged' : 'is not set'}` };
      const actual = source[check.key];
      if (typeof check.value === 'number') {
        if (NUMBER.test(actual.trim())) return compare(check.key, Number(actual.trim()), check.op, check.value);
        if (check.op !== '==' && check.op !== '!=') return { passed: false, detail: `${check.key} = ${show(actual)} is not a number` };
      }
      return compare(check.key, actual, check.op, String(check.value));
    }
  }
}

function compare(key: string, actual: number | string, op: Op, expected: number | string): { passed: boolean; detail: string } {
  if (typeof actual === 'number' && Number.isNaN(actual)) return { passed: false, detail: `${key} is NaN` };
  const a = actual as number;
  const e = expected as number;
  const passed = op === '==' ? a === e : op === '!=' ? a !== e : op === '>' ? a > e : op === '>=' ? a >= e : op === '<' ? a < e : a <= e;
  const rel = `${SYMBOL[op]} ${show(expected)}`;
  return { passed, detail: passed ? `${key} = ${show(actual)} ${rel}` : `${key} = ${show(actual)}, not ${rel}` };
}
