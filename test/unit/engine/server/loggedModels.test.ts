// MLflow 3 logged-models/* over real HTTP: create, get, finalize (PATCH), tags (PATCH/DELETE), params,
// search, delete (DELETE with a JSON body) and the model's artifact directory listing.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startTestServer, type TestServer } from '../../../helpers/workspace';
import { fails, ok } from '../../../helpers/replies';

const sortByKey = (l: { key: string }[] = []) => [...l].sort((a, b) => a.key.localeCompare(b.key));

describe('logged-models endpoints', () => {
  let s: TestServer;
  let exp: string;
  let run: string;
  const create = async (body: Record<string, unknown> = {}) => (await ok(s.call('POST', 'logged-models', { experiment_id: exp, ...body }))).model;
  const get = async (id: string) => (await ok(s.call('GET', `logged-models/${id}`))).model;
  before(async () => {
    s = await startTestServer();
    exp = (await ok(s.call('POST', 'experiments/create', { name: 'models' }))).experiment_id;
    run = (await ok(s.call('POST', 'runs/create', { experiment_id: exp, start_time: 1 }))).run.info.run_id;
  });
  after(async () => { await s.close(); fs.rmSync(s.ws, { recursive: true, force: true }); });

  test('create returns {model} with an m- id, artifact_uri .../models/<id>/artifacts, PENDING status and numeric timestamps', async () => {
    const before = Date.now();
    const m = await create({ name: 'clf', model_type: 'sklearn', source_run_id: run, params: [{ key: 'alpha', value: '0.5' }], tags: [{ key: 'team', value: 'ml' }] });
    const info = m.info;
    assert.match(info.model_id, /^m-[0-9a-f]{32}$/);
    assert.equal(info.experiment_id, exp);
    assert.equal(info.name, 'clf');
    assert.equal(info.artifact_uri, `mlflow-artifacts:/${exp}/models/${info.model_id}/artifacts`);
    assert.ok(info.artifact_uri.endsWith(`/models/${info.model_id}/artifacts`));
    assert.equal(info.status, 'LOGGED_MODEL_PENDING');
    assert.equal(info.model_type, 'sklearn');
    assert.equal(info.source_run_id, run);
    assert.equal(typeof info.creation_timestamp_ms, 'number');
    assert.ok(info.creation_timestamp_ms >= before - 1000);
    assert.equal(info.last_updated_timestamp_ms, info.creation_timestamp_ms);
    assert.deepEqual(info.tags, [{ key: 'team', value: 'ml' }]);
    assert.deepEqual(m.data.params, [{ key: 'alpha', value: '0.5' }]);
    assert.deepEqual(await get(info.model_id), m);
  });

  test('create without a name generates one; errors for missing/unknown/deleted experiment and bad names', async () => {
    const m = await create();
    assert.ok(m.info.name.length > 0);
    assert.equal(m.info.model_type, undefined);
    await fails(s.call('POST', 'logged-models', { name: 'x' }), 400, 'INVALID_PARAMETER_VALUE', /experiment_id/);
    await fails(s.call('POST', 'logged-models', { experiment_id: '9999' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(s.call('POST', 'logged-models', { experiment_id: exp, name: 'a/b' }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('POST', 'logged-models', { experiment_id: exp, tags: [{ key: '../bad', value: 'x' }] }), 400, 'INVALID_PARAMETER_VALUE');
    const gone = (await ok(s.call('POST', 'experiments/create', { name: 'models-deleted' }))).experiment_id;
    await ok(s.call('POST', 'experiments/delete', { experiment_id: gone }));
    await fails(s.call('POST', 'logged-models', { experiment_id: gone }), 400, 'INVALID_PARAMETER_VALUE', /active/);
  });

  test('get of an unknown id is 404 RESOURCE_DOES_NOT_EXIST', async () => {
    await fails(s.call('GET', 'logged-models/m-0000'), 404, 'RESOURCE_DOES_NOT_EXIST', /Logged model with ID 'm-0000' not found/);
  });

  test('finalize: PATCH with {model_id, status: "LOGGED_MODEL_READY"} returns the READY model', async () => {
    const id = (await create({ name: 'fin' })).info.model_id;
    const b = await ok(s.call('PATCH', `logged-models/${id}`, { model_id: id, status: 'LOGGED_MODEL_READY' }));
    assert.equal(b.model.info.model_id, id);
    assert.equal(b.model.info.status, 'LOGGED_MODEL_READY');
    assert.ok(b.model.info.last_updated_timestamp_ms >= b.model.info.creation_timestamp_ms);
    assert.equal((await get(id)).info.status, 'LOGGED_MODEL_READY');
    const failed = await ok(s.call('PATCH', `logged-models/${id}`, { model_id: id, status: 3 }));
    assert.equal(failed.model.info.status, 'LOGGED_MODEL_UPLOAD_FAILED', 'enum by number');
    await fails(s.call('PATCH', `logged-models/${id}`, { model_id: id, status: 'DONE' }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('PATCH', 'logged-models/m-nope', { model_id: 'm-nope', status: 'LOGGED_MODEL_READY' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('tags: PATCH /tags upserts, DELETE /tags/<key> removes (URL-encoded key), missing tag is 404', async () => {
    const id = (await create({ name: 'tags', tags: [{ key: 'a', value: '1' }] })).info.model_id;
    assert.deepEqual(await ok(s.call('PATCH', `logged-models/${id}/tags`, { tags: [{ key: 'a', value: '2' }, { key: 'my key', value: 'x' }] })), {});
    assert.deepEqual(sortByKey((await get(id)).info.tags), [{ key: 'a', value: '2' }, { key: 'my key', value: 'x' }]);
    assert.deepEqual(await ok(s.call('DELETE', `logged-models/${id}/tags/${encodeURIComponent('my key')}`)), {});
    assert.deepEqual((await get(id)).info.tags, [{ key: 'a', value: '2' }]);
    await fails(s.call('DELETE', `logged-models/${id}/tags/nope`), 404, 'RESOURCE_DOES_NOT_EXIST', /No tag with key 'nope'/);
    await fails(s.call('PATCH', `logged-models/${id}/tags`, { tags: [{ value: 'x' }] }), 400, 'INVALID_PARAMETER_VALUE', /key/);
    await fails(s.call('PATCH', 'logged-models/m-nope/tags', { tags: [{ key: 'a', value: '1' }] }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('params: POST /params adds params to data.params', async () => {
    const id = (await create({ name: 'params', params: [{ key: 'p0', value: '0' }] })).info.model_id;
    const params = Array.from({ length: 3 }, (_, i) => ({ key: `p${i + 1}`, value: String(i + 1) }));
    assert.deepEqual(await ok(s.call('POST', `logged-models/${id}/params`, { model_id: id, params })), {});
    assert.deepEqual(sortByKey((await get(id)).data.params), [{ key: 'p0', value: '0' }, ...params]);
    await fails(s.call('POST', `logged-models/${id}/params`, { model_id: id, params: [{ key: 'bad"key', value: '1' }] }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('POST', 'logged-models/m-nope/params', { params }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('delete: DELETE with a JSON body soft-deletes; then get is 404 and search skips it', async () => {
    const id = (await create({ name: 'doomed' })).info.model_id;
    assert.deepEqual(await ok(s.call('DELETE', `logged-models/${id}`, { model_id: id })), {});
    await fails(s.call('GET', `logged-models/${id}`), 404, 'RESOURCE_DOES_NOT_EXIST');
    const found = await ok(s.call('POST', 'logged-models/search', { experiment_ids: [exp], filter: "name = 'doomed'" }));
    assert.equal(found.models?.length ?? 0, 0);
    await fails(s.call('DELETE', `logged-models/${id}`, { model_id: id }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(s.call('PATCH', `logged-models/${id}`, { model_id: id, status: 'LOGGED_MODEL_READY' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('artifacts/directories lists the model artifact folder with root_uri', async () => {
    const m = await create({ name: 'with-files' });
    const rel = `${exp}/models/${m.info.model_id}/artifacts`;
    for (const [p, body] of [['MLmodel', 'flavors: {}\n'], ['data/model.pkl', 'pickle']]) {
      const res = await fetch(`${s.url}/api/2.0/mlflow-artifacts/artifacts/${rel}/${p}`, { method: 'PUT', body });
      assert.equal(res.status, 200);
    }
    const b = await ok(s.call('GET', `logged-models/${m.info.model_id}/artifacts/directories`));
    assert.equal(b.root_uri, m.info.artifact_uri);
    const files = [...b.files].sort((x: any, y: any) => (x.path < y.path ? -1 : 1));
    assert.deepEqual(files, [{ path: 'MLmodel', is_dir: false, file_size: 12 }, { path: 'data', is_dir: true }]);
    const sub = await ok(s.call('GET', `logged-models/${m.info.model_id}/artifacts/directories?artifact_directory_path=data`));
    assert.deepEqual(sub.files, [{ path: 'data/model.pkl', is_dir: false, file_size: 6 }]);
    await fails(s.call('GET', `logged-models/${m.info.model_id}/artifacts/directories?artifact_directory_path=..%2F..`), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('GET', 'logged-models/m-nope/artifacts/directories'), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});

describe('logged-models/search', () => {
  let s: TestServer;
  let exp: string;
  const ids: string[] = [];
  before(async () => {
    s = await startTestServer();
    exp = (await ok(s.call('POST', 'experiments/create', { name: 'model-search' }))).experiment_id;
    for (let i = 0; i < 5; i++) {
      const m = (await ok(s.call('POST', 'logged-models', {
        experiment_id: exp, name: `model-${i}`, model_type: i % 2 ? 'torch' : 'sklearn',
        params: [{ key: 'depth', value: String(i) }], tags: [{ key: 'stage', value: i < 2 ? 'dev' : 'prod' }],
      }))).model;
      ids.push(m.info.model_id);
      await new Promise(r => setTimeout(r, 3));
    }
    await ok(s.call('PATCH', `logged-models/${ids[4]}`, { model_id: ids[4], status: 'LOGGED_MODEL_READY' }));
  });
  after(async () => { await s.close(); fs.rmSync(s.ws, { recursive: true, force: true }); });
  const names = (b: any): string[] => (b.models ?? []).map((m: any) => m.info.name);
  const post = (body: Record<string, unknown>) => s.call('POST', 'logged-models/search', { experiment_ids: [exp], ...body });
  const search = (body: Record<string, unknown>) => ok(post(body));

  test('default order is newest first; order_by [{field_name, ascending}] is honoured', async () => {
    assert.deepEqual(names(await search({})), ['model-4', 'model-3', 'model-2', 'model-1', 'model-0']);
    assert.deepEqual(names(await search({ order_by: [{ field_name: 'name', ascending: true }] })), ['model-0', 'model-1', 'model-2', 'model-3', 'model-4']);
    assert.deepEqual(names(await search({ order_by: [{ field_name: 'model_type' }, { field_name: 'name', ascending: false }] })),
      ['model-4', 'model-2', 'model-0', 'model-3', 'model-1']);
  });

  test('filters on attributes, params and tags', async () => {
    const q = async (filter: string) => names(await search({ filter, order_by: [{ field_name: 'name' }] }));
    assert.deepEqual(await q("name = 'model-2'"), ['model-2']);
    assert.deepEqual(await q("model_type = 'torch'"), ['model-1', 'model-3']);
    assert.deepEqual(await q("status = 'LOGGED_MODEL_READY'"), ['model-4']);
    assert.deepEqual(await q("tags.stage = 'prod' AND params.depth != '3'"), ['model-2', 'model-4']);
    assert.deepEqual(await q("name LIKE 'model-%' AND params.depth IN ('0', '1')"), ['model-0', 'model-1']);
  });

  test('max_results + page_token return every model exactly once', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const b = await search({ max_results: 2, ...(token ? { page_token: token } : {}) });
      assert.ok(b.models.length <= 2);
      seen.push(...b.models.map((m: any) => m.info.model_id));
      token = b.next_page_token;
    } while (token);
    assert.deepEqual([...seen].sort(), [...ids].sort());
  });

  test('errors: missing experiment_ids, bad filter, bad order_by, bad max_results and page_token', async () => {
    await fails(s.call('POST', 'logged-models/search', {}), 400, 'INVALID_PARAMETER_VALUE', /experiment_ids/);
    await fails(post({ filter: 'name = ' }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(post({ order_by: [{ field_name: 'nope' }] }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(post({ order_by: [{ ascending: true }] }), 400, 'INVALID_PARAMETER_VALUE', /field_name/);
    await fails(post({ max_results: 0 }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(post({ page_token: '%%%' }), 400, 'INVALID_PARAMETER_VALUE');
  });
});
