// Pushing a local model version to a remote MLflow registry: the remote is a second real engine on another
// port, faults come from a real HTTP proxy in front of it (refused, 500s, 401, a connection dropped mid-push).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startTestServer, type TestServer } from '../../../helpers/workspace';
import { IRIS_ONNX, MLMODEL, registerIris } from '../../../helpers/registryFixtures';
import { formatBytes, pushVersion, SOURCE_TAG, type PushOptions } from '../../../../src/engine/registry/remotePush';
import { RemoteError } from '../../../../src/engine/registry/remoteClient';
import type { ServerOptions } from '../../../../src/engine/server/server';

const closers: (() => Promise<void>)[] = [];
after(async () => { for (const c of closers.reverse()) await c(); });

async function server(opts: ServerOptions = {}): Promise<TestServer> {
  const s = await startTestServer(opts);
  closers.push(() => s.close());
  return s;
}

/** A local engine with iris version 1 (real ONNX artifacts) and an empty remote. */
async function setup(remoteOpts: ServerOptions = {}) {
  const local = await server();
  await registerIris(local.engine, { git: { commit: 'abc123def456', dirty: false } });
  return { local, remote: await server(remoteOpts) };
}

/** Promotes local iris `version` (no policy: no gates) so that a push may carry the stage and aliases. */
function hold(local: TestServer, t: { stage?: string; aliases?: string[] }, version = 1): void {
  if (t.stage) local.engine.promotion.transition('iris', version, t.stage, { archiveExisting: true });
  for (const a of t.aliases ?? []) local.engine.promotion.setAlias('iris', a, version);
}

/** Forward, answer a status (JSON error), answer a given reply, or drop the connection. */
type Action = 'forward' | 'drop' | 'forward-then-drop' | number | { status: number; body: string; type?: string };
interface FaultProxy { url: string; seen: string[]; rule: (method: string, path: string) => Action; close(): Promise<void> }

/** A real HTTP proxy in front of `target`; `rule` decides per request: forward, answer a status, or drop the connection. */
async function faultProxy(target: string): Promise<FaultProxy> {
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c as Buffer));
    req.on('end', () => {
      const pathname = new URL(req.url!, 'http://x').pathname.replace(/^\/api\/2\.0\/mlflow\//, '');
      p.seen.push(`${req.method} ${pathname}`);
      const action = p.rule(req.method!, pathname);
      if (typeof action === 'object') {
        res.writeHead(action.status, { 'Content-Type': action.type ?? 'application/json' });
        return void res.end(action.body);
      }
      if (typeof action === 'number') {
        res.writeHead(action, { 'Content-Type': 'application/json' });
        return void res.end(JSON.stringify({ error_code: action === 401 ? 'UNAUTHENTICATED' : 'INTERNAL_ERROR', message: `injected ${action}` }));
      }
      if (action === 'drop') return void req.socket.destroy();
      const headers: Record<string, string> = { 'Content-Type': String(req.headers['content-type'] ?? 'application/json') };
      if (req.headers.authorization) headers.Authorization = req.headers.authorization;
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      void fetch(target + req.url, { method: req.method, headers, body }).then(async r => {
        const bytes = Buffer.from(await r.arrayBuffer());
        if (action === 'forward-then-drop') return void req.socket.destroy();
        res.writeHead(r.status, { 'Content-Type': r.headers.get('content-type') ?? 'application/json' });
        res.end(bytes);
      });
    });
  });
  await new Promise<void>(r => srv.listen(0, '127.0.0.1', r));
  const p: FaultProxy = {
    url: `http://127.0.0.1:${(srv.address() as net.AddressInfo).port}`, seen: [], rule: () => 'forward',
    close: () => new Promise(r => { srv.closeAllConnections(); srv.close(() => r()); }),
  };
  closers.push(() => p.close().catch(() => undefined));
  return p;
}

const fast = { retry: { baseMs: 5 } };
const push = (local: TestServer, uri: string, extra: Partial<PushOptions> = {}) =>
  pushVersion(local.engine, { name: 'iris', version: 1, remote: { uri }, ...fast, ...extra });
