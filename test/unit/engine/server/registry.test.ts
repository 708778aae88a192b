// registered-models/* and model-versions/* over real HTTP and a real SQLite store, in MLflow's shapes
// (version is a string, timestamps are numbers); lineage captured at registration; models:/ resolution.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startTestServer, type TestServer } from '../../../helpers/workspace';
import { fails, ok } from '../../../helpers/replies';
import { modelRun, register, resolveModelUri, type ModelRun } from '../../../helpers/registry';

const names = (b: any): string[] => (b.registered_models ?? []).map((m: any) => m.name);
const versions = (b: any): string[] => (b.model_versions ?? []).map((v: any) => `${v.name}/${v.version}`);

describe('registered-models', () => {
  let s: TestServer;
  const get = async (name: string) => (await ok(s.call('GET', `registered-models/get?name=${encodeURIComponent(name)}`))).registered_model;
  before(async () => { s = await startTestServer(); });
  after(async () => { await s.close(); fs.rmSync(s.ws, { recursive: true, force: true }); });

  test('create returns {registered_model} in MLflow shape; a duplicate name is 400 RESOURCE_ALREADY_EXISTS', async () => {
    const before = Date.now();
    const b = await ok(s.call('POST', 'registered-models/create', { name: 'iris', description: 'd', tags: [{ key: 'team', value: 'ml' }] }));
    assert.deepEqual(Object.keys(b), ['registered_model']);
    const m = b.registered_model;
    assert.equal(typeof m.creation_timestamp, 'number');
    assert.ok(m.creation_timestamp >= before);
    assert.deepEqual(m, { name: 'iris', creation_timestamp: m.creation_timestamp, last_updated_timestamp: m.creation_timestamp, description: 'd',
      latest_versions: [], tags: [{ key: 'team', value: 'ml' }], aliases: [] });
    await fails(s.call('POST', 'registered-models/create', { name: 'iris' }), 400, 'RESOURCE_ALREADY_EXISTS', /Registered Model \(name=iris\) already exists/);
    await fails(s.call('POST', 'registered-models/create', {}), 400, 'INVALID_PARAMETER_VALUE', /name/);
    await fails(s.call('POST', 'registered-models/create', { name: 'a/b' }), 400, 'INVALID_PARAMETER_VALUE');
  });

  test('get: 404 RESOURCE_DOES_NOT_EXIST for an unknown name, 400 without a name', async () => {
    assert.equal((await get('iris')).name, 'iris');
    await fails(s.call('GET', 'registered-models/get?name=nope'), 404, 'RESOURCE_DOES_NOT_EXIST', /name=nope not found/);
    await fails(s.call('GET', 'registered-models/get'), 400, 'INVALID_PARAMETER_VALUE', /name/);
  });

  test('rename moves the model; the old name is gone; renaming onto an existing name or from an unknown one fails', async () => {
    await ok(s.call('POST', 'registered-models/create', { name: 'to-rename' }));
    await ok(s.call('POST', 'registered-models/create', { name: 'taken' }));
    const b = await ok(s.call('POST', 'registered-models/rename', { name: 'to-rename', new_name: 'renamed' }));
    assert.equal(b.registered_model.name, 'renamed');
    await fails(s.call('GET', 'registered-models/get?name=to-rename'), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(s.call('POST', 'registered-models/rename', { name: 'renamed', new_name: 'taken' }), 400, 'RESOURCE_ALREADY_EXISTS');
    await fails(s.call('POST', 'registered-models/rename', { name: 'ghost', new_name: 'x' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(s.call('POST', 'registered-models/rename', { name: 'renamed' }), 400, 'INVALID_PARAMETER_VALUE', /new_name/);
  });

  test('update is PATCH with a JSON body; POST is not the method', async () => {
    const b = await ok(s.call('PATCH', 'registered-models/update', { name: 'iris', description: 'new words' }));
    assert.equal(b.registered_model.description, 'new words');
    assert.equal((await get('iris')).description, 'new words');
    assert.ok(b.registered_model.last_updated_timestamp >= b.registered_model.creation_timestamp);
    await fails(s.call('POST', 'registered-models/update', { name: 'iris', description: 'x' }), 404, 'ENDPOINT_NOT_FOUND', /Method POST is not supported/);
    await fails(s.call('PATCH', 'registered-models/update', { name: 'nope', description: 'x' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('set-tag overwrites, delete-tag is DELETE with a JSON body; an unknown tag is 404', async () => {
    await ok(s.call('POST', 'registered-models/set-tag', { name: 'iris', key: 'owner', value: 'a' }));
    await ok(s.call('POST', 'registered-models/set-tag', { name: 'iris', key: 'owner', value: 'b' }));
    assert.deepEqual((await get('iris')).tags.find((t: any) => t.key === 'owner'), { key: 'owner', value: 'b' });
    assert.deepEqual(await ok(s.call('DELETE', 'registered-models/delete-tag', { name: 'iris', key: 'owner' })), {});
    assert.equal((await get('iris')).tags.find((t: any) => t.key === 'owner'), undefined);
    await fails(s.call('DELETE', 'registered-models/delete-tag', { name: 'iris', key: 'owner' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(s.call('POST', 'registered-models/set-tag', { name: 'nope', key: 'k', value: 'v' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('delete is DELETE with a JSON body; afterwards get and a second delete are 404', async () => {
    await ok(s.call('POST', 'registered-models/create', { name: 'doomed' }));
    assert.deepEqual(await ok(s.call('DELETE', 'registered-models/delete', { name: 'doomed' })), {});
    await fails(s.call('GET', 'registered-models/get?name=doomed'), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(s.call('DELETE', 'registered-models/delete', { name: 'doomed' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('search (GET): name LIKE / ILIKE / =, tags, ordered by name; max_results + page_token page without duplicates', async () => {
    for (const n of ['search-a1', 'search-a2', 'search-a3', 'search-b1', 'SEARCH-c1']) {
      await ok(s.call('POST', 'registered-models/create', { name: n, tags: n.endsWith('1') ? [{ key: 'one', value: 'yes' }] : [] }));
    }
    const search = async (q: string) => ok(s.call('GET', `registered-models/search?${q}`));
    assert.deepEqual(names(await search(`filter=${encodeURIComponent("name LIKE 'search-a%'")}`)), ['search-a1', 'search-a2', 'search-a3']);
    assert.deepEqual(names(await search(`filter=${encodeURIComponent("name ILIKE 'search-%1'")}`)), ['SEARCH-c1', 'search-a1', 'search-b1']);
    assert.deepEqual(names(await search(`filter=${encodeURIComponent("name = 'search-b1'")}`)), ['search-b1']);
    assert.deepEqual(names(await search(`filter=${encodeURIComponent("tags.one = 'yes' AND name LIKE 'search%'")}`)), ['search-a1', 'search-b1']);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const b = await search(`filter=${encodeURIComponent("name LIKE 'search-%'")}&max_results=2${token ? `&page_token=${encodeURIComponent(token)}` : ''}`);
      assert.ok(b.registered_models.length <= 2);
      seen.push(...names(b));
      token = b.next_page_token;
      pages++;
    } while (token);
    assert.deepEqual([pages, seen], [2, ['search-a1', 'search-a2', 'search-a3', 'search-b1']]);
    await fails(s.call('GET', `registered-models/search?filter=${encodeURIComponent("name LIKE 'x' OR name = 'y'")}`), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('GET', 'registered-models/search?page_token=garbage'), 400, 'INVALID_PARAMETER_VALUE');
  });
});

describe('model-versions', () => {
  let s: TestServer;
  let exp: string;
  let a: ModelRun;
  let b: ModelRun;
  const getVersion = async (name: string, v: string) => (await ok(s.call('GET', `model-versions/get?name=${name}&version=${v}`))).model_version;
  before(async () => {
    s = await startTestServer();
    exp = (await ok(s.call('POST', 'experiments/create', { name: 'registry' }))).experiment_id;
    a = await modelRun(s, exp, { auc: 0.8, name: 'run-a' });
    b = await modelRun(s, exp, { auc: 0.9, name: 'run-b', digest: 'ffee' });
    for (const n of ['iris', 'other']) await ok(s.call('POST', 'registered-models/create', { name: n }));
  });
  after(async () => { await s.close(); fs.rmSync(s.ws, { recursive: true, force: true }); });

  test('create from runs:/<run>/model: version "1" then "2", numbered per model; MLflow ModelVersion shape', async () => {
    const v1 = await register(s, 'iris', a);
    assert.equal(typeof v1.creation_timestamp, 'number');
    assert.deepEqual(v1, { name: 'iris', version: '1', creation_timestamp: v1.creation_timestamp, last_updated_timestamp: v1.creation_timestamp,
      user_id: '', current_stage: 'None', description: '', source: `runs:/${a.run}/model`, run_id: a.run, status: 'READY', tags: [], aliases: [] });
    const v2 = (await ok(s.call('POST', 'model-versions/create', { name: 'iris', source: b.source, description: 'from b', tags: [{ key: 'k', value: 'v' }] }))).model_version;
    assert.deepEqual([v2.version, v2.run_id, v2.description, v2.tags], ['2', b.run, 'from b', [{ key: 'k', value: 'v' }]], 'run_id resolved from the runs:/ source');
    assert.equal((await register(s, 'other', b)).version, '1');
    assert.equal((await getVersion('iris', '1')).version, '1');
  });

  test('create errors: unknown model 404, missing source 400, unknown run_id 404', async () => {
    await fails(s.call('POST', 'model-versions/create', { name: 'nope', source: a.source }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(s.call('POST', 'model-versions/create', { name: 'iris' }), 400, 'INVALID_PARAMETER_VALUE', /source/);
    await fails(s.call('POST', 'model-versions/create', { name: 'iris', source: a.source, run_id: 'f'.repeat(32) }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('get-download-uri resolves runs:/ to the run artifact folder; get errors', async () => {
    assert.deepEqual(await ok(s.call('GET', 'model-versions/get-download-uri?name=iris&version=1')), { artifact_uri: `mlflow-artifacts:/${exp}/${a.run}/artifacts/model` });
    assert.equal((await ok(s.call('GET', 'model-versions/get-download-uri?name=iris&version=2'))).artifact_uri, `mlflow-artifacts:/${exp}/${b.run}/artifacts/model`);
    await fails(s.call('GET', 'model-versions/get?name=iris&version=99'), 404, 'RESOURCE_DOES_NOT_EXIST', /version=99/);
    await fails(s.call('GET', 'model-versions/get?name=iris&version=abc'), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('GET', 'model-versions/get-download-uri?name=nope&version=1'), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('update (PATCH) sets the description; set-tag / delete-tag (DELETE with a body)', async () => {
    const u = (await ok(s.call('PATCH', 'model-versions/update', { name: 'iris', version: '1', description: 'baseline' }))).model_version;
    assert.deepEqual([u.version, u.description], ['1', 'baseline']);
    await ok(s.call('POST', 'model-versions/set-tag', { name: 'iris', version: '1', key: 'validated', value: 'true' }));
    assert.deepEqual((await getVersion('iris', '1')).tags, [{ key: 'validated', value: 'true' }]);
    assert.deepEqual(await ok(s.call('DELETE', 'model-versions/delete-tag', { name: 'iris', version: '1', key: 'validated' })), {});
    assert.deepEqual((await getVersion('iris', '1')).tags, []);
    await fails(s.call('DELETE', 'model-versions/delete-tag', { name: 'iris', version: '1', key: 'validated' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(s.call('POST', 'model-versions/set-tag', { name: 'iris', version: '9', key: 'k', value: 'v' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  test("search by name='x', run_id='…', tags and version; newest version first", async () => {
    const search = async (filter: string) => ok(s.call('GET', `model-versions/search?filter=${encodeURIComponent(filter)}`));
    assert.deepEqual(versions(await search("name='iris'")), ['iris/2', 'iris/1']);
    assert.deepEqual(versions(await search(`run_id='${b.run}'`)), ['iris/2', 'other/1']);
    assert.deepEqual(versions(await search(`name='iris' AND run_id='${a.run}'`)), ['iris/1']);
    assert.deepEqual(versions(await search("tags.k = 'v'")), ['iris/2']);
    assert.deepEqual(versions(await search("name='iris' AND version=1")), ['iris/1']);
    assert.deepEqual(versions(await search("name='iris' AND version = '2'")), ['iris/2']);
    assert.deepEqual(versions(await search("name='iris' AND version_number > 1")), ['iris/2'], 'version_number is numeric, as in MLflow');
    await fails(s.call('GET', `model-versions/search?filter=${encodeURIComponent("metrics.auc > 1")}`), 400, 'INVALID_PARAMETER_VALUE');
  });

  test('order_by version_number is numeric (10 after 9)', async () => {
    await ok(s.call('POST', 'registered-models/create', { name: 'many' }));
    for (let i = 0; i < 11; i++) await ok(s.call('POST', 'model-versions/create', { name: 'many', source: 's3://bucket/model' }));
    const b = await ok(s.call('GET', `model-versions/search?filter=${encodeURIComponent("name='many'")}&order_by=version_number%20ASC&max_results=3`));
    assert.deepEqual(versions(b), ['many/1', 'many/2', 'many/3']);
    const desc = await ok(s.call('GET', `model-versions/search?filter=${encodeURIComponent("name='many' AND version_number >= 9")}`));
    assert.deepEqual(versions(desc), ['many/11', 'many/10', 'many/9']);
    const lineage = (await ok(s.call('GET', '/api/2.0/mlops/registry/lineage?name=many&version=1'))).lineage;
    assert.deepEqual(lineage, { datasets: [], storage_location: 's3://bucket/model' }, 'a source outside the store has no run and no signature');
  });

  test('a tag named "version" is searchable like any other tag', async () => {
    await ok(s.call('POST', 'model-versions/set-tag', { name: 'other', version: '1', key: 'version', value: 'x' }));
    assert.deepEqual(versions(await ok(s.call('GET', `model-versions/search?filter=${encodeURIComponent("tags.version = 'x'")}`))), ['other/1']);
  });

  test('lineage: run params and metrics, dataset digests, no git outside a repository, the ONNX signature', async () => {
    const b1 = await ok(s.call('GET', '/api/2.0/mlops/registry/lineage?name=iris&version=1'));
    assert.equal(b1.model_version.version, '1');
    const l = b1.lineage;
    assert.deepEqual(l.run, { run_id: a.run, run_name: 'run-a', experiment_id: exp, params: { C: '1.0', solver: 'lbfgs' }, metrics: { auc: 0.8 } });
    assert.deepEqual(l.datasets, [{ name: 'iris', digest: 'a1b2c3d4', source: 'data/iris.csv', context: 'training' }]);
    assert.equal(l.git, undefined);
    assert.equal(l.storage_location, `mlflow-artifacts:/${exp}/${a.run}/artifacts/model`);
    assert.match(l.onnx.file, /model[/\\]model\.onnx$/);
    assert.deepEqual(l.onnx.inputs, [{ name: 'input', type: 'float32', shape: ['N', 4] }]);
    assert.deepEqual(l.onnx.outputs, [{ name: 'label', type: 'int64', shape: ['N'] }, { name: 'probabilities', type: 'float32', shape: ['N', 3] }]);
    assert.deepEqual(b1.audit.map((e: any) => [e.action, e.version, e.to]), [['register', '1', 'None']]);
    assert.equal((await ok(s.call('GET', '/api/2.0/mlops/registry/lineage?name=iris&version=2'))).lineage.datasets[0].digest, 'ffee');
    await fails(s.call('GET', '/api/2.0/mlops/registry/lineage?name=iris&version=7'), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('lineage records git commit, branch and dirty state and the metrics at registration (the Models view tooltip shows them)', async () => {
    const r = await modelRun(s, exp, { auc: 0.91, name: 'run-git', digest: 'beef01' });
    for (const [key, value] of [['mlflow.source.git.commit', 'c0ffee1234567890'], ['mlflow.source.git.branch', 'main'], ['mlflow.source.git.dirty', 'true']]) {
      await ok(s.call('POST', 'runs/set-tag', { run_id: r.run, key, value }));
    }
    await ok(s.call('POST', 'registered-models/create', { name: 'with-git' }));
    await register(s, 'with-git', r);
    await ok(s.call('POST', 'runs/log-metric', { run_id: r.run, key: 'auc', value: 0.5, timestamp: 1700000000009, step: 1 }));
    const l = (await ok(s.call('GET', '/api/2.0/mlops/registry/lineage?name=with-git&version=1'))).lineage;
    assert.deepEqual(l.git, { commit: 'c0ffee1234567890', branch: 'main', dirty: true });
    assert.deepEqual(l.datasets.map((d: any) => d.digest), ['beef01']);
    assert.deepEqual(l.run.metrics, { auc: 0.91 }, 'the metrics as they were at registration');
  });

  test('a source that does not exist gives a FAILED_REGISTRATION version whose status_message names it (MLflow shape)', async () => {
    await ok(s.call('POST', 'registered-models/create', { name: 'broken' }));
    const missingPath = (await ok(s.call('POST', 'model-versions/create', { name: 'broken', source: '/nonexistent/path' }))).model_version;
    assert.deepEqual([missingPath.version, missingPath.status, missingPath.status_message],
      ['1', 'FAILED_REGISTRATION', 'Source /nonexistent/path does not exist: nothing at /nonexistent/path.']);
    const missingRun = (await ok(s.call('POST', 'model-versions/create', { name: 'broken', source: 'runs:/deadbeef/model' }))).model_version;
    assert.deepEqual([missingRun.status, missingRun.status_message], ['FAILED_REGISTRATION', 'Source runs:/deadbeef/model does not exist: there is no run deadbeef.']);
    const noArtifact = (await ok(s.call('POST', 'model-versions/create', { name: 'broken', source: `runs:/${a.run}/no-such-folder`, run_id: a.run }))).model_version;
    assert.equal(noArtifact.status, 'FAILED_REGISTRATION');
    assert.match(noArtifact.status_message, new RegExp(`^Source runs:/${a.run}/no-such-folder does not exist: nothing at mlflow-artifacts:/`));
    assert.equal((await getVersion('broken', '2')).status, 'FAILED_REGISTRATION', 'stored, not only answered');
    assert.equal((await ok(s.call('GET', `model-versions/search?filter=${encodeURIComponent("name='broken'")}`))).model_versions.length, 3);
    const ready = await register(s, 'broken', a);
    assert.deepEqual([ready.status, ready.status_message], ['READY', undefined]);
    assert.equal((await ok(s.call('POST', 'model-versions/create', { name: 'broken', source: 's3://bucket/model' }))).model_version.status, 'READY',
      'a store the engine cannot see is not judged');
  });

  test('delete (DELETE with a body) removes the version; numbers are never reused, as in MLflow', async () => {
    const v3 = await register(s, 'iris', a);
    assert.equal(v3.version, '3');
    assert.deepEqual(await ok(s.call('DELETE', 'model-versions/delete', { name: 'iris', version: '3' })), {});
    await fails(s.call('GET', 'model-versions/get?name=iris&version=3'), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(s.call('DELETE', 'model-versions/delete', { name: 'iris', version: '3' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    assert.equal((await register(s, 'iris', b)).version, '4');
    const audit = (await ok(s.call('GET', '/api/2.0/mlops/registry/lineage?name=iris&version=4'))).audit;
    assert.deepEqual(audit.map((e: any) => e.action), ['register'], 'the new version does not inherit the deleted one\'s history');
    await ok(s.call('DELETE', 'model-versions/delete', { name: 'iris', version: '4' }));
  });

  test('get-latest-versions (POST and GET): one version per stage, the highest; stages filter; registered_model.latest_versions', async () => {
    await ok(s.call('POST', 'registered-models/create', { name: 'staged' }));
    for (let i = 0; i < 4; i++) await register(s, 'staged', i % 2 ? b : a);
    for (const [v, stage] of [['1', 'Production'], ['2', 'Staging'], ['3', 'Staging']]) {
      await ok(s.call('POST', 'model-versions/transition-stage', { name: 'staged', version: v, stage, archive_existing_versions: false }));
    }
    const stageOf = (list: any[]) => list.map((v: any) => `${v.version}:${v.current_stage}`);
    const post = await ok(s.call('POST', 'registered-models/get-latest-versions', { name: 'staged', stages: ['Staging', 'Production'] }));
    assert.deepEqual(stageOf(post.model_versions), ['1:Production', '3:Staging']);
    assert.deepEqual(stageOf((await ok(s.call('GET', 'registered-models/get-latest-versions?name=staged&stages=Staging'))).model_versions), ['3:Staging']);
    assert.deepEqual(stageOf((await ok(s.call('GET', 'registered-models/get-latest-versions?name=staged'))).model_versions), ['1:Production', '3:Staging', '4:None']);
    assert.deepEqual((await ok(s.call('POST', 'registered-models/get-latest-versions', { name: 'staged', stages: ['Archived'] }))).model_versions ?? [], []);
    const model = (await ok(s.call('GET', 'registered-models/get?name=staged'))).registered_model;
    assert.deepEqual(stageOf(model.latest_versions), ['1:Production', '3:Staging', '4:None']);
    await fails(s.call('POST', 'registered-models/get-latest-versions', { name: 'staged', stages: ['Prod'] }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('POST', 'registered-models/get-latest-versions', { name: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('alias POST / GET / DELETE (DELETE with a body); the model lists its aliases', async () => {
    assert.deepEqual(await ok(s.call('POST', 'registered-models/alias', { name: 'iris', alias: 'champion', version: '1' })), {});
    const mv = (await ok(s.call('GET', 'registered-models/alias?name=iris&alias=champion'))).model_version;
    assert.deepEqual([mv.name, mv.version, mv.aliases], ['iris', '1', ['champion']]);
    assert.deepEqual((await ok(s.call('GET', 'registered-models/get?name=iris'))).registered_model.aliases, [{ alias: 'champion', version: '1' }]);
    assert.deepEqual(await ok(s.call('DELETE', 'registered-models/alias', { name: 'iris', alias: 'champion' })), {});
    await fails(s.call('GET', 'registered-models/alias?name=iris&alias=champion'), 404, 'RESOURCE_DOES_NOT_EXIST', /alias champion not found/);
    await fails(s.call('DELETE', 'registered-models/alias', { name: 'iris', alias: 'champion' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(s.call('POST', 'registered-models/alias', { name: 'iris', alias: 'champion', version: '42' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('models:/ resolution: by version, stage, latest and @alias; after a rename versions, tags and aliases follow the model', async () => {
    await ok(s.call('POST', 'registered-models/create', { name: 'movable' }));
    await register(s, 'movable', a);
    await register(s, 'movable', b);
    await ok(s.call('POST', 'model-versions/set-tag', { name: 'movable', version: '2', key: 'kept', value: 'yes' }));
    await ok(s.call('POST', 'registered-models/alias', { name: 'movable', alias: 'champion', version: '2' }));
    await ok(s.call('POST', 'model-versions/transition-stage', { name: 'movable', version: '1', stage: 'Production' }));
    const uriA = `mlflow-artifacts:/${exp}/${a.run}/artifacts/model`;
    const uriB = `mlflow-artifacts:/${exp}/${b.run}/artifacts/model`;
    assert.deepEqual(await resolveModelUri(s, 'models:/movable@champion'), { version: '2', artifact_uri: uriB });
    assert.deepEqual(await resolveModelUri(s, 'models:/movable/1'), { version: '1', artifact_uri: uriA });
    assert.deepEqual(await resolveModelUri(s, 'models:/movable/Production'), { version: '1', artifact_uri: uriA });
    assert.deepEqual(await resolveModelUri(s, 'models:/movable/latest'), { version: '2', artifact_uri: uriB });

    await ok(s.call('POST', 'registered-models/rename', { name: 'movable', new_name: 'moved' }));
    assert.deepEqual(await resolveModelUri(s, 'models:/moved@champion'), { version: '2', artifact_uri: uriB });
    assert.deepEqual(await resolveModelUri(s, 'models:/moved/Production'), { version: '1', artifact_uri: uriA });
    await fails(s.call('GET', 'registered-models/alias?name=movable&alias=champion'), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(s.call('GET', 'model-versions/get-download-uri?name=movable&version=1'), 404, 'RESOURCE_DOES_NOT_EXIST');
    const v2 = await getVersion('moved', '2');
    assert.deepEqual([v2.name, v2.aliases, v2.tags], ['moved', ['champion'], [{ key: 'kept', value: 'yes' }]]);
    assert.deepEqual(versions(await ok(s.call('GET', `model-versions/search?filter=${encodeURIComponent("name='moved'")}`))), ['moved/2', 'moved/1']);
    const audit = (await ok(s.call('GET', '/api/2.0/mlops/registry/audit?name=moved'))).entries;
    assert.deepEqual(audit.map((e: any) => [e.name, e.action, e.version]),
      [['moved', 'register', '1'], ['moved', 'register', '2'], ['moved', 'alias', '2'], ['moved', 'transition', '1']]);
    assert.equal((await register(s, 'moved', a)).version, '3', 'numbering continues under the new name');
  });

  test('deleting a model removes its versions and aliases; a new model of the same name starts again at version 1', async () => {
    await ok(s.call('POST', 'registered-models/create', { name: 'phoenix' }));
    await register(s, 'phoenix', a);
    await register(s, 'phoenix', b);
    await ok(s.call('POST', 'registered-models/alias', { name: 'phoenix', alias: 'champion', version: '2' }));
    await ok(s.call('DELETE', 'registered-models/delete', { name: 'phoenix' }));
    assert.deepEqual(versions(await ok(s.call('GET', `model-versions/search?filter=${encodeURIComponent("name='phoenix'")}`))), []);
    await ok(s.call('POST', 'registered-models/create', { name: 'phoenix' }));
    assert.equal((await register(s, 'phoenix', a)).version, '1');
    const trail = (await ok(s.call('GET', '/api/2.0/mlops/registry/audit?name=phoenix'))).entries;
    assert.deepEqual(trail.map((e: any) => [e.action, e.version]), [['register', '1']], 'the deleted model\'s trail is not the new one\'s');
    await fails(s.call('GET', 'registered-models/alias?name=phoenix&alias=champion'), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});
