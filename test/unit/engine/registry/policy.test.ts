// Promotion governance policy: parsing .mlops/policy.yaml (with exact file:line:col errors), choosing the
// rules for a stage or alias, and evaluating each kind of gate against a version's context.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  PolicyError, evaluateGates, loadPolicy, parsePolicy, rulesFor, type GateContext, type PolicyRule,
} from '../../../../src/engine/registry/policy';
import { tempWorkspace } from '../../../helpers/workspace';

const EXAMPLE = `# .mlops/policy.yaml
version: 1
stages:
  Production:
    - metrics.auc >= 0.85          # latest metric of the source run
    - tags.bias_audit == passed     # version tag, else run tag
    - params.framework != sklearn-0.x
    - serving.p99_ms <= 50          # from a serving benchmark tag \`mlops.serving.p99_ms\` on the version
    - lineage complete              # a dataset digest is recorded AND the git commit is clean (not dirty)
    - rollback available            # a previous Production version exists to roll back to
  Staging:
    - metrics.accuracy > 0.7
aliases:
  champion:
    - metrics.auc >= 0.9
    - lineage complete
`;

/** Asserts that parsing `text` throws a PolicyError at line:col whose message matches `msg`. */
function assertPolicyError(text: string, line: number, col: number, msg: RegExp, file = 'policy.yaml'): void {
  assert.throws(() => parsePolicy(text, file), (e: unknown) => {
    assert.ok(e instanceof PolicyError, `PolicyError expected, got ${String(e)}`);
    assert.deepEqual([e.file, e.line, e.col], [file, line, col], e.message);
    assert.ok(e.message.startsWith(`${file}:${line}:${col}: `), e.message);
    assert.match(e.message, msg);
    return true;
  });
}

/** A policy whose Production stage holds the one rule `rule` (written on line 4, column 7). */
const prod = (rule: string) => `version: 1\nstages:\n  Production:\n    - ${rule}\n`;

const rule = (text: string): PolicyRule => parsePolicy(prod(text), 'p.yaml').stages.Production[0];

const ctx = (over: Partial<GateContext> = {}): GateContext => ({
  metrics: {}, params: {}, tags: {}, datasetDigests: [], previousVersionExists: false, ...over,
});

const gate = (text: string, over: Partial<GateContext> = {}) => evaluateGates([rule(text)], ctx(over))[0];

describe('parsePolicy: the example policy', () => {
  const policy = parsePolicy(EXAMPLE, '/ws/.mlops/policy.yaml');

  test('stages and aliases with their rules, in file order', () => {
    assert.equal(policy.file, '/ws/.mlops/policy.yaml');
    assert.deepEqual(Object.keys(policy.stages), ['Production', 'Staging']);
    assert.deepEqual(Object.keys(policy.aliases), ['champion']);
    assert.deepEqual(policy.stages.Production.map(r => r.text), [
      'metrics.auc >= 0.85', 'tags.bias_audit == passed', 'params.framework != sklearn-0.x',
      'serving.p99_ms <= 50', 'lineage complete', 'rollback available',
    ]);
    assert.deepEqual(policy.aliases.champion.map(r => r.text), ['metrics.auc >= 0.9', 'lineage complete']);
  });

  test('each rule carries its line and column', () => {
    assert.deepEqual(policy.stages.Production.map(r => [r.line, r.col]), [[5, 7], [6, 7], [7, 7], [8, 7], [9, 7], [10, 7]]);
    assert.deepEqual(policy.stages.Staging.map(r => [r.line, r.col]), [[12, 7]]);
    assert.deepEqual(policy.aliases.champion.map(r => [r.line, r.col]), [[15, 7], [16, 7]]);
  });

  test('each rule is parsed into its check', () => {
    assert.deepEqual(policy.stages.Production.map(r => r.check), [
      { kind: 'metric', key: 'auc', op: '>=', value: 0.85 },
      { kind: 'tag', key: 'bias_audit', op: '==', value: 'passed' },
      { kind: 'param', key: 'framework', op: '!=', value: 'sklearn-0.x' },
      { kind: 'serving', key: 'p99_ms', op: '<=', value: 50 },
      { kind: 'lineage' },
      { kind: 'rollback' },
    ]);
    assert.deepEqual(policy.stages.Staging[0].check, { kind: 'metric', key: 'accuracy', op: '>', value: 0.7 });
  });
});