const remoteVersions = (remote: TestServer, name = 'iris') => remote.engine.registry.searchVersions({ filter: `name='${name}'` }).model_versions;
const tagsOf = (tags: { key: string; value: string }[]) => Object.fromEntries(tags.map(t => [t.key, t.value]));
const pushedTag = (local: TestServer, port: number) => tagsOf(local.engine.registry.getVersion('iris', 1).tags)[`mlops.pushed.127.0.0.1:${port}`];

async function download(remote: TestServer, source: string, rel: string): Promise<Buffer> {
  const res = await fetch(`${remote.url}/api/2.0/mlflow-artifacts/artifacts/${source.replace(/^mlflow-artifacts:\//, '')}/${rel}`);
  assert.equal(res.status, 200, `download ${rel}`);
  return Buffer.from(await res.arrayBuffer());
}

test('push creates the model and the version on the remote: identical bytes, tags, lineage, stage and alias', async () => {
  const { local, remote } = await setup();
  const seen: string[] = [];
  hold(local, { stage: 'Production', aliases: ['champion'] });
  const report = await push(local, remote.url, { stage: 'Production', aliases: ['champion'], onStep: s => seen.push(s) });
  assert.deepEqual({ ...report, steps: undefined },
    { remote: remote.url, remoteName: 'iris', remoteVersion: '1', created: true, uploadedFiles: 2, artifacts: 'upload', steps: undefined, dryRun: false });
  assert.deepEqual(seen, report.steps);
  assert.equal(report.steps.length, 6, report.steps.join('\n'));
  assert.equal(report.steps[0], 'create registered model iris');
  assert.match(report.steps[1], /^upload 2 files \(\d+ B\) to mlflow-artifacts:\/mlops-pushed\/iris\/1\/[0-9a-f]{16}$/);
  assert.deepEqual(report.steps.slice(3), ['transition to Production (version 1)', 'set alias champion (version 1)',
    `tag local iris version 1: mlops.pushed.127.0.0.1:${remote.info.port}=1`]);

  const model = remote.engine.registry.getModel('iris');
  assert.equal(model.description, 'Iris species classifier');
  assert.equal(tagsOf(model.tags).team, 'ml');
  const [mv] = remoteVersions(remote);
  assert.equal(mv.current_stage, 'Production');
  assert.deepEqual(mv.aliases, ['champion']);
  assert.match(mv.source, /^mlflow-artifacts:\/mlops-pushed\/iris\/1\/[0-9a-f]{16}$/);
  assert.ok((await download(remote, mv.source, 'model.onnx')).equals(fs.readFileSync(IRIS_ONNX)), 'ONNX bytes identical');
  assert.equal((await download(remote, mv.source, 'MLmodel')).toString(), MLMODEL);

  const tags = tagsOf(mv.tags);
  const runId = local.engine.registry.getVersion('iris', 1).run_id;
  assert.equal(tags[SOURCE_TAG], `${path.resolve(local.ws)}:iris:1`);
  assert.equal(tags['mlops.lineage.run_id'], runId);
  assert.equal(tags['mlops.lineage.git_commit'], 'abc123def456');
  assert.equal(tags['mlops.lineage.dataset_digests'], 'd1g3st');
  assert.match(tags['mlops.lineage.onnx_inputs'], /^\w+:\S+\[.*4\]/, 'ONNX input summary: name:type[shape]');
  assert.equal(tags.quality, 'good', "the local version's own tags travel along");
  assert.equal(remote.engine.registry.lineage('iris', 1).onnx?.inputs.length, 1, 'the remote reads the pushed ONNX file too');
  assert.equal(pushedTag(local, remote.info.port), '1', 'the push is recorded locally');
});

