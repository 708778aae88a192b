// Stages, aliases, governance gates (.mlops/policy.yaml), rollback and the audit trail, over real HTTP
// and a real SQLite store: MLflow's transition-stage/alias endpoints and MLOps' /mlops/registry/* ones.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../../../helpers/workspace';
import { fails, ok } from '../../../helpers/replies';
import { modelRun, register, resolveModelUri, type ModelRun } from '../../../helpers/registry';

const REG = '/api/2.0/mlops/registry';

/** A server, an experiment, two runs (auc 0.8 and 0.9, each with the ONNX model) and a model factory. */
function fixture() {
  const f = {} as { s: TestServer; exp: string; low: ModelRun; high: ModelRun };
  before(async () => {
    f.s = await startTestServer();
    f.exp = (await ok(f.s.call('POST', 'experiments/create', { name: 'promotion' }))).experiment_id;
    f.low = await modelRun(f.s, f.exp, { auc: 0.8, name: 'low' });
    f.high = await modelRun(f.s, f.exp, { auc: 0.9, name: 'high' });
  });
  after(async () => { await f.s.close(); fs.rmSync(f.s.ws, { recursive: true, force: true }); });
  /** Creates `name` with one version per run given. */
  const model = async (name: string, ...runs: ModelRun[]) => {
    await ok(f.s.call('POST', 'registered-models/create', { name }));
    for (const r of runs) await register(f.s, name, r);
  };
  const version = async (name: string, v: string) => (await ok(f.s.call('GET', `model-versions/get?name=${name}&version=${v}`))).model_version;
  const stages = async (name: string) => {
    const b = await ok(f.s.call('GET', `model-versions/search?filter=${encodeURIComponent(`name='${name}'`)}&order_by=version_number%20ASC`));
    return Object.fromEntries(b.model_versions.map((v: any) => [v.version, v.current_stage]));
  };
  const audit = async (name: string) => (await ok(f.s.call('GET', `${REG}/audit?name=${name}`))).entries as any[];
  return { f, model, version, stages, audit };
}

