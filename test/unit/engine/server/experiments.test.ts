// experiments/* over real HTTP and a real SQLite store: MLflow's request and response shapes.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startTestServer, type TestServer } from '../../../helpers/workspace';
import { fails, ok } from '../../../helpers/replies';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('experiments endpoints', () => {
  let s: TestServer;
  const create = async (name: string, extra: Record<string, unknown> = {}): Promise<string> =>
    (await ok(s.call('POST', 'experiments/create', { name, ...extra }))).experiment_id;
  const get = async (id: string) => (await ok(s.call('GET', `experiments/get?experiment_id=${id}`))).experiment;
  before(async () => { s = await startTestServer(); });
  after(async () => { await s.close(); fs.rmSync(s.ws, { recursive: true, force: true }); });

  test('the Default experiment "0" exists with artifact_location mlflow-artifacts:/0', async () => {
    const e = await get('0');
    assert.equal(e.experiment_id, '0');
    assert.equal(e.name, 'Default');
    assert.equal(e.lifecycle_stage, 'active');
    assert.equal(e.artifact_location, 'mlflow-artifacts:/0');
  });

  test('create returns {experiment_id} as a string; get returns the full Experiment shape', async () => {
    const before = Date.now();
    const body = await ok(s.call('POST', 'experiments/create', { name: 'shape', tags: [{ key: 'team', value: 'ml' }] }));
    assert.deepEqual(Object.keys(body), ['experiment_id']);
    assert.match(body.experiment_id, /^\d+$/);
    const e = await get(body.experiment_id);
    assert.deepEqual(Object.keys(e).sort(), ['artifact_location', 'creation_time', 'experiment_id', 'last_update_time', 'lifecycle_stage', 'name', 'tags']);
    assert.equal(e.name, 'shape');
    assert.equal(e.artifact_location, `mlflow-artifacts:/${body.experiment_id}`);
    assert.equal(typeof e.creation_time, 'number');
    assert.equal(typeof e.last_update_time, 'number');
    assert.ok(e.creation_time >= before - 1000 && e.creation_time <= Date.now() + 1000);
    assert.deepEqual(e.tags, [{ key: 'team', value: 'ml' }]);
  });

  test('create honours artifact_location', async () => {
    const id = await create('custom-loc', { artifact_location: 'mlflow-artifacts:/elsewhere' });
    assert.equal((await get(id)).artifact_location, 'mlflow-artifacts:/elsewhere');
  });

  test('create rejects a missing or empty name, a 501-char name and a duplicate', async () => {
    await fails(s.call('POST', 'experiments/create', {}), 400, 'INVALID_PARAMETER_VALUE', /Missing value for required parameter 'name'/);
    await fails(s.call('POST', 'experiments/create', { name: '' }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('POST', 'experiments/create', { name: 'x'.repeat(501) }), 400, 'INVALID_PARAMETER_VALUE');
    await create('dup');
    await fails(s.call('POST', 'experiments/create', { name: 'dup' }), 400, 'RESOURCE_ALREADY_EXISTS', /already exists/);
  });

  test('get: unknown id is 404 RESOURCE_DOES_NOT_EXIST, missing id is 400', async () => {
    await fails(s.call('GET', 'experiments/get?experiment_id=987654'), 404, 'RESOURCE_DOES_NOT_EXIST', /No Experiment with id=987654 exists/);
    await fails(s.call('GET', 'experiments/get?experiment_id=not-a-number'), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(s.call('GET', 'experiments/get'), 400, 'INVALID_PARAMETER_VALUE', /experiment_id/);
  });

  test('get-by-name finds by exact name; a missing name is 404 RESOURCE_DOES_NOT_EXIST (client relies on it)', async () => {
    const id = await create('find me/please');
    const e = (await ok(s.call('GET', `experiments/get-by-name?experiment_name=${encodeURIComponent('find me/please')}`))).experiment;
    assert.equal(e.experiment_id, id);
    await fails(s.call('GET', 'experiments/get-by-name?experiment_name=nobody'), 404, 'RESOURCE_DOES_NOT_EXIST', /Could not find experiment with name 'nobody'/);
    await fails(s.call('GET', 'experiments/get-by-name'), 400, 'INVALID_PARAMETER_VALUE', /experiment_name/);
  });

  test('update renames; clashes, empty names and unknown ids are refused', async () => {
    const id = await create('old-name');
    await create('taken');
    assert.deepEqual(await ok(s.call('POST', 'experiments/update', { experiment_id: id, new_name: 'new-name' })), {});
    assert.equal((await get(id)).name, 'new-name');
    await fails(s.call('GET', 'experiments/get-by-name?experiment_name=old-name'), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(s.call('POST', 'experiments/update', { experiment_id: id, new_name: 'taken' }), 400, 'RESOURCE_ALREADY_EXISTS');
    await fails(s.call('POST', 'experiments/update', { experiment_id: id }), 400, 'INVALID_PARAMETER_VALUE', /new_name/);
    await fails(s.call('POST', 'experiments/update', { experiment_id: '99999', new_name: 'zzz' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('delete marks the experiment and all its runs deleted; restore brings both back', async () => {
    const id = await create('to-delete');
    const runIds: string[] = [];
    for (let i = 0; i < 2; i++) runIds.push((await ok(s.call('POST', 'runs/create', { experiment_id: id, start_time: Date.now() }))).run.info.run_id);
    assert.deepEqual(await ok(s.call('POST', 'experiments/delete', { experiment_id: id })), {});
    const deleted = await get(id); // get works on deleted experiments
    assert.equal(deleted.lifecycle_stage, 'deleted');
    for (const r of runIds) assert.equal((await ok(s.call('GET', `runs/get?run_id=${r}`))).run.info.lifecycle_stage, 'deleted');
    const active = await ok(s.call('POST', 'runs/search', { experiment_ids: [id] }));
    assert.equal(active.runs?.length ?? 0, 0);
    await fails(s.call('POST', 'runs/create', { experiment_id: id }), 400, 'INVALID_PARAMETER_VALUE', /active/);
    await fails(s.call('POST', 'experiments/delete', { experiment_id: id }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(s.call('POST', 'experiments/update', { experiment_id: id, new_name: 'renamed-deleted' }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('POST', 'experiments/create', { name: 'to-delete' }), 400, 'RESOURCE_ALREADY_EXISTS', /deleted/);

    assert.deepEqual(await ok(s.call('POST', 'experiments/restore', { experiment_id: id })), {});
    assert.equal((await get(id)).lifecycle_stage, 'active');
    for (const r of runIds) assert.equal((await ok(s.call('GET', `runs/get?run_id=${r}`))).run.info.lifecycle_stage, 'active');
    await fails(s.call('POST', 'experiments/restore', { experiment_id: id }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('delete refuses the default experiment, unknown ids and a missing id', async () => {
    await fails(s.call('POST', 'experiments/delete', { experiment_id: '0' }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('POST', 'experiments/delete', { experiment_id: '424242' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(s.call('POST', 'experiments/delete', {}), 400, 'INVALID_PARAMETER_VALUE', /experiment_id/);
    await fails(s.call('POST', 'experiments/restore', { experiment_id: '424242' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('set-experiment-tag upserts, delete-experiment-tag removes; errors for missing tag, bad key, deleted experiment', async () => {
    const id = await create('tagged');
    await ok(s.call('POST', 'experiments/set-experiment-tag', { experiment_id: id, key: 'k', value: 'v1' }));
    await ok(s.call('POST', 'experiments/set-experiment-tag', { experiment_id: id, key: 'k', value: 'v2' }));
    await ok(s.call('POST', 'experiments/set-experiment-tag', { experiment_id: id, key: 'mlflow.note.content', value: '' }));
    const tags = (await get(id)).tags.sort((a: any, b: any) => a.key.localeCompare(b.key));
    assert.deepEqual(tags, [{ key: 'k', value: 'v2' }, { key: 'mlflow.note.content', value: '' }]);
    assert.deepEqual(await ok(s.call('POST', 'experiments/delete-experiment-tag', { experiment_id: id, key: 'k' })), {});
    assert.deepEqual((await get(id)).tags, [{ key: 'mlflow.note.content', value: '' }]);
    await fails(s.call('POST', 'experiments/delete-experiment-tag', { experiment_id: id, key: 'k' }), 404, 'RESOURCE_DOES_NOT_EXIST', /No tag with name: k/);
    await fails(s.call('POST', 'experiments/set-experiment-tag', { experiment_id: id, key: 'bad"key', value: 'x' }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('POST', 'experiments/set-experiment-tag', { experiment_id: id, value: 'x' }), 400, 'INVALID_PARAMETER_VALUE', /key/);
    await fails(s.call('POST', 'experiments/set-experiment-tag', { experiment_id: '55555', key: 'k', value: 'x' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await ok(s.call('POST', 'experiments/delete', { experiment_id: id }));
    await fails(s.call('POST', 'experiments/set-experiment-tag', { experiment_id: id, key: 'k', value: 'x' }), 400, 'INVALID_PARAMETER_VALUE', /active/);
  });
});

describe('experiments/search', () => {
  let s: TestServer;
  const ids: string[] = [];
  before(async () => {
    s = await startTestServer();
    for (let i = 0; i < 7; i++) {
      const tags = [{ key: 'group', value: i % 2 ? 'odd' : 'even' }];
      ids.push((await ok(s.call('POST', 'experiments/create', { name: `search-${i}`, tags }))).experiment_id);
      await sleep(3); // distinct creation times
    }
    await ok(s.call('POST', 'experiments/delete', { experiment_id: ids[6] }));
  });
  after(async () => { await s.close(); fs.rmSync(s.ws, { recursive: true, force: true }); });
  const names = (b: any) => (b.experiments ?? []).map((e: any) => e.name);

  test('POST search defaults to ACTIVE_ONLY, newest first (creation_time DESC)', async () => {
    const b = await ok(s.call('POST', 'experiments/search', {}));
    assert.deepEqual(names(b), ['search-5', 'search-4', 'search-3', 'search-2', 'search-1', 'search-0', 'Default']);
    assert.equal(b.next_page_token, undefined);
  });

  test('view_type DELETED_ONLY and ALL (by name or by number)', async () => {
    assert.deepEqual(names(await ok(s.call('POST', 'experiments/search', { view_type: 'DELETED_ONLY' }))), ['search-6']);
    assert.equal(names(await ok(s.call('POST', 'experiments/search', { view_type: 'ALL' }))).length, 8);
    assert.equal(names(await ok(s.call('POST', 'experiments/search', { view_type: 3 }))).length, 8);
    await fails(s.call('POST', 'experiments/search', { view_type: 'SOME' }), 400, 'INVALID_PARAMETER_VALUE');
  });

  test('filter on name (=, LIKE, ILIKE, !=), tags and creation_time', async () => {
    const q = async (filter: string) => names(await ok(s.call('POST', 'experiments/search', { filter, order_by: ['name ASC'] })));
    assert.deepEqual(await q("name = 'search-3'"), ['search-3']);
    assert.deepEqual(await q("name LIKE 'search-%' AND tags.group = 'odd'"), ['search-1', 'search-3', 'search-5']);
    assert.deepEqual(await q("name ILIKE 'SEARCH-_'"), ['search-0', 'search-1', 'search-2', 'search-3', 'search-4', 'search-5']);
    assert.deepEqual(await q("name LIKE 'SEARCH-%'"), [], 'LIKE is case-sensitive');
    assert.equal((await q("name != 'Default'")).length, 6);
    const e2 = (await ok(s.call('GET', `experiments/get?experiment_id=${ids[2]}`))).experiment;
    assert.deepEqual(await q(`creation_time <= ${e2.creation_time} AND name LIKE 'search%'`), ['search-0', 'search-1', 'search-2']);
    await fails(s.call('POST', 'experiments/search', { filter: 'name = ' }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('POST', 'experiments/search', { filter: "metrics.acc > 1" }), 400, 'INVALID_PARAMETER_VALUE');
  });

  test('max_results + page_token page through every experiment exactly once', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const b = await ok(s.call('POST', 'experiments/search', { max_results: 3, view_type: 'ALL', ...(token ? { page_token: token } : {}) }));
      assert.ok(b.experiments.length <= 3);
      seen.push(...b.experiments.map((e: any) => e.experiment_id));
      token = b.next_page_token;
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual([...seen].sort(), ['0', ...ids].sort());
  });

  test('GET search reads the query string (max_results as text, repeated order_by, view_type)', async () => {
    const b = await ok(s.call('GET', 'experiments/search?max_results=2&order_by=name%20DESC&view_type=ACTIVE_ONLY&filter=' + encodeURIComponent("name LIKE 'search-%'")));
    assert.deepEqual(names(b), ['search-5', 'search-4']);
    assert.equal(typeof b.next_page_token, 'string');
    const next = await ok(s.call('GET', `experiments/search?max_results=2&order_by=name%20DESC&filter=${encodeURIComponent("name LIKE 'search-%'")}&page_token=${encodeURIComponent(b.next_page_token)}`));
    assert.deepEqual(names(next), ['search-3', 'search-2']);
  });

  test('bad max_results, page_token and order_by are 400 INVALID_PARAMETER_VALUE', async () => {
    await fails(s.call('POST', 'experiments/search', { max_results: 0 }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('POST', 'experiments/search', { max_results: 50001 }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('POST', 'experiments/search', { max_results: 'ten' }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('POST', 'experiments/search', { page_token: 'garbage!!' }), 400, 'INVALID_PARAMETER_VALUE', /page token/i);
    await fails(s.call('POST', 'experiments/search', { order_by: ['tags.group DESC'] }), 400, 'INVALID_PARAMETER_VALUE');
  });
});