test('pushing again reuses the remote version: no duplicate, nothing uploaded', async () => {
  const { local, remote } = await setup();
  hold(local, { stage: 'Staging' });
  await push(local, remote.url, { stage: 'Staging' });
  hold(local, { aliases: ['candidate'] });
  const again = await push(local, remote.url, { stage: 'Staging', aliases: ['candidate'] });
  assert.equal(again.created, false);
  assert.equal(again.uploadedFiles, 0);
  assert.equal(again.artifacts, null);
  assert.equal(again.remoteVersion, '1');
  assert.deepEqual(again.steps, [`reuse remote version 1 (${SOURCE_TAG}=${path.resolve(local.ws)}:iris:1)`, 'set alias candidate (version 1)']);
  assert.equal(remoteVersions(remote).length, 1);
  assert.deepEqual(remoteVersions(remote)[0].aliases, ['candidate']);
  // the model's description and tags follow the local ones
  local.engine.registry.setModelTag('iris', 'team', 'platform');
  local.engine.registry.updateModel('iris', 'Iris, v2 of the card');
  assert.deepEqual((await push(local, remote.url)).steps, ['update registered model iris: description, tag team', `reuse remote version 1 (${SOURCE_TAG}=${path.resolve(local.ws)}:iris:1)`]);
  const model = remote.engine.registry.getModel('iris');
  assert.deepEqual([model.description, tagsOf(model.tags).team], ['Iris, v2 of the card', 'platform']);
  // a second local version is a new remote version
  await registerIris(local.engine);
  const v2 = await push(local, remote.url, { version: 2 });
  assert.equal(v2.remoteVersion, '2');
  assert.equal(remoteVersions(remote).length, 2);
});

test('dry run returns the plan and changes nothing, remote or local', async () => {
  const { local, remote } = await setup();
  hold(local, { stage: 'Production', aliases: ['champion'] });
  const plan = await push(local, remote.url, { stage: 'Production', aliases: ['champion'], dryRun: true });
  const size = fs.statSync(IRIS_ONNX).size + MLMODEL.length;
  assert.equal(plan.dryRun, true);
  assert.equal(plan.remoteVersion, null);
  assert.equal(plan.created, true);
  assert.equal(plan.uploadedFiles, 0);
  assert.equal(plan.steps.length, 6, plan.steps.join('\n'));
  assert.equal(plan.steps[0], 'create registered model iris');
  assert.match(plan.steps[1], new RegExp(`^upload 2 files \\(${size} B\\) to mlflow-artifacts:/mlops-pushed/iris/1/[0-9a-f]{16}$`));
  assert.equal(plan.steps[2], `create version with source ${plan.steps[1].split(' to ')[1]}`);
  assert.deepEqual(plan.steps.slice(3), ['transition to Production (new version)', 'set alias champion (new version)',
    `tag local iris version 1: mlops.pushed.127.0.0.1:${remote.info.port}=<new version>`]);
  assert.equal(remote.engine.registry.searchModels({}).registered_models.length, 0);
  assert.equal(fs.existsSync(path.join(remote.engine.artifacts.root, 'mlops-pushed')), false, 'nothing uploaded');
  assert.equal(pushedTag(local, remote.info.port), undefined);

  const real = await push(local, remote.url, { stage: 'Production', aliases: ['champion'] });
  assert.equal(real.steps[1], plan.steps[1], 'the plan names the folder the push then uses');
  const after = await push(local, remote.url, { stage: 'Production', aliases: ['champion'], dryRun: true });
  assert.deepEqual(after.steps, [`reuse remote version 1 (${SOURCE_TAG}=${path.resolve(local.ws)}:iris:1)`]);
});

test('sizes in the plan read like 12.3 kB', () => {
  assert.deepEqual([0, 999, 1000, 12_345, 1_500_000, 2e9].map(formatBytes), ['0 B', '999 B', '1.0 kB', '12.3 kB', '1.5 MB', '2.0 GB']);
});

test('remote down (connection refused): a clear error naming the remote and the step; nothing partial', async () => {
  const { local, remote } = await setup();
  const proxy = await faultProxy(remote.url);
  await proxy.close();
  await assert.rejects(push(local, proxy.url), (e: unknown) => {
    assert.ok(e instanceof RemoteError);
    assert.match(e.message, new RegExp(`^push to ${proxy.url} failed at step 'look up registered model iris': cannot reach ${proxy.url}: ECONNREFUSED \\(after 5 tries\\)$`));
    return true;
  });
  assert.equal(remote.engine.registry.searchModels({}).registered_models.length, 0);
  assert.equal(pushedTag(local, Number(new URL(proxy.url).port)), undefined);
});