describe('parsePolicy: rule grammar', () => {
  test('= is an alias of ==; spacing around the operator is optional', () => {
    assert.deepEqual(rule('tags.owner = ml-team').check, { kind: 'tag', key: 'owner', op: '==', value: 'ml-team' });
    assert.deepEqual(rule('metrics.loss<0.2').check, { kind: 'metric', key: 'loss', op: '<', value: 0.2 });
    assert.deepEqual(rule('metrics.val/loss <= 1e-3').check, { kind: 'metric', key: 'val/loss', op: '<=', value: 0.001 });
  });

  test('quoted values are strings (spaces allowed); unquoted numbers are numbers', () => {
    assert.deepEqual(rule(`tags.reviewer == "Ada Lovelace"`).check, { kind: 'tag', key: 'reviewer', op: '==', value: 'Ada Lovelace' });
    assert.deepEqual(rule(`'params.epochs == "10"'`).check, { kind: 'param', key: 'epochs', op: '==', value: '10' });
    assert.deepEqual(rule('params.epochs >= 10').check, { kind: 'param', key: 'epochs', op: '>=', value: 10 });
    assert.deepEqual(rule('metrics.delta > -0.5').check, { kind: 'metric', key: 'delta', op: '>', value: -0.5 });
  });

  test('a quoted YAML rule keeps the position of its node', () => {
    const r = rule('"metrics.auc >= 0.85"');
    assert.deepEqual([r.text, r.line, r.col], ['metrics.auc >= 0.85', 4, 7]);
  });

  test('stage names are matched case-insensitively and stored canonically', () => {
    const policy = parsePolicy('stages:\n  production:\n    - rollback available\n  STAGING: []\n', 'p.yaml');
    assert.deepEqual(Object.keys(policy.stages), ['Production', 'Staging']);
    assert.deepEqual(policy.stages.Staging, []);
  });

  test('empty file, comments only, empty sections and empty rule lists are empty policies', () => {
    for (const text of ['', '# nothing yet\n', 'version: 1\nstages:\naliases:\n', 'stages:\n  Production:\n']) {
      const p = parsePolicy(text, 'p.yaml');
      assert.deepEqual(p.aliases, {}, text);
      assert.ok(Object.values(p.stages).every(rules => rules.length === 0), text);
    }
  });

  test("alias names are own properties, even '__proto__'", () => {
    const p = parsePolicy('aliases:\n  __proto__:\n    - rollback available\n', 'p.yaml');
    assert.ok(Object.hasOwn(p.aliases, '__proto__'));
    assert.equal(rulesFor(p, { alias: '__proto__' }).length, 1);
    assert.equal(rulesFor(p, { alias: 'constructor' }).length, 0);
  });
});