describe('stages and aliases', () => {
  const { f, model, version, stages } = fixture();

  test('transition-stage None → Staging → Production; archive_existing_versions=true archives the previous Production version', async () => {
    await model('st', f.low, f.high);
    const t = async (v: string, stage: string, archive = false) =>
      (await ok(f.s.call('POST', 'model-versions/transition-stage', { name: 'st', version: v, stage, archive_existing_versions: archive }))).model_version;
    assert.equal((await t('1', 'Production')).current_stage, 'Production');
    const staged = await t('2', 'Staging');
    assert.deepEqual([staged.version, staged.current_stage], ['2', 'Staging']);
    assert.equal((await t('2', 'Production', true)).current_stage, 'Production');
    assert.deepEqual(await stages('st'), { 1: 'Archived', 2: 'Production' });
    assert.equal((await t('1', 'production')).current_stage, 'Production', 'stage names are case-insensitive, answered canonically');
    assert.deepEqual(await stages('st'), { 1: 'Production', 2: 'Production' }, 'without the flag the other version stays');
  });

  test('an invalid stage is 400; unknown versions 404', async () => {
    await fails(f.s.call('POST', 'model-versions/transition-stage', { name: 'st', version: '1', stage: 'Prod' }), 400, 'INVALID_PARAMETER_VALUE', /Invalid Model Version stage: Prod/);
    await fails(f.s.call('POST', 'model-versions/transition-stage', { name: 'st', version: '1' }), 400, 'INVALID_PARAMETER_VALUE', /stage/);
    await fails(f.s.call('POST', 'model-versions/transition-stage', { name: 'st', version: '9', stage: 'Staging' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('an alias points at one version per model: setting it again moves it; a version may hold several aliases', async () => {
    await model('al', f.low, f.high);
    await model('al2', f.low);
    const set = (name: string, alias: string, v: string) => ok(f.s.call('POST', 'registered-models/alias', { name, alias, version: v }));
    await set('al', 'champion', '1');
    await set('al', 'champion', '2');
    await set('al', 'challenger', '2');
    await set('al2', 'champion', '1');
    assert.deepEqual((await version('al', '1')).aliases, []);
    assert.deepEqual((await version('al', '2')).aliases, ['challenger', 'champion']);
    assert.deepEqual((await ok(f.s.call('GET', 'registered-models/get?name=al'))).registered_model.aliases,
      [{ alias: 'challenger', version: '2' }, { alias: 'champion', version: '2' }]);
    assert.deepEqual((await version('al2', '1')).aliases, ['champion'], 'aliases are per model');
  });

  test("invalid alias names ('latest', 'v3', 'V12', '', 'a b') are 400; MLflow's [\\w-]+ names, digits first too, are fine", async () => {
    for (const alias of ['latest', 'Latest', 'v3', 'V12', 'a b', 'x/y', 'a'.repeat(257)]) {
      await fails(f.s.call('POST', 'registered-models/alias', { name: 'al', alias, version: '1' }), 400, 'INVALID_PARAMETER_VALUE', undefined);
    }
    await fails(f.s.call('POST', 'registered-models/alias', { name: 'al', alias: '', version: '1' }), 400, 'INVALID_PARAMETER_VALUE', /alias/);
    assert.deepEqual((await version('al', '1')).aliases, []);
    for (const alias of ['2024-q1', '_x', 'v1beta']) await ok(f.s.call('POST', 'registered-models/alias', { name: 'al', alias, version: '1' }));
    assert.deepEqual((await version('al', '1')).aliases, ['2024-q1', '_x', 'v1beta']);
  });

  test('models:/name@alias resolves through alias GET then get-download-uri; deleting the version drops its aliases', async () => {
    assert.deepEqual(await resolveModelUri(f.s, 'models:/al@champion'), { version: '2', artifact_uri: `mlflow-artifacts:/${f.exp}/${f.high.run}/artifacts/model` });
    await ok(f.s.call('DELETE', 'model-versions/delete', { name: 'al', version: '2' }));
    await fails(f.s.call('GET', 'registered-models/alias?name=al&alias=champion'), 404, 'RESOURCE_DOES_NOT_EXIST');
    assert.deepEqual((await ok(f.s.call('GET', 'registered-models/get?name=al'))).registered_model.aliases.map((a: any) => `${a.alias}:${a.version}`),
      ['2024-q1:1', '_x:1', 'v1beta:1'], 'champion and challenger went with version 2');
  });
});

describe('governance gates from .mlops/policy.yaml', () => {
  const { f, model, stages, audit } = fixture();
  const policyFile = () => path.join(f.s.ws, '.mlops', 'policy.yaml');
  const POLICY = "version: 1\nstages:\n  Production: ['metrics.auc >= 0.85', 'lineage complete', 'rollback available']\n";
  before(async () => {
    fs.writeFileSync(policyFile(), POLICY);
    await model('gov', f.low, f.high);
  });

  test('a plain MLflow transition-stage that fails the gates is 400 naming the failing rules, and changes nothing', async () => {
    await fails(f.s.call('POST', 'model-versions/transition-stage', { name: 'gov', version: '1', stage: 'Production', archive_existing_versions: true }),
      400, 'INVALID_PARAMETER_VALUE', /blocked by the policy: metrics\.auc >= 0\.85 \(auc = 0\.8, not ≥ 0\.85\); lineage complete \(.*\); rollback available \(/);
    assert.deepEqual(await stages('gov'), { 1: 'None', 2: 'None' });
    assert.deepEqual((await audit('gov')).map(e => e.action), ['register', 'register'], 'no audit entry for a refused transition');
    assert.equal((await ok(f.s.call('POST', 'model-versions/transition-stage', { name: 'gov', version: '1', stage: 'Staging' }))).model_version.current_stage, 'Staging',
      'stages without rules are not gated');
  });

  test('evaluate returns per-rule results without changing anything', async () => {
    const gates = (await ok(f.s.call('POST', `${REG}/evaluate`, { name: 'gov', version: '1', stage: 'Production' }))).gates;
    assert.deepEqual(gates.map((g: any) => [g.rule, g.passed]), [['metrics.auc >= 0.85', false], ['lineage complete', false], ['rollback available', false]]);
    assert.equal(gates[0].detail, 'auc = 0.8, not ≥ 0.85');
    assert.match(gates[1].detail, /no git commit recorded/);
    assert.doesNotMatch(gates[1].detail, /dataset/, 'the dataset digest from log-inputs counts');
    const high = (await ok(f.s.call('POST', `${REG}/evaluate`, { name: 'gov', version: '2', stage: 'production' }))).gates;
    assert.deepEqual(high[0], { rule: 'metrics.auc >= 0.85', passed: true, detail: 'auc = 0.9 ≥ 0.85' });
    assert.deepEqual((await ok(f.s.call('POST', `${REG}/evaluate`, { name: 'gov', version: '1', alias: 'champion' }))).gates, [], 'no alias rules');
    await fails(f.s.call('POST', `${REG}/evaluate`, { name: 'gov', version: '1' }), 400, 'INVALID_PARAMETER_VALUE', /exactly one of 'stage' or 'alias'/);
    await fails(f.s.call('POST', `${REG}/evaluate`, { name: 'gov', version: '1', stage: 'Production', alias: 'x' }), 400, 'INVALID_PARAMETER_VALUE');
    assert.deepEqual(await stages('gov'), { 1: 'Staging', 2: 'None' });
  });

  test('promote: failing gates need override AND a written reason; the audit entry records override, reason and gates', async () => {
    const body = { name: 'gov', version: '1', stage: 'Production' };
    await fails(f.s.call('POST', `${REG}/promote`, body), 400, 'INVALID_PARAMETER_VALUE', /blocked by the policy/);
    await fails(f.s.call('POST', `${REG}/promote`, { ...body, override: true }), 400, 'INVALID_PARAMETER_VALUE', /requires a written reason/);
    await fails(f.s.call('POST', `${REG}/promote`, { ...body, override: true, reason: '   ' }), 400, 'INVALID_PARAMETER_VALUE', /requires a written reason/);
    assert.deepEqual(await stages('gov'), { 1: 'Staging', 2: 'None' });
    const r = await ok(f.s.call('POST', `${REG}/promote`, { ...body, override: true, reason: 'hotfix approved by J.', user: 'alice' }));
    assert.equal(r.model_version.current_stage, 'Production');
    assert.deepEqual(r.gates.map((g: any) => g.passed), [false, false, false]);
    const last = (await audit('gov')).at(-1);
    assert.deepEqual({ ...last, id: 0, time: 0 }, {
      id: 0, time: 0, user_id: 'alice', name: 'gov', version: '1', action: 'transition', target: 'stage:Production', from: 'Staging', to: 'Production',
      reason: 'hotfix approved by J.', gates: r.gates, overridden: true,
    });
  });

  test('an invalid policy.yaml is 400 INVALID_PARAMETER_VALUE naming the file and line:col, for every gated call', async () => {
    fs.writeFileSync(policyFile(), 'version: 1\nstages:\n  Production:\n    - metrics.auc >= high\n');
    const where = new RegExp(`${policyFile().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:22: metric comparisons need a number`);
    try {
      await fails(f.s.call('POST', `${REG}/evaluate`, { name: 'gov', version: '2', stage: 'Production' }), 400, 'INVALID_PARAMETER_VALUE', where);
      await fails(f.s.call('POST', 'model-versions/transition-stage', { name: 'gov', version: '2', stage: 'Production' }), 400, 'INVALID_PARAMETER_VALUE', where);
      await fails(f.s.call('POST', `${REG}/promote`, { name: 'gov', version: '2', alias: 'champion' }), 400, 'INVALID_PARAMETER_VALUE', where);
      fs.writeFileSync(policyFile(), 'stages: [oops\n');
      await fails(f.s.call('POST', `${REG}/evaluate`, { name: 'gov', version: '2', stage: 'Staging' }), 400, 'INVALID_PARAMETER_VALUE', /policy\.yaml:\d+:\d+: /);
      assert.deepEqual(await stages('gov'), { 1: 'Production', 2: 'None' });
    } finally {
      fs.writeFileSync(policyFile(), POLICY);
    }
  });

  test('a version that passes every gate is promoted without override, archiving the previous holder', async () => {
    await ok(f.s.call('POST', 'runs/set-tag', { run_id: f.high.run, key: 'mlflow.source.git.commit', value: 'c0ffee0000000000000000000000000000000000' }));
    await ok(f.s.call('POST', 'runs/set-tag', { run_id: f.high.run, key: 'mlflow.source.git.dirty', value: 'false' }));
    const v = await register(f.s, 'gov', f.high);
    const r = await ok(f.s.call('POST', `${REG}/promote`, { name: 'gov', version: v.version, stage: 'Production' }));
    assert.deepEqual(r.gates.map((g: any) => g.passed), [true, true, true], JSON.stringify(r.gates));
    assert.deepEqual(await stages('gov'), { 1: 'Archived', 2: 'None', 3: 'Production' });
    assert.equal((await audit('gov')).at(-1).overridden, false);
  });
});

describe('rollback and the audit trail', () => {
  const { f, model, stages, audit } = fixture();
  const promote = (name: string, v: string, t: { stage?: string; alias?: string }) => ok(f.s.call('POST', `${REG}/promote`, { name, version: v, ...t }));

  test('stage rollback: v1 Production, v2 promoted (v1 archived), rollback → v1 Production again, v2 Archived', async () => {
    await model('rb', f.low, f.high);
    await promote('rb', '1', { stage: 'Production' });
    await promote('rb', '2', { stage: 'Production' });
    assert.deepEqual(await stages('rb'), { 1: 'Archived', 2: 'Production' });
    const r = await ok(f.s.call('POST', `${REG}/rollback`, { name: 'rb', stage: 'Production', reason: 'v2 regressed' }));
    assert.deepEqual([r.model_version.version, r.model_version.current_stage, r.gates], ['1', 'Production', []]);
    assert.deepEqual(await stages('rb'), { 1: 'Production', 2: 'Archived' });
    const [demoted, last] = (await audit('rb')).slice(-2);
    assert.deepEqual([last.action, last.version, last.target, last.from, last.to, last.reason], ['rollback', '1', 'stage:Production', 'Archived', 'Production', 'v2 regressed']);
    assert.deepEqual([demoted.action, demoted.version, demoted.from, demoted.to, demoted.reason],
      ['transition', '2', 'Production', 'Archived', 'archived by rollback to version 1'], 'the demoted version is in the trail too');
  });

  test('alias rollback moves champion back to its previous holder', async () => {
    await promote('rb', '1', { alias: 'champion' });
    await promote('rb', '2', { alias: 'champion' });
    const r = await ok(f.s.call('POST', `${REG}/rollback`, { name: 'rb', alias: 'champion' }));
    assert.equal(r.model_version.version, '1');
    assert.equal((await ok(f.s.call('GET', 'registered-models/alias?name=rb&alias=champion'))).model_version.version, '1');
  });

  test('rollback with no history is 400 INVALID_STATE; unknown model 404', async () => {
    await model('fresh', f.low);
    await fails(f.s.call('POST', `${REG}/rollback`, { name: 'fresh' }), 400, 'INVALID_STATE', /Nothing to roll back to/);
    await fails(f.s.call('POST', `${REG}/rollback`, { name: 'fresh', alias: 'champion' }), 400, 'INVALID_STATE');
    await promote('fresh', '1', { stage: 'Production' });
    await fails(f.s.call('POST', `${REG}/rollback`, { name: 'fresh', stage: 'Production' }), 400, 'INVALID_STATE', /no earlier version of fresh held stage:Production/);
    await fails(f.s.call('POST', `${REG}/rollback`, { name: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('a re-created model does not inherit the rollback history of a deleted one of the same name', async () => {
    await model('again', f.low, f.high);
    await promote('again', '1', { stage: 'Production' });
    await promote('again', '2', { stage: 'Production' });
    await ok(f.s.call('DELETE', 'registered-models/delete', { name: 'again' }));
    await model('again', f.low, f.high);
    await promote('again', '2', { stage: 'Production' });
    await fails(f.s.call('POST', `${REG}/rollback`, { name: 'again', stage: 'Production' }), 400, 'INVALID_STATE');
    assert.deepEqual(await stages('again'), { 1: 'None', 2: 'Production' });
  });

  test('the audit trail lists register / transition / alias / rollback entries in order with from → to', async () => {
    const rows = (await audit('rb')).map(e => `${e.action} v${e.version} ${e.target} ${e.from ?? '∅'}→${e.to ?? '∅'}`);
    assert.deepEqual(rows, [
      'register v1  ∅→None',
      'register v2  ∅→None',
      'transition v1 stage:Production None→Production',
      'transition v1 stage:Production Production→Archived',
      'transition v2 stage:Production None→Production',
      'transition v2 stage:Production Production→Archived',
      'rollback v1 stage:Production Archived→Production',
      'alias v1 alias:champion ∅→1',
      'alias v2 alias:champion 1→2',
      'rollback v1 alias:champion 2→1',
    ]);
    const ids = (await audit('rb')).map(e => e.id);
    assert.deepEqual(ids, [...ids].sort((x, y) => x - y));
    await fails(f.s.call('GET', `${REG}/audit?name=nope`), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});

describe('inconsistent input, the audit user, failed registrations', () => {
  const { f, model, stages, audit } = fixture();

  test('evaluate refuses an unknown stage or an invalid alias (400) instead of answering "no gates"', async () => {
    await model('chk', f.low);
    await fails(f.s.call('POST', `${REG}/evaluate`, { name: 'chk', version: '1', stage: 'Bogus' }), 400, 'INVALID_PARAMETER_VALUE', /Invalid Model Version stage: Bogus/);
    await fails(f.s.call('POST', `${REG}/evaluate`, { name: 'chk', version: '1', alias: 'bad alias' }), 400, 'INVALID_PARAMETER_VALUE', /Invalid alias 'bad alias'/);
    await fails(f.s.call('POST', `${REG}/promote`, { name: 'chk', version: '1', alias: 'bad alias' }), 400, 'INVALID_PARAMETER_VALUE', /Invalid alias/);
    assert.deepEqual((await ok(f.s.call('POST', `${REG}/evaluate`, { name: 'chk', version: '1', stage: 'staging' }))).gates, [], 'a valid target without rules: no gates');
  });

  test('rollback given both a stage and an alias is 400 and changes nothing', async () => {
    await model('both', f.low, f.high);
    for (const v of ['1', '2']) {
      await ok(f.s.call('POST', `${REG}/promote`, { name: 'both', version: v, stage: 'Production' }));
      await ok(f.s.call('POST', `${REG}/promote`, { name: 'both', version: v, alias: 'champion' }));
    }
    const before = (await audit('both')).length;
    await fails(f.s.call('POST', `${REG}/rollback`, { name: 'both', stage: 'Production', alias: 'champion' }), 400, 'INVALID_PARAMETER_VALUE', /either a stage or an alias, not both/);
    await fails(f.s.call('POST', `${REG}/rollback`, { name: 'both', alias: 'bad alias' }), 400, 'INVALID_PARAMETER_VALUE', /Invalid alias/);
    assert.deepEqual(await stages('both'), { 1: 'Archived', 2: 'Production' });
    assert.equal((await ok(f.s.call('GET', 'registered-models/alias?name=both&alias=champion'))).model_version.version, '2');
    assert.equal((await audit('both')).length, before);
  });

  test("without a user in the request the audit trail names the engine's OS user; a given user is kept", async () => {
    const me = os.userInfo().username;
    await model('who', f.low, f.high);
    await ok(f.s.call('POST', `${REG}/promote`, { name: 'who', version: '1', stage: 'Staging' }));
    await ok(f.s.call('POST', 'model-versions/transition-stage', { name: 'who', version: '2', stage: 'Staging' }));
    await ok(f.s.call('POST', 'registered-models/alias', { name: 'who', alias: 'champion', version: '1' }));
    await ok(f.s.call('DELETE', 'registered-models/alias', { name: 'who', alias: 'champion', user: 'bob' }));
    await ok(f.s.call('POST', `${REG}/promote`, { name: 'who', version: '2', alias: 'champion', user: 'alice' }));
    await ok(f.s.call('POST', `${REG}/rollback`, { name: 'who', stage: 'Staging' }));
    const rows = (await audit('who')).map(e => `${e.action} ${e.user_id}`);
    assert.deepEqual(rows, [`register ${me}`, `register ${me}`, `transition ${me}`, `transition ${me}`, `alias ${me}`, `remove_alias bob`, 'alias alice',
      `transition ${me}`, `rollback ${me}`]);
    assert.ok(me.length > 0);
  });

  test('a FAILED_REGISTRATION version cannot be promoted (400 INVALID_STATE naming why); it may still be archived', async () => {
    await ok(f.s.call('POST', 'registered-models/create', { name: 'failed' }));
    const mv = (await ok(f.s.call('POST', 'model-versions/create', { name: 'failed', source: '/nonexistent/path' }))).model_version;
    assert.equal(mv.status, 'FAILED_REGISTRATION');
    const why = /failed version 1 cannot be promoted to stage:Production: it is FAILED_REGISTRATION \(Source \/nonexistent\/path does not exist/;
    await fails(f.s.call('POST', `${REG}/promote`, { name: 'failed', version: '1', stage: 'Production', override: true, reason: 'x' }), 400, 'INVALID_STATE', why);
    await fails(f.s.call('POST', 'model-versions/transition-stage', { name: 'failed', version: '1', stage: 'Staging' }), 400, 'INVALID_STATE', /FAILED_REGISTRATION/);
    await fails(f.s.call('POST', 'registered-models/alias', { name: 'failed', alias: 'champion', version: '1' }), 400, 'INVALID_STATE', /FAILED_REGISTRATION/);
    assert.deepEqual(await stages('failed'), { 1: 'None' });
    await ok(f.s.call('POST', 'model-versions/transition-stage', { name: 'failed', version: '1', stage: 'Archived' }));
    assert.deepEqual(await stages('failed'), { 1: 'Archived' });
  });
});