test('500 twice on create, then success: retried, exactly one remote version', async () => {
  const { local, remote } = await setup();
  const proxy = await faultProxy(remote.url);
  let failures = 0;
  proxy.rule = (_m, p) => (p === 'model-versions/create' && failures++ < 2 ? 500 : 'forward');
  hold(local, { stage: 'Production' });
  const report = await push(local, proxy.url, { stage: 'Production' });
  assert.equal(report.remoteVersion, '1');
  assert.equal(proxy.seen.filter(s => s === 'POST model-versions/create').length, 3);
  assert.equal(remoteVersions(remote).length, 1);
  assert.equal(remoteVersions(remote)[0].current_stage, 'Production');
});

test('401: a clear error after one request, no retry; the right credentials (basic auth) then work', async () => {
  const { local, remote } = await setup({ token: 's3cret' });
  const proxy = await faultProxy(remote.url);
  await assert.rejects(push(local, proxy.url, { remote: { uri: proxy.url, token: 'wrong' } }), (e: unknown) => {
    assert.ok(e instanceof RemoteError);
    assert.equal(e.httpStatus, 401);
    assert.match(e.message, /^push to http:\/\/127\.0\.0\.1:\d+ failed at step 'look up registered model iris': HTTP 401 UNAUTHENTICATED: .*MLFLOW_TRACKING_TOKEN/);
    assert.doesNotMatch(e.message, /tries/);
    return true;
  });
  assert.deepEqual(proxy.seen, ['GET registered-models/get'], 'exactly one request, not retried');
  hold(local, { aliases: ['champion'] });
  const ok = await push(local, proxy.url, { remote: { uri: proxy.url, username: 'me', password: 's3cret' }, aliases: ['champion'] });
  assert.equal(ok.remoteVersion, '1');
  assert.deepEqual(remoteVersions(remote)[0].aliases, ['champion']);
});

test('a push killed right after the version was created: the re-push completes it, exactly one remote version', async () => {
  const { local, remote } = await setup();
  const proxy = await faultProxy(remote.url);
  let created = false;
  proxy.rule = (_m, p) => {
    if (created) return 500;
    if (p === 'model-versions/create') { created = true; return 'forward-then-drop'; }
    return 'forward';
  };
  hold(local, { stage: 'Production', aliases: ['champion'] });
  await assert.rejects(push(local, proxy.url, { stage: 'Production', aliases: ['champion'] }), (e: unknown) => {
    assert.ok(e instanceof RemoteError);
    assert.match(e.message, /failed at step 'find a version of iris tagged mlops\.source_version': HTTP 500/);
    return true;
  });
  const half = remoteVersions(remote);
  assert.equal(half.length, 1, 'the create reached the remote');
  assert.equal(tagsOf(half[0].tags)[SOURCE_TAG], `${path.resolve(local.ws)}:iris:1`, 'tagged on create');
  assert.equal(half[0].current_stage, 'None');
  assert.equal(pushedTag(local, Number(new URL(proxy.url).port)), undefined, 'not recorded locally while incomplete');

  proxy.rule = () => 'forward';
  const report = await push(local, proxy.url, { stage: 'Production', aliases: ['champion'] });
  assert.equal(report.created, false);
  assert.equal(report.uploadedFiles, 0);
  assert.equal(report.remoteVersion, '1');
  const [mv, ...rest] = remoteVersions(remote);
  assert.equal(rest.length, 0, 'exactly one remote version');
  assert.equal(mv.current_stage, 'Production');
  assert.deepEqual(mv.aliases, ['champion']);
  assert.equal(pushedTag(local, Number(new URL(proxy.url).port)), '1');
});