describe('parsePolicy: errors with file, line and column', () => {
  test('YAML syntax error', () => {
    assertPolicyError('version: 1\nstages:\n  Production: [metrics.auc > 1\n', 4, 1, /flow sequence|\]/i);
    assertPolicyError('version: 1\nstages:\n  Production:\n    - rollback available\n  Production: []\n', 5, 3, /unique/i);
  });

  test('a root that is not a mapping', () => {
    assertPolicyError('- metrics.auc > 1\n', 1, 1, /must be a mapping/);
  });

  test('unknown top-level key', () => {
    assertPolicyError('version: 1\nowner: ml-team\n', 2, 1, /unknown key 'owner'/);
  });

  test('unsupported version', () => {
    assertPolicyError('version: 2\nstages: {}\n', 1, 10, /unsupported policy version 2/);
    assertPolicyError('version: "1"\n', 1, 10, /unsupported policy version "1"/);
    assertPolicyError('version:\n', 1, 1, /unsupported policy version null/);
  });

  test('stage not in None/Staging/Production/Archived', () => {
    assertPolicyError('stages:\n  Production: []\n  Canary:\n    - rollback available\n', 3, 3, /unknown stage 'Canary' \(expected None, Staging, Production, Archived\)/);
  });

  test('the same stage twice under different case', () => {
    assertPolicyError('stages:\n  Production: []\n  production: []\n', 3, 3, /stage 'Production' is listed twice/);
  });

  test('stages or a stage that has the wrong shape', () => {
    assertPolicyError('stages:\n  - Production\n', 2, 3, /'stages' must be a mapping/);
    assertPolicyError('stages:\n  Production: metrics.auc > 1\n', 2, 15, /rules of stage 'Production' must be a list/);
    assertPolicyError('aliases:\n  champion: lineage complete\n', 2, 13, /rules of alias 'champion' must be a list/);
  });

  test('a rule that is not a string', () => {
    assertPolicyError(prod('metrics.auc: 0.9'), 4, 7, /a rule must be a string/);
    assertPolicyError(prod('42'), 4, 7, /a rule must be a string/);
    assertPolicyError(prod('true'), 4, 7, /a rule must be a string/);
    assertPolicyError(prod('[metrics.auc, 1]'), 4, 7, /a rule must be a string/);
    assertPolicyError('stages:\n  Production:\n    - lineage complete\n    -\n', 4, 6, /a rule must be a string/);
  });

  test('unknown namespace, or no namespace at all', () => {
    assertPolicyError(prod('metric.auc >= 0.85'), 4, 7, /unknown namespace 'metric' \(expected metrics, params, tags or serving\)/);
    assertPolicyError(prod('constructor.x == 1'), 4, 7, /unknown namespace 'constructor'/);
    assertPolicyError(prod('lineage incomplete'), 4, 7, /expected '<metrics\|params\|tags\|serving>\.<key> <op> <value>'/);
  });

  test('bad or missing operator, missing key', () => {
    assertPolicyError(prod('metrics.auc => 0.85'), 4, 19, /bad operator '=>'/);
    assertPolicyError(prod('metrics.auc === 0.85'), 4, 19, /bad operator '==='/);
    assertPolicyError(prod('tags.audit ! passed'), 4, 18, /bad operator '!'/);
    assertPolicyError(prod('metrics.auc 0.85'), 4, 23, /missing operator/);
    assertPolicyError(prod('metrics. >= 0.85'), 4, 15, /missing key after 'metrics\.'/);
  });

  test('missing value', () => {
    assertPolicyError(prod('metrics.auc >='), 4, 21, /missing value after '>='/);
    assertPolicyError(prod('tags.audit ==   # comment'), 4, 20, /missing value after '=='/);
  });

  test('numeric comparison against a non-number', () => {
    assertPolicyError(prod('params.epochs > many'), 4, 23, /'>' needs a number, got 'many'/);
    assertPolicyError(prod('tags.rank <= "3"'), 4, 20, /'<=' needs a number, got '3'/);
    assertPolicyError(prod('metrics.auc >= high'), 4, 22, /metric comparisons need a number, got 'high'/);
    assertPolicyError(prod('metrics.auc == good'), 4, 22, /metric comparisons need a number/);
    assertPolicyError(prod('serving.p99_ms <= fast'), 4, 25, /serving comparisons need a number, got 'fast'/);
  });

  test('value problems: spaces, unterminated or trailing text after quotes', () => {
    assertPolicyError(prod('tags.owner == ml team'), 4, 24, /quote values that contain spaces/);
    assertPolicyError(prod(`tags.owner == "ml team`), 4, 21, /unterminated quoted value/);
    assertPolicyError(prod(`tags.owner == "ml" team`), 4, 25, /unexpected text after the quoted value/);
  });

  test('a rule error inside a quoted YAML scalar points into the quotes', () => {
    assertPolicyError(prod(`"metrics.auc >= high"`), 4, 23, /metric comparisons need a number/);
  });

  test('an error in a block scalar falls back to the rule start', () => {
    assertPolicyError('stages:\n  Staging:\n    - >-\n      metrics.auc\n      >= high\n', 3, 7, /metric comparisons need a number/);
  });

  test('an error in an alias rule', () => {
    assertPolicyError('aliases:\n  champion:\n    - lineage complete\n    - rollback ready\n', 4, 7, /expected/);
  });
});

