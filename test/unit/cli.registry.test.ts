// `mlops registry …` as a real child process (dist/cli.js): list, show, promotions gated by .mlops/policy.yaml,
// overrides with a reason, aliases, rollback, and push to a second engine (dry run and real).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEngine, startTestServer, tempWorkspace, type TestServer } from '../helpers/workspace';
import { CLI } from '../helpers/engineProcess';
import { registerIris } from '../helpers/registryFixtures';
import type { AuditEntry, ModelVersion, RegisteredModel } from '../../src/shared/dto';

interface Result { code: number | null; out: string; err: string }

/** Runs the CLI without blocking this process (a remote engine may be serving from it). */
function mlops(ws: string, args: string[], env: Record<string, string> = {}): Promise<Result> {
  const child = spawn(process.execPath, [CLI, '--workspace', ws, ...args], { env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', d => (out += d));
  child.stderr.on('data', d => (err += d));
  return new Promise(r => child.on('close', code => r({ code, out, err })));
}

async function ok(ws: string, ...args: string[]): Promise<string> {
  const r = await mlops(ws, args);
  assert.equal(r.code, 0, `mlops ${args.join(' ')} exited ${r.code}: ${r.err}`);
  return r.out;
}

/** A failure: non-zero exit and exactly one stderr line matching `reason`; returns the result. */
async function fails(ws: string, args: string[], reason: RegExp, env: Record<string, string> = {}): Promise<Result> {
  const r = await mlops(ws, args, env);
  assert.notEqual(r.code, 0, `mlops ${args.join(' ')} should fail`);
  const lines = r.err.split('\n').filter(l => l.trim());
  assert.equal(lines.length, 1, `expected one stderr line, got:\n${r.err}`);
  assert.match(lines[0], reason);
  return r;
}

const POLICY = `version: 1
stages:
  Production:
    - metrics.acc >= 0.9
    - lineage complete
aliases:
  champion:
    - metrics.acc >= 0.9
`;

/** iris v1 (acc 0.95, clean git: passes every gate) and v2 (acc 0.7, no git: fails them), plus the policy. */
async function workspace(): Promise<string> {
  const ws = tempWorkspace();
  const e = openEngine(ws);
  try {
    await registerIris(e, { acc: 0.95, git: { commit: 'c0ffee', dirty: false } });
    await registerIris(e, { acc: 0.7 });
  } finally {
    e.close();
  }
  fs.writeFileSync(path.join(ws, '.mlops', 'policy.yaml'), POLICY);
  return ws;
}

type Show = { registered_model: RegisteredModel; versions: ModelVersion[]; audit: AuditEntry[] };
const show = async (ws: string) => JSON.parse(await ok(ws, 'registry', 'show', 'iris', '--json')) as Show;
const stages = (s: Show) => Object.fromEntries(s.versions.map(v => [v.version, v.current_stage]));

const servers: TestServer[] = [];
after(async () => { for (const s of servers) await s.close(); });

test('registry list and show, as text and JSON', async () => {
  const ws = await workspace();
  assert.match(await ok(ws, 'registry', 'list'), /^iris {2}versions=2$/m);
  const list = JSON.parse(await ok(ws, 'registry', 'list', '--json')) as RegisteredModel[];
  assert.deepEqual(list.map(m => m.name), ['iris']);
  const s = await show(ws);
  assert.deepEqual(s.versions.map(v => v.version), ['2', '1']);
  assert.deepEqual(s.audit.map(a => a.action), ['register', 'register']);
  const text = await ok(ws, 'registry', 'show', 'iris');
  assert.match(text, /^registered model iris {2}— Iris species classifier$/m);
  assert.match(text, /^ {4}v1 +None +run [0-9a-f]{12} {2}runs:\//m);
  assert.match(text, /^ {2}audit trail:$/m);
  await fails(ws, ['registry', 'show', 'nope'], /^mlops: RESOURCE_DOES_NOT_EXIST: .*nope/);
  assert.equal(await ok(tempWorkspace(), 'registry', 'list'), '(no registered models)\n');
});

test('promote: each gate printed; a blocked promotion exits 1 naming the failed gates and changes nothing', async () => {
  const ws = await workspace();
  const good = await ok(ws, 'registry', 'promote', 'iris', '1', '--stage', 'Production');
  assert.match(good, /^ {2}✔ metrics\.acc >= 0\.9 {2}— {2}acc = 0\.95 ≥ 0\.9$/m);
  assert.match(good, /^ {2}✔ lineage complete {2}— /m);
  assert.match(good, /^iris version 1 → stage Production$/m);

  const blocked = await fails(ws, ['registry', 'promote', 'iris', '2', '--stage', 'Production'],
    /^mlops: INVALID_PARAMETER_VALUE: Promotion of iris version 2 to stage:Production is blocked by the policy: metrics\.acc >= 0\.9 \(acc = 0\.7, not ≥ 0\.9\); lineage complete \(lineage incomplete: .*no git commit recorded.*\)/);
  assert.equal(blocked.code, 1);
  assert.match(blocked.out, /^ {2}✖ metrics\.acc >= 0\.9 {2}— {2}acc = 0\.7, not ≥ 0\.9$/m);
  assert.match(blocked.out, /^ {2}✖ lineage complete/m);
  await fails(ws, ['registry', 'promote', 'iris', '2', '--stage', 'Production', '--override'], /written reason/);
  assert.deepEqual(stages(await show(ws)), { 1: 'Production', 2: 'None' });

  const forced = await ok(ws, 'registry', 'promote', 'iris', '2', '--stage', 'Production', '--override', '--reason', 'hotfix for incident 42');
  assert.match(forced, /^iris version 2 → stage Production \(gates overridden: hotfix for incident 42\)$/m);
  const s = await show(ws);
  assert.deepEqual(stages(s), { 1: 'Archived', 2: 'Production' });
  const last = s.audit.at(-1)!;
  assert.deepEqual([last.action, last.version, last.overridden, last.reason], ['transition', '2', true, 'hotfix for incident 42']);
  assert.match(await ok(ws, 'registry', 'show', 'iris'), /transition v2 stage:Production None → Production.* {2}OVERRIDDEN {2}gates 0\/2 passed {2}"hotfix for incident 42"/);
});

test('rollback gives Production back to the previous holder', async () => {
  const ws = await workspace();
  await ok(ws, 'registry', 'promote', 'iris', '1', '--stage', 'Production');
  await ok(ws, 'registry', 'promote', 'iris', '2', '--stage', 'Production', '--override', '--reason', 'try v2');
  assert.equal((await ok(ws, 'registry', 'rollback', 'iris', '--reason', 'v2 misbehaves')).trim(), 'rolled back iris stage Production to version 1');
  const s = await show(ws);
  assert.deepEqual(stages(s), { 1: 'Production', 2: 'Archived' });
  assert.deepEqual([s.audit.at(-1)!.action, s.audit.at(-1)!.reason], ['rollback', 'v2 misbehaves']);
  await fails(ws, ['registry', 'rollback', 'iris', '--alias', 'champion'], /^mlops: INVALID_STATE: Nothing to roll back to/);
});

test('alias: set through the gates, blocked, overridden, rolled back, removed', async () => {
  const ws = await workspace();
  assert.match(await ok(ws, 'registry', 'alias', 'iris', '1', 'champion'), /^iris @champion → version 1$/m);
  await fails(ws, ['registry', 'alias', 'iris', '2', 'champion'], /blocked by the policy: metrics\.acc >= 0\.9/);
  await ok(ws, 'registry', 'alias', 'iris', '2', 'champion', '--override', '--reason', 'canary');
  assert.deepEqual((await show(ws)).registered_model.aliases, [{ alias: 'champion', version: '2' }]);
  assert.match(await ok(ws, 'registry', 'rollback', 'iris', '--alias', 'champion'), /^rolled back iris alias @champion to version 1$/m);
  assert.equal((await ok(ws, 'registry', 'alias', '--remove', 'iris', 'champion')).trim(), 'removed alias @champion from iris');
  assert.deepEqual((await show(ws)).registered_model.aliases, []);
  await fails(ws, ['registry', 'alias', '--remove', 'iris', 'champion'], /RESOURCE_DOES_NOT_EXIST/);
});

test('usage errors exit 2 with one line', async () => {
  const ws = await workspace();
  assert.equal((await fails(ws, ['registry', 'promote', 'iris', '1'], /give --stage <stage> or --alias <alias>/)).code, 2);
  assert.equal((await fails(ws, ['registry', 'promote', 'iris', '1', '--stage', 'Staging', '--alias', 'a'], /not both/)).code, 2);
  assert.equal((await fails(ws, ['registry', 'alias', 'iris', '1'], /NAME VERSION ALIAS/)).code, 2);
  await fails(ws, ['registry', 'promote', 'iris', 'x', '--stage', 'Staging'], /Invalid model version 'x'/);
  const prod = await fails(ws, ['registry', 'promote', 'iris', '1', '--stage', 'Prod'], /Invalid Model Version stage: Prod/);
  assert.equal(prod.out, '', 'validated before any gate is printed (no "no policy gates" line)');
  const alias = await fails(ws, ['registry', 'alias', 'iris', '1', 'bad alias'], /Invalid alias 'bad alias'/);
  assert.equal(alias.out, '');
  assert.deepEqual(stages(await show(ws)), { 1: 'None', 2: 'None' });
});

test('without $USER / $USERNAME the audit trail names the OS user', async () => {
  const ws = await workspace();
  const r = await mlops(ws, ['registry', 'promote', 'iris', '1', '--stage', 'Staging'], { USER: '', USERNAME: '' });
  assert.equal(r.code, 0, r.err);
  assert.equal((await mlops(ws, ['registry', 'alias', 'iris', '1', 'champion'], { USER: 'carol' })).code, 0);
  assert.deepEqual((await show(ws)).audit.slice(-2).map(a => a.user_id), [os.userInfo().username, 'carol']);
});

test('push --dry-run prints the plan and changes nothing; push then creates the version, auth from the environment', async () => {
  const ws = await workspace();
  const remote = await startTestServer({ token: 'env-token' });
  servers.push(remote);
  const env = { MLFLOW_TRACKING_TOKEN: 'env-token' };
  const args = ['registry', 'push', 'iris', '1', '--to', remote.url, '--stage', 'Production', '--alias', 'champion'];
  const ungated = await fails(ws, [...args, '--dry-run'], /^mlops: INVALID_STATE: Cannot push iris version 1 as Production: locally it is None\. Promote it locally first, where the policy's gates run \(mlops registry promote iris 1 --stage Production\)/, env);
  assert.equal(ungated.out, '');
  await ok(ws, 'registry', 'promote', 'iris', '1', '--stage', 'Production');
  await fails(ws, [...args, '--dry-run'], /Cannot push iris version 1 with alias @champion: locally @champion is not set\. Promote it locally first/, env);
  await ok(ws, 'registry', 'alias', 'iris', '1', 'champion');
  const dry = await mlops(ws, [...args, '--dry-run'], env);
  assert.equal(dry.code, 0, dry.err);
  const lines = dry.out.trimEnd().split('\n');
  assert.equal(lines[0], `plan: push iris version 1 to ${remote.url} (dry run, nothing changes)`);
  assert.equal(lines[1], '  - create registered model iris');
  assert.match(lines[2], /^ {2}- upload 2 files \(\d+ B\) to mlflow-artifacts:\/mlops-pushed\/iris\/1\/[0-9a-f]{16}$/);
  assert.match(lines[3], /^ {2}- create version with source mlflow-artifacts:\/mlops-pushed\/iris\/1\/[0-9a-f]{16}$/);
  assert.deepEqual(lines.slice(4), ['  - transition to Production (new version)', '  - set alias champion (new version)',
    `  - tag local iris version 1: mlops.pushed.127.0.0.1:${remote.info.port}=<new version>`]);
  assert.equal(remote.engine.registry.searchModels({}).registered_models.length, 0);
  const closed = await startTestServer();
  await closed.close();
  const down = await fails(ws, ['registry', 'push', 'iris', '1', '--to', closed.url, '--dry-run'], /^mlops: INVALID_STATE: push to .* failed at step 'look up registered model iris': cannot reach .*ECONNREFUSED \(after 5 tries\)$/);
  assert.equal(down.out, '', 'a failed dry run prints no partial plan');

  await fails(ws, args, /^mlops: INVALID_STATE: push to http:\/\/127\.0\.0\.1:\d+ failed at step 'look up registered model iris': HTTP 401 UNAUTHENTICATED/);
  const pushed = await mlops(ws, args, env);
  assert.equal(pushed.code, 0, pushed.err);
  assert.match(pushed.out, new RegExp(`^pushed iris version 1 → ${remote.url} iris version 1 \\(created, 2 files uploaded\\)$`, 'm'));
  const [mv] = remote.engine.registry.searchVersions({ filter: "name='iris'" }).model_versions;
  assert.deepEqual([mv.current_stage, mv.aliases], ['Production', ['champion']]);
  const local = (await show(ws)).versions.find(v => v.version === '1')!;
  assert.equal(local.tags.find(t => t.key === `mlops.pushed.127.0.0.1:${remote.info.port}`)?.value, '1');
  assert.match((await mlops(ws, args, env)).out, /\(already there\)/);
});

test('push v2 (Staging locally, failing the Production gate): Production is refused; with no --stage/--alias its local stage goes', async () => {
  const ws = await workspace();
  const remote = await startTestServer();
  servers.push(remote);
  await ok(ws, 'registry', 'promote', 'iris', '2', '--stage', 'Staging');
  await fails(ws, ['registry', 'promote', 'iris', '2', '--stage', 'Production'], /blocked by the policy/);
  await fails(ws, ['registry', 'push', 'iris', '2', '--to', remote.url, '--stage', 'Production', '--alias', 'champion'],
    /^mlops: INVALID_STATE: Cannot push iris version 2 as Production: locally it is Staging\. Promote it locally first/);
  assert.equal(remote.engine.registry.searchModels({}).registered_models.length, 0, 'nothing reached the remote');
  const plan = await ok(ws, 'registry', 'push', 'iris', '2', '--to', remote.url, '--dry-run');
  assert.match(plan, /^ {2}- transition to Staging \(new version\)$/m);
  assert.doesNotMatch(plan, /set alias/);
  await ok(ws, 'registry', 'push', 'iris', '2', '--to', remote.url);
  const [mv] = remote.engine.registry.searchVersions({ filter: "name='iris'" }).model_versions;
  assert.deepEqual([mv.current_stage, mv.aliases], ['Staging', []]);
});