test('POST /api/2.0/mlops/registry/push: plan, push, and a remote failure as one clear error', async () => {
  const { local, remote } = await setup({ token: 'tok' });
  hold(local, { stage: 'Staging' });
  const body = { name: 'iris', version: '1', remote_uri: remote.url, token: 'tok', stage: 'Staging' };
  const plan = await local.call('POST', '/api/2.0/mlops/registry/push', { ...body, dry_run: true });
  assert.equal(plan.status, 200, JSON.stringify(plan.body));
  assert.equal(plan.body.dryRun, true);
  assert.equal(plan.body.steps[0], 'create registered model iris');
  assert.equal(remote.engine.registry.searchModels({}).registered_models.length, 0);
  const done = await local.call('POST', '/api/2.0/mlops/registry/push', body);
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.deepEqual([done.body.remoteName, done.body.remoteVersion, done.body.created, done.body.uploadedFiles], ['iris', '1', true, 2]);
  assert.equal(remoteVersions(remote)[0].current_stage, 'Staging');
  const denied = await local.call('POST', '/api/2.0/mlops/registry/push', { ...body, token: 'nope' });
  assert.equal(denied.status, 400, 'a remote 401 is not reported as our own 401');
  assert.equal(denied.body.error_code, 'INVALID_STATE');
  assert.match(denied.body.message, /HTTP 401 UNAUTHENTICATED/);
  const missing = await local.call('POST', '/api/2.0/mlops/registry/push', { ...body, version: '9' });
  assert.equal(missing.status, 404);
  const ungated = await local.call('POST', '/api/2.0/mlops/registry/push', { ...body, stage: 'Production', dry_run: true });
  assert.equal(ungated.status, 400);
  assert.equal(ungated.body.error_code, 'INVALID_STATE');
  assert.match(ungated.body.message, /locally it is Staging\. Promote it locally first/);
  local.engine.promotion.setAlias('iris', 'champion', 1);
  const aliases = await local.call('POST', '/api/2.0/mlops/registry/push', { ...body, stage: undefined, aliases: ['champion'] });
  assert.equal(aliases.status, 200, JSON.stringify(aliases.body));
  assert.deepEqual(aliases.body.steps, [`reuse remote version 1 (${SOURCE_TAG}=${path.resolve(local.ws)}:iris:1)`, 'set alias champion (version 1)']);
});