describe('rulesFor', () => {
  const policy = parsePolicy(EXAMPLE, 'p.yaml');

  test('no policy, or nothing for the target: no rules', () => {
    assert.deepEqual(rulesFor(undefined, { stage: 'Production' }), []);
    assert.deepEqual(rulesFor(policy, { stage: 'Archived' }), []);
    assert.deepEqual(rulesFor(policy, { stage: 'Canary' }), []);
    assert.deepEqual(rulesFor(policy, { alias: 'challenger' }), []);
    assert.deepEqual(rulesFor(policy, {}), []);
  });

  test('a stage (case-insensitive), an alias, or both (stage rules first)', () => {
    assert.equal(rulesFor(policy, { stage: 'Production' }).length, 6);
    assert.deepEqual(rulesFor(policy, { stage: 'staging' }).map(r => r.text), ['metrics.accuracy > 0.7']);
    assert.deepEqual(rulesFor(policy, { alias: 'champion' }).map(r => r.text), ['metrics.auc >= 0.9', 'lineage complete']);
    assert.deepEqual(rulesFor(policy, { stage: 'Staging', alias: 'champion' }).map(r => r.text),
      ['metrics.accuracy > 0.7', 'metrics.auc >= 0.9', 'lineage complete']);
  });
});

describe('evaluateGates', () => {
  test('metric: pass, fail, missing, NaN', () => {
    assert.deepEqual(gate('metrics.auc >= 0.85', { metrics: { auc: 0.91 } }), { rule: 'metrics.auc >= 0.85', passed: true, detail: 'auc = 0.91 ≥ 0.85' });
    assert.deepEqual(gate('metrics.auc >= 0.85', { metrics: { auc: 0.85 } }), { rule: 'metrics.auc >= 0.85', passed: true, detail: 'auc = 0.85 ≥ 0.85' });
    assert.deepEqual(gate('metrics.auc >= 0.85', { metrics: { auc: 0.8 } }), { rule: 'metrics.auc >= 0.85', passed: false, detail: 'auc = 0.8, not ≥ 0.85' });
    assert.deepEqual(gate('metrics.auc >= 0.85', { metrics: { loss: 0.1 } }), { rule: 'metrics.auc >= 0.85', passed: false, detail: 'metric auc was not logged' });
    assert.deepEqual(gate('metrics.auc >= 0.85', { metrics: { auc: NaN } }), { rule: 'metrics.auc >= 0.85', passed: false, detail: 'auc is NaN' });
    assert.equal(gate('metrics.auc != 0.5', { metrics: { auc: NaN } }).passed, false, 'NaN fails whatever the operator');
  });

  test('metric: every operator', () => {
    const m = { metrics: { x: 2 } };
    const cases: [string, boolean][] = [
      ['== 2', true], ['= 3', false], ['!= 3', true], ['!= 2', false], ['> 1', true], ['> 2', false],
      ['>= 2', true], ['>= 2.5', false], ['< 3', true], ['< 2', false], ['<= 2', true], ['<= 1', false],
    ];
    for (const [tail, passed] of cases) assert.equal(gate(`metrics.x ${tail}`, m).passed, passed, tail);
    assert.equal(gate('metrics.x < 0', { metrics: { x: -Infinity } }).detail, 'x = -Infinity < 0');
  });

  test('param: string equality, numeric comparison, not logged', () => {
    assert.deepEqual(gate('params.framework != sklearn-0.x', { params: { framework: 'torch-2.3' } }),
      { rule: 'params.framework != sklearn-0.x', passed: true, detail: 'framework = "torch-2.3" ≠ "sklearn-0.x"' });
    assert.deepEqual(gate('params.framework != sklearn-0.x', { params: { framework: 'sklearn-0.x' } }),
      { rule: 'params.framework != sklearn-0.x', passed: false, detail: 'framework = "sklearn-0.x", not ≠ "sklearn-0.x"' });
    assert.deepEqual(gate('params.framework != sklearn-0.x', {}),
      { rule: 'params.framework != sklearn-0.x', passed: false, detail: 'param framework was not logged' });
    assert.deepEqual(gate('params.epochs >= 10', { params: { epochs: '12' } }), { rule: 'params.epochs >= 10', passed: true, detail: 'epochs = 12 ≥ 10' });
    assert.equal(gate('params.epochs == 10', { params: { epochs: '10.0' } }).passed, true, 'unquoted number compares numerically');
    assert.equal(gate('params.epochs == "10"', { params: { epochs: '10.0' } }).passed, false, 'quoted value compares as text');
    assert.deepEqual(gate('params.epochs > 5', { params: { epochs: 'auto' } }),
      { rule: 'params.epochs > 5', passed: false, detail: 'epochs = "auto" is not a number' });
    assert.equal(gate('params.epochs != 5', { params: { epochs: 'auto' } }).passed, true);
  });

  test('tag: pass, fail, not set', () => {
    assert.deepEqual(gate('tags.bias_audit == passed', { tags: { bias_audit: 'passed' } }),
      { rule: 'tags.bias_audit == passed', passed: true, detail: 'bias_audit = "passed" = "passed"' });
    assert.deepEqual(gate('tags.bias_audit == passed', { tags: { bias_audit: 'pending' } }),
      { rule: 'tags.bias_audit == passed', passed: false, detail: 'bias_audit = "pending", not = "passed"' });
    assert.deepEqual(gate('tags.bias_audit == passed', { tags: { other: 'passed' } }),
      { rule: 'tags.bias_audit == passed', passed: false, detail: 'tag bias_audit is not set' });
    assert.equal(gate('tags.toString == x', {}).detail, 'tag toString is not set', 'only own keys count');
  });

  test('serving: reads tag mlops.serving.<key> as a number', () => {
    assert.deepEqual(gate('serving.p99_ms <= 50', { tags: { 'mlops.serving.p99_ms': '42.5' } }),
      { rule: 'serving.p99_ms <= 50', passed: true, detail: 'p99_ms = 42.5 ≤ 50' });
    assert.deepEqual(gate('serving.p99_ms <= 50', { tags: { 'mlops.serving.p99_ms': '73' } }),
      { rule: 'serving.p99_ms <= 50', passed: false, detail: 'p99_ms = 73, not ≤ 50' });
    assert.deepEqual(gate('serving.p99_ms <= 50', { tags: { p99_ms: '10' } }),
      { rule: 'serving.p99_ms <= 50', passed: false, detail: 'no serving benchmark: tag mlops.serving.p99_ms is not set' });
    assert.deepEqual(gate('serving.p99_ms <= 50', { tags: { 'mlops.serving.p99_ms': 'fast' } }),
      { rule: 'serving.p99_ms <= 50', passed: false, detail: 'tag mlops.serving.p99_ms = "fast" is not a number' });
    assert.deepEqual(gate('serving.p99_ms <= 50', { tags: { 'mlops.serving.p99_ms': 'NaN' } }),
      { rule: 'serving.p99_ms <= 50', passed: false, detail: 'p99_ms is NaN' });
  });

  test('lineage complete: needs a dataset digest, a git commit and a clean tree', () => {
    const full = { datasetDigests: ['d41d8cd9'], gitCommit: '0123456789abcdef0123', gitDirty: false };
    assert.deepEqual(gate('lineage complete', full),
      { rule: 'lineage complete', passed: true, detail: '1 dataset digest, clean git commit 0123456789ab' });
    assert.equal(gate('lineage complete', { ...full, datasetDigests: ['a', 'b'] }).detail, '2 dataset digests, clean git commit 0123456789ab');
    assert.deepEqual(gate('lineage complete', { ...full, datasetDigests: [] }),
      { rule: 'lineage complete', passed: false, detail: 'lineage incomplete: no dataset digest recorded' });
    assert.deepEqual(gate('lineage complete', { ...full, gitDirty: true }),
      { rule: 'lineage complete', passed: false, detail: 'lineage incomplete: git commit 0123456789ab has uncommitted changes (dirty)' });
    assert.deepEqual(gate('lineage complete', { ...full, gitDirty: undefined }),
      { rule: 'lineage complete', passed: false, detail: 'lineage incomplete: git working-tree state unknown' });
    assert.deepEqual(gate('lineage complete', {}),
      { rule: 'lineage complete', passed: false, detail: 'lineage incomplete: no dataset digest recorded; no git commit recorded' });
  });

  test('rollback available: iff a previous version exists', () => {
    assert.deepEqual(gate('rollback available', { previousVersionExists: true }),
      { rule: 'rollback available', passed: true, detail: 'a previous version exists to roll back to' });
    assert.deepEqual(gate('rollback available', { previousVersionExists: false }),
      { rule: 'rollback available', passed: false, detail: 'no previous version to roll back to' });
  });

  test('the example Production stage: one result per rule, in order', () => {
    const rules = rulesFor(parsePolicy(EXAMPLE, 'p.yaml'), { stage: 'Production' });
    const results = evaluateGates(rules, ctx({
      metrics: { auc: 0.91 }, params: { framework: 'xgboost' }, tags: { bias_audit: 'passed', 'mlops.serving.p99_ms': '12' },
      datasetDigests: ['abc'], gitCommit: 'deadbeef', gitDirty: false, previousVersionExists: false,
    }));
    assert.deepEqual(results.map(r => [r.rule, r.passed]), [
      ['metrics.auc >= 0.85', true], ['tags.bias_audit == passed', true], ['params.framework != sklearn-0.x', true],
      ['serving.p99_ms <= 50', true], ['lineage complete', true], ['rollback available', false],
    ]);
    assert.deepEqual(evaluateGates([], ctx()), []);
  });
});

describe('loadPolicy', () => {
  const write = (ws: string, text: string) => {
    fs.mkdirSync(path.join(ws, '.mlops'), { recursive: true });
    fs.writeFileSync(path.join(ws, '.mlops', 'policy.yaml'), text);
    return path.join(ws, '.mlops', 'policy.yaml');
  };

  test('absent file (or absent .mlops): undefined', () => {
    const ws = tempWorkspace();
    assert.equal(loadPolicy(ws), undefined);
    fs.mkdirSync(path.join(ws, '.mlops'));
    assert.equal(loadPolicy(ws), undefined);
  });

  test('a valid file is parsed, named by its path', () => {
    const ws = tempWorkspace();
    const file = write(ws, EXAMPLE);
    const policy = loadPolicy(ws);
    assert.equal(policy?.file, file);
    assert.equal(rulesFor(policy, { stage: 'Production' }).length, 6);
  });

  test('an invalid file throws a PolicyError naming the file', () => {
    const ws = tempWorkspace();
    const file = write(ws, 'version: 1\nstages:\n  Prod:\n    - metrics.auc >= 0.85\n');
    assert.throws(() => loadPolicy(ws), (e: unknown) => {
      assert.ok(e instanceof PolicyError);
      assert.equal(e.file, file);
      assert.ok(e.message.startsWith(`${file}:3:3: unknown stage 'Prod'`), e.message);
      return true;
    });
  });

  test('an unreadable path throws a PolicyError naming the file', () => {
    const ws = tempWorkspace();
    const file = path.join(ws, '.mlops', 'policy.yaml');
    fs.mkdirSync(file, { recursive: true });
    assert.throws(() => loadPolicy(ws), (e: unknown) => e instanceof PolicyError && e.file === file && e.message.includes(file));
  });
});