test('push carries only what the version holds locally: another stage or alias is refused before any request', async () => {
  const { local, remote } = await setup();
  await registerIris(local.engine, { acc: 0.7 });
  fs.writeFileSync(path.join(local.ws, '.mlops', 'policy.yaml'), "version: 1\nstages:\n  Production: ['metrics.acc >= 0.9']\naliases:\n  champion: ['metrics.acc >= 0.9']\n");
  hold(local, { aliases: ['champion'] }, 1);
  hold(local, { stage: 'Staging' }, 2);
  assert.throws(() => local.engine.promotion.transition('iris', 2, 'Production'), /blocked by the policy/, 'v2 fails the local Production gate');
  const proxy = await faultProxy(remote.url);
  await assert.rejects(push(local, proxy.url, { version: 2, stage: 'Production', aliases: ['champion'] }), (e: unknown) => {
    assert.ok(!(e instanceof RemoteError));
    assert.equal((e as { code?: string }).code, 'INVALID_STATE');
    assert.match((e as Error).message, /^Cannot push iris version 2 as Production: locally it is Staging\. Promote it locally first, where the policy's gates run \(mlops registry promote iris 2 --stage Production\)/);
    return true;
  });
  await assert.rejects(push(local, proxy.url, { version: 2, aliases: ['champion'], dryRun: true }),
    /Cannot push iris version 2 with alias @champion: locally @champion is on version 1\. Promote it locally first.*\(mlops registry alias iris 2 champion\)/);
  await assert.rejects(push(local, proxy.url, { version: 2, stage: 'Bogus' }), /Invalid Model Version stage: Bogus/);
  assert.deepEqual(proxy.seen, [], 'refused before any request to the remote');

  // Nothing given: the local stage (Staging) and aliases (none) of v2; v1's alias @champion travels with v1.
  const plan = await push(local, proxy.url, { version: 2, dryRun: true });
  assert.deepEqual(plan.steps.filter(s => /^(transition|set alias)/.test(s)), ['transition to Staging (new version)']);
  await push(local, proxy.url, { version: 2 });
  await push(local, proxy.url, { version: 1 });
  const byVersion = Object.fromEntries(remoteVersions(remote).map(v => [tagsOf(v.tags)[SOURCE_TAG].split(':').pop(), v]));
  assert.deepEqual([byVersion['2'].current_stage, byVersion['2'].aliases], ['Staging', []]);
  assert.deepEqual([byVersion['1'].current_stage, byVersion['1'].aliases], ['None', ['champion']]);
  // A version whose registration failed is not pushed.
  local.engine.registry.createModel('ghost');
  await local.engine.registry.createVersion({ name: 'ghost', source: '/nonexistent/path' });
  await assert.rejects(pushVersion(local.engine, { name: 'ghost', version: 1, remote: { uri: proxy.url } }), /Cannot push ghost version 1: it is FAILED_REGISTRATION \(Source \/nonexistent\/path does not exist/);
});

test('a remote without the mlflow-artifacts proxy: the plan says so, and the version references the artifacts instead', async () => {
  const { local, remote } = await setup();
  const proxy = await faultProxy(remote.url);
  const noRoute = { status: 404, body: JSON.stringify({ error_code: 'ENDPOINT_NOT_FOUND', message: 'No route' }) };
  proxy.rule = (_m, p) => (p.startsWith('/api/2.0/mlflow-artifacts/') ? noRoute : 'forward');
  const dir = local.engine.artifacts.localDir(local.engine.registry.downloadUri('iris', 1));
  const ref = pathToFileURL(dir).href;

  const plan = await push(local, proxy.url, { dryRun: true });
  assert.equal(plan.artifacts, 'reference');
  assert.deepEqual(plan.steps.slice(1, 3), [`reference ${ref} instead of uploading: ${proxy.url} has no mlflow-artifacts proxy`, `create version with source ${ref}`]);
  assert.equal(proxy.seen.filter(s => s.includes('mlflow-artifacts')).length, 1, 'one read-only probe, no upload, no retry');

  const report = await push(local, proxy.url);
  assert.deepEqual([report.created, report.uploadedFiles, report.artifacts], [true, 0, 'reference']);
  assert.ok(!proxy.seen.some(s => s.startsWith('PUT')), 'nothing uploaded');
  const [mv] = remoteVersions(remote);
  assert.deepEqual([mv.source, mv.status], [ref, 'READY']);
  assert.equal(remote.engine.registry.lineage('iris', 1).onnx?.inputs.length, 1, 'the remote reads the referenced ONNX file');
  assert.equal((await push(local, proxy.url)).created, false, 'idempotent as with uploads');
});

test("MLflow's `--no-serve-artifacts` 503, or an upload answered 501: referenced, not retried", async () => {
  const { local, remote } = await setup();
  const proxy = await faultProxy(remote.url);
  const disabled = { status: 503, type: 'text/html', body: 'Endpoint: /api/2.0/mlflow-artifacts/artifacts disabled due to the mlflow server running with `--no-serve-artifacts`.' };
  proxy.rule = (_m, p) => (p.startsWith('/api/2.0/mlflow-artifacts/') ? disabled : 'forward');
  const plan = await push(local, proxy.url, { dryRun: true });
  assert.equal(plan.artifacts, 'reference');
  assert.equal(proxy.seen.filter(s => s.includes('mlflow-artifacts')).length, 1, 'the 503 is an answer, not a transient failure');

  proxy.rule = (m, p) => (m === 'PUT' && p.startsWith('/api/2.0/mlflow-artifacts/') ? 501 : 'forward');
  const report = await push(local, proxy.url);
  assert.deepEqual([report.artifacts, report.uploadedFiles], ['reference', 0]);
  assert.equal(proxy.seen.filter(s => s.startsWith('PUT')).length, 1);
  assert.match(remoteVersions(remote)[0].source, /^file:\/\//);
});
