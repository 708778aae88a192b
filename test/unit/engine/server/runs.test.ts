// runs/* over real HTTP and a real SQLite store: lifecycle, logging, batch limits, inputs, models, search.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startTestServer, type TestServer } from '../../../helpers/workspace';
import { fails, ok } from '../../../helpers/replies';

const byKey = (list: any[] = []): Record<string, any> => Object.fromEntries(list.map(x => [x.key, x]));

describe('runs lifecycle and logging', () => {
  let s: TestServer;
  let exp: string;
  const newRun = async (extra: Record<string, unknown> = {}) =>
    (await ok(s.call('POST', 'runs/create', { experiment_id: exp, start_time: 1700000000000, ...extra }))).run;
  const getRun = async (id: string) => (await ok(s.call('GET', `runs/get?run_id=${id}&run_uuid=${id}`))).run;
  before(async () => {
    s = await startTestServer();
    exp = (await ok(s.call('POST', 'experiments/create', { name: 'runs' }))).experiment_id;
  });
  after(async () => { await s.close(); fs.rmSync(s.ws, { recursive: true, force: true }); });

  test('create returns {run} with MLflow RunInfo shape: string ids, numeric start_time, runName and user tags', async () => {
    const run = await newRun({ user_id: 'alice', run_name: 'first', tags: [{ key: 'team', value: 'ml' }] });
    const id = run.info.run_id;
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.deepEqual(run.info, {
      run_id: id, run_uuid: id, run_name: 'first', experiment_id: exp, user_id: 'alice', status: 'RUNNING',
      start_time: 1700000000000, artifact_uri: `mlflow-artifacts:/${exp}/${id}/artifacts`, lifecycle_stage: 'active',
    }, 'no end_time while running');
    const tags = byKey(run.data.tags);
    assert.equal(tags['mlflow.runName'].value, 'first');
    assert.equal(tags['mlflow.user'].value, 'alice');
    assert.equal(tags.team.value, 'ml');
  });

  test('create accepts int64 as string and experiment_id as number; no experiment_id means "0"; a name is generated', async () => {
    const r = (await ok(s.call('POST', 'runs/create', { experiment_id: Number(exp), start_time: '1700000000123' }))).run;
    assert.equal(r.info.experiment_id, exp);
    assert.equal(r.info.start_time, 1700000000123);
    assert.ok(r.info.run_name.length > 0);
    assert.equal(byKey(r.data.tags)['mlflow.runName'].value, r.info.run_name);
    const d = (await ok(s.call('POST', 'runs/create', {}))).run;
    assert.equal(d.info.experiment_id, '0');
    assert.equal(typeof d.info.start_time, 'number');
  });

  test('create errors: unknown experiment 404, run_name vs mlflow.runName conflict 400', async () => {
    await fails(s.call('POST', 'runs/create', { experiment_id: '9999' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(s.call('POST', 'runs/create', { experiment_id: exp, run_name: 'a', tags: [{ key: 'mlflow.runName', value: 'b' }] }),
      400, 'INVALID_PARAMETER_VALUE', /run_name='a', mlflow\.runName='b'/);
  });

  test('get accepts run_uuid alone; unknown is 404, missing or malformed run_id is 400', async () => {
    const id = (await newRun()).info.run_id;
    assert.equal((await ok(s.call('GET', `runs/get?run_uuid=${id}`))).run.info.run_id, id);
    await fails(s.call('GET', `runs/get?run_id=${'f'.repeat(32)}`), 404, 'RESOURCE_DOES_NOT_EXIST', /Run with id=f+ not found/);
    await fails(s.call('GET', 'runs/get'), 400, 'INVALID_PARAMETER_VALUE', /run_id/);
    await fails(s.call('GET', 'runs/get?run_id=..%2Fx'), 400, 'INVALID_PARAMETER_VALUE');
  });

  test('update returns {run_info}; status by name or number, end_time, run_name synced to the tag', async () => {
    const id = (await newRun()).info.run_id;
    const b = await ok(s.call('POST', 'runs/update', { run_id: id, status: 'FINISHED', end_time: 1700000005000, run_name: 'renamed' }));
    assert.deepEqual(Object.keys(b), ['run_info']);
    assert.deepEqual([b.run_info.status, b.run_info.end_time, b.run_info.run_name], ['FINISHED', 1700000005000, 'renamed']);
    assert.equal(byKey((await getRun(id)).data.tags)['mlflow.runName'].value, 'renamed');
    const k = await ok(s.call('POST', 'runs/update', { run_uuid: id, status: 5 }));
    assert.equal(k.run_info.status, 'KILLED');
    await fails(s.call('POST', 'runs/update', { run_id: id, status: 'DONE' }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('POST', 'runs/update', { run_id: 'f'.repeat(32), status: 'FINISHED' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('delete and restore: writes to a deleted run are 400, get still works, restore re-enables writes', async () => {
    const id = (await newRun()).info.run_id;
    assert.deepEqual(await ok(s.call('POST', 'runs/delete', { run_id: id })), {});
    assert.equal((await getRun(id)).info.lifecycle_stage, 'deleted');
    const m = { run_id: id, key: 'm', value: 1, timestamp: 1 };
    await fails(s.call('POST', 'runs/log-metric', m), 400, 'INVALID_PARAMETER_VALUE', /must be in the 'active' state/);
    await fails(s.call('POST', 'runs/log-parameter', { run_id: id, key: 'p', value: '1' }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('POST', 'runs/set-tag', { run_id: id, key: 't', value: '1' }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('POST', 'runs/update', { run_id: id, status: 'FINISHED' }), 400, 'INVALID_PARAMETER_VALUE');
    assert.deepEqual(await ok(s.call('POST', 'runs/restore', { run_id: id })), {});
    assert.equal((await getRun(id)).info.lifecycle_stage, 'active');
    await ok(s.call('POST', 'runs/log-metric', m));
    await fails(s.call('POST', 'runs/delete', { run_id: 'e'.repeat(32) }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(s.call('POST', 'runs/restore', {}), 400, 'INVALID_PARAMETER_VALUE');
  });

  test('log-metric: NaN/Infinity/-Infinity sent as strings come back as strings; run_uuid accepted; step defaults to 0', async () => {
    const id = (await newRun()).info.run_id;
    await ok(s.call('POST', 'runs/log-metric', { run_id: id, key: 'nan', value: 'NaN', timestamp: 10, step: 1 }));
    await ok(s.call('POST', 'runs/log-metric', { run_uuid: id, key: 'inf', value: 'Infinity', timestamp: '11' }));
    await ok(s.call('POST', 'runs/log-metric', { run_id: id, key: 'ninf', value: '-Infinity', timestamp: 12, step: '2' }));
    await ok(s.call('POST', 'runs/log-metric', { run_id: id, key: 'num', value: 0.25, timestamp: 13, step: 3 }));
    const ms = byKey((await getRun(id)).data.metrics);
    assert.deepEqual(ms.nan, { key: 'nan', value: 'NaN', timestamp: 10, step: 1 });
    assert.deepEqual(ms.inf, { key: 'inf', value: 'Infinity', timestamp: 11, step: 0 });
    assert.deepEqual(ms.ninf, { key: 'ninf', value: '-Infinity', timestamp: 12, step: 2 });
    assert.deepEqual(ms.num, { key: 'num', value: 0.25, timestamp: 13, step: 3 });
  });

  test('log-metric errors: missing value, timestamp or key, a non-numeric value, a negative timestamp', async () => {
    const id = (await newRun()).info.run_id;
    await fails(s.call('POST', 'runs/log-metric', { run_id: id, key: 'm', timestamp: 1 }), 400, 'INVALID_PARAMETER_VALUE', /value/);
    await fails(s.call('POST', 'runs/log-metric', { run_id: id, key: 'm', value: 1 }), 400, 'INVALID_PARAMETER_VALUE', /timestamp/);
    await fails(s.call('POST', 'runs/log-metric', { run_id: id, value: 1, timestamp: 1 }), 400, 'INVALID_PARAMETER_VALUE', /key/);
    await fails(s.call('POST', 'runs/log-metric', { run_id: id, key: 'm', value: 'abc', timestamp: 1 }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('POST', 'runs/log-metric', { run_id: id, key: 'm', value: 1, timestamp: -5 }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('POST', 'runs/log-metric', { key: 'm', value: 1, timestamp: 1 }), 400, 'INVALID_PARAMETER_VALUE', /run_id/);
  });

  test('latest metric in run.data is the max of (step, timestamp, value)', async () => {
    const id = (await newRun()).info.run_id;
    for (const [step, timestamp, value] of [[5, 100, 1], [5, 100, 3], [5, 50, 9], [3, 999, 10], [5, 100, 2]]) {
      await ok(s.call('POST', 'runs/log-metric', { run_id: id, key: 'loss', value, timestamp, step }));
    }
    assert.deepEqual((await getRun(id)).data.metrics, [{ key: 'loss', value: 3, timestamp: 100, step: 5 }]);
  });

  test('params are immutable (same value OK, different value 400); tags overwrite; delete-tag', async () => {
    const id = (await newRun()).info.run_id;
    await ok(s.call('POST', 'runs/log-parameter', { run_id: id, key: 'lr', value: '0.1' }));
    await ok(s.call('POST', 'runs/log-parameter', { run_id: id, key: 'lr', value: '0.1' }));
    await fails(s.call('POST', 'runs/log-parameter', { run_id: id, key: 'lr', value: '0.2' }), 400, 'INVALID_PARAMETER_VALUE', /Changing param values is not allowed/);
    await fails(s.call('POST', 'runs/log-parameter', { run_id: id, key: '../x', value: '1' }), 400, 'INVALID_PARAMETER_VALUE');
    await ok(s.call('POST', 'runs/set-tag', { run_id: id, key: 'stage', value: 'a' }));
    await ok(s.call('POST', 'runs/set-tag', { run_uuid: id, key: 'stage', value: 'b' }));
    await ok(s.call('POST', 'runs/set-tag', { run_id: id, key: 'mlflow.runName', value: 'via-tag' }));
    const run = await getRun(id);
    assert.deepEqual(run.data.params, [{ key: 'lr', value: '0.1' }]);
    assert.equal(byKey(run.data.tags).stage.value, 'b');
    assert.equal(run.info.run_name, 'via-tag');
    assert.deepEqual(await ok(s.call('POST', 'runs/delete-tag', { run_id: id, key: 'stage' })), {});
    assert.equal(byKey((await getRun(id)).data.tags).stage, undefined);
    await fails(s.call('POST', 'runs/delete-tag', { run_id: id, key: 'stage' }), 404, 'RESOURCE_DOES_NOT_EXIST', /No tag with name: stage/);
  });

  test('log-batch writes metrics, params and tags; enforces limits and is all-or-nothing', async () => {
    const id = (await newRun()).info.run_id;
    await ok(s.call('POST', 'runs/log-batch', {
      run_id: id, metrics: [{ key: 'a', value: 1, timestamp: 1, step: 0 }, { key: 'a', value: 2, timestamp: 2, step: 1 }],
      params: [{ key: 'p', value: 'v' }], tags: [{ key: 't', value: '1' }, { key: 't', value: '2' }],
    }));
    let run = await getRun(id);
    assert.deepEqual(run.data.metrics, [{ key: 'a', value: 2, timestamp: 2, step: 1 }]);
    assert.deepEqual(run.data.params, [{ key: 'p', value: 'v' }]);
    assert.equal(byKey(run.data.tags).t.value, '2', 'the last repeated tag wins');
    const many = Array.from({ length: 1001 }, (_, i) => ({ key: 'x', value: i, timestamp: i, step: i }));
    await fails(s.call('POST', 'runs/log-batch', { run_id: id, metrics: many }), 400, 'INVALID_PARAMETER_VALUE', /at most 1000 metrics.*Got 1001 metrics/);
    const params = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: '1' }));
    await fails(s.call('POST', 'runs/log-batch', { run_id: id, params }), 400, 'INVALID_PARAMETER_VALUE', /params/);
    await fails(s.call('POST', 'runs/log-batch', { run_id: id, params: [{ key: 'd', value: '1' }, { key: 'd', value: '2' }] }), 400, 'INVALID_PARAMETER_VALUE', /Duplicate parameter keys/);
    await fails(s.call('POST', 'runs/log-batch', { run_id: id, metrics: [{ key: 'a', timestamp: 1 }] }), 400, 'INVALID_PARAMETER_VALUE', /metrics\[0\]\.value/);
    await fails(s.call('POST', 'runs/log-batch', { run_id: id, tags: [{ value: 'x' }] }), 400, 'INVALID_PARAMETER_VALUE', /tags\[0\]\.key/);
    await fails(s.call('POST', 'runs/log-batch', {
      run_id: id, metrics: [{ key: 'b', value: 1, timestamp: 1 }], params: [{ key: 'p', value: 'changed' }], tags: [{ key: 'u', value: '1' }],
    }), 400, 'INVALID_PARAMETER_VALUE', /Changing param values/);
    run = await getRun(id);
    assert.equal(byKey(run.data.metrics).b, undefined, 'nothing of a failed batch is written');
    assert.equal(byKey(run.data.tags).u, undefined);
    await ok(s.call('POST', 'runs/log-batch', { run_id: id }));
  });

  test('log-inputs fills run.inputs.dataset_inputs with {tags, dataset}; required dataset fields checked', async () => {
    const id = (await newRun()).info.run_id;
    const dataset = { name: 'train', digest: 'abc123', source_type: 'local', source: 'data/train.csv', schema: '{"cols":[]}' };
    const tags = [{ key: 'mlflow.data.context', value: 'training' }];
    assert.deepEqual(await ok(s.call('POST', 'runs/log-inputs', { run_id: id, datasets: [{ tags, dataset }] })), {});
    assert.deepEqual((await getRun(id)).inputs.dataset_inputs, [{ tags, dataset }]);
    await fails(s.call('POST', 'runs/log-inputs', { run_id: id, datasets: [{ dataset: { name: 'x', digest: 'd', source_type: 'local' } }] }),
      400, 'INVALID_PARAMETER_VALUE', /source/);
    await fails(s.call('POST', 'runs/log-inputs', { run_id: id, datasets: [{ tags }] }), 400, 'INVALID_PARAMETER_VALUE', /dataset/);
  });

  test('log-model appends to the mlflow.log-model.history tag; malformed model_json is 400', async () => {
    const id = (await newRun()).info.run_id;
    const model = (p: string) => JSON.stringify({ artifact_path: p, flavors: { python_function: {} }, utc_time_created: '2024-01-01 00:00:00.000000', run_id: id });
    await ok(s.call('POST', 'runs/log-model', { run_id: id, model_json: model('m1') }));
    await ok(s.call('POST', 'runs/log-model', { run_id: id, model_json: model('m2') }));
    const history = JSON.parse(byKey((await getRun(id)).data.tags)['mlflow.log-model.history'].value);
    assert.deepEqual(history.map((m: any) => m.artifact_path), ['m1', 'm2']);
    await fails(s.call('POST', 'runs/log-model', { run_id: id, model_json: '{not json' }), 400, 'INVALID_PARAMETER_VALUE', /Malformed/);
    await fails(s.call('POST', 'runs/log-model', { run_id: id, model_json: '{"artifact_path":"x"}' }), 400, 'INVALID_PARAMETER_VALUE', /missing mandatory fields/);
    await fails(s.call('POST', 'runs/log-model', { run_id: id }), 400, 'INVALID_PARAMETER_VALUE', /model_json/);
  });

  test('runs/outputs records model outputs {model_id, step}; models is required', async () => {
    const id = (await newRun()).info.run_id;
    assert.deepEqual(await ok(s.call('POST', 'runs/outputs', { run_id: id, models: [{ model_id: 'm-1', step: 7 }] })), {});
    assert.deepEqual((await getRun(id)).outputs, { model_outputs: [{ model_id: 'm-1', step: 7 }] });
    await fails(s.call('POST', 'runs/outputs', { run_id: id }), 400, 'INVALID_PARAMETER_VALUE', /models/);
    await fails(s.call('POST', 'runs/outputs', { run_id: id, models: [{ step: 1 }] }), 400, 'INVALID_PARAMETER_VALUE', /model_id/);
  });
});

describe('runs/search', () => {
  let s: TestServer;
  let exp: string;
  let other: string;
  const names = (b: any): string[] => (b.runs ?? []).map((r: any) => r.info.run_name);
  const search = async (body: Record<string, unknown>) => ok(s.call('POST', 'runs/search', { experiment_ids: [exp], ...body }));
  before(async () => {
    s = await startTestServer();
    exp = (await ok(s.call('POST', 'experiments/create', { name: 'search-runs' }))).experiment_id;
    other = (await ok(s.call('POST', 'experiments/create', { name: 'search-other' }))).experiment_id;
    const specs = [
      { name: 'cnn-a', model: 'cnn', acc: 0.9, key: 'alpha', status: 'FINISHED' },
      { name: 'rnn-b', model: 'rnn', acc: 0.7, key: 'beta', status: 'FINISHED' },
      { name: 'cnn-c', model: 'cnn', acc: 0.5, key: 'alpha', status: 'FAILED' },
      { name: 'tr-d', model: 'Transformer', acc: undefined, key: 'gamma', status: 'RUNNING' },
      { name: 'mlp-e', model: 'mlp', acc: 0.95, key: 'beta', status: 'RUNNING' },
      { name: 'gone-f', model: 'cnn', acc: 0.1, key: 'alpha', status: 'FINISHED' },
    ];
    for (const [i, sp] of specs.entries()) {
      const id = (await ok(s.call('POST', 'runs/create', { experiment_id: exp, run_name: sp.name, start_time: (i + 1) * 1000 }))).run.info.run_id;
      await ok(s.call('POST', 'runs/log-batch', {
        run_id: id, params: [{ key: 'model', value: sp.model }], tags: [{ key: 'my key', value: sp.key }],
        metrics: sp.acc === undefined ? [] : [{ key: 'acc', value: sp.acc, timestamp: 1, step: 0 }],
      }));
      if (sp.status !== 'RUNNING') await ok(s.call('POST', 'runs/update', { run_id: id, status: sp.status }));
      if (sp.name === 'gone-f') await ok(s.call('POST', 'runs/delete', { run_id: id }));
    }
    await ok(s.call('POST', 'runs/create', { experiment_id: other, run_name: 'elsewhere', start_time: 9000 }));
  });
  after(async () => { await s.close(); fs.rmSync(s.ws, { recursive: true, force: true }); });

  test('filter grammar: metrics, params, tags with backticked keys, attributes, all comparators, AND', async () => {
    const cases: [string, string[]][] = [
      ['metrics.acc > 0.7', ['cnn-a', 'mlp-e']],
      ['metrics.acc >= 0.7', ['cnn-a', 'mlp-e', 'rnn-b']],
      ['metrics.acc < 0.7', ['cnn-c']],
      ['metrics.acc <= 0.5', ['cnn-c']],
      ['metrics.acc = 0.9', ['cnn-a']],
      ['metrics.acc != 0.9', ['cnn-c', 'mlp-e', 'rnn-b']],
      ["params.model = 'cnn'", ['cnn-a', 'cnn-c']],
      ["params.model != 'cnn'", ['mlp-e', 'rnn-b', 'tr-d']],
      ["params.model LIKE 'c%'", ['cnn-a', 'cnn-c']],
      ["params.model LIKE 't%'", []],
      ["params.model ILIKE 't%'", ['tr-d']],
      ["params.model IN ('cnn', 'mlp')", ['cnn-a', 'cnn-c', 'mlp-e']],
      ["params.model NOT IN ('cnn', 'mlp')", ['rnn-b', 'tr-d']],
      ["tags.`my key` = 'alpha'", ['cnn-a', 'cnn-c']],
      ["attributes.status = 'FINISHED'", ['cnn-a', 'rnn-b']],
      ["attributes.run_name LIKE '%-c'", ['cnn-c']],
      ["run_name = 'rnn-b'", ['rnn-b']],
      ['attributes.start_time >= 3000', ['cnn-c', 'mlp-e', 'tr-d']],
      ["params.model = 'cnn' AND metrics.acc > 0.6 AND tags.`my key` = 'alpha'", ['cnn-a']],
    ];
    for (const [filter, expected] of cases) assert.deepEqual(names(await search({ filter })).sort(), expected, filter);
  });

  test('invalid filters are 400 INVALID_PARAMETER_VALUE', async () => {
    for (const filter of ["metrics.acc > 0.5 OR params.model = 'x'", "params.model > 'a'", 'foo.bar = 1', 'metrics.acc >', "metrics.acc LIKE '1%'"]) {
      await fails(s.call('POST', 'runs/search', { experiment_ids: [exp], filter }), 400, 'INVALID_PARAMETER_VALUE');
    }
  });

  test('order_by: default start_time DESC; metrics DESC/ASC put runs lacking the metric last; several keys', async () => {
    assert.deepEqual(names(await search({})), ['mlp-e', 'tr-d', 'cnn-c', 'rnn-b', 'cnn-a']);
    assert.deepEqual(names(await search({ order_by: ['metrics.acc DESC'] })), ['mlp-e', 'cnn-a', 'rnn-b', 'cnn-c', 'tr-d']);
    assert.deepEqual(names(await search({ order_by: ['metrics.acc ASC'] })), ['cnn-c', 'rnn-b', 'cnn-a', 'mlp-e', 'tr-d']);
    assert.deepEqual(names(await search({ order_by: ['params.model ASC', 'attributes.start_time DESC'] })), ['tr-d', 'cnn-c', 'cnn-a', 'mlp-e', 'rnn-b']);
    await fails(s.call('POST', 'runs/search', { experiment_ids: [exp], order_by: ['metrics.acc SIDEWAYS'] }), 400, 'INVALID_PARAMETER_VALUE');
  });

  test('max_results + page_token page across all runs with no duplicates', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const b = await search({ max_results: 2, order_by: ['metrics.acc DESC'], ...(token ? { page_token: token } : {}) });
      assert.ok(b.runs.length <= 2);
      seen.push(...names(b));
      token = b.next_page_token;
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['mlp-e', 'cnn-a', 'rnn-b', 'cnn-c', 'tr-d']);
    await fails(s.call('POST', 'runs/search', { experiment_ids: [exp], max_results: 50001 }), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('POST', 'runs/search', { experiment_ids: [exp], page_token: 'not-a-token' }), 400, 'INVALID_PARAMETER_VALUE');
  });

  test('run_view_type, several experiment_ids (numbers accepted), empty experiment_ids, and row shape', async () => {
    assert.deepEqual(names(await search({ run_view_type: 'DELETED_ONLY' })), ['gone-f']);
    assert.equal(names(await search({ run_view_type: 'ALL' })).length, 6);
    const both = await ok(s.call('POST', 'runs/search', { experiment_ids: [Number(exp), Number(other)] }));
    assert.deepEqual(names(both), ['elsewhere', 'mlp-e', 'tr-d', 'cnn-c', 'rnn-b', 'cnn-a']);
    const none = await ok(s.call('POST', 'runs/search', { experiment_ids: [] }));
    assert.equal(none.runs?.length ?? 0, 0);
    await fails(s.call('POST', 'runs/search', { experiment_ids: ['abc'] }), 400, 'INVALID_PARAMETER_VALUE');
    const [row] = (await search({ filter: "run_name = 'cnn-a'" })).runs;
    assert.equal(typeof row.info.start_time, 'number');
    assert.deepEqual(row.data.metrics, [{ key: 'acc', value: 0.9, timestamp: 1, step: 0 }]);
    assert.deepEqual(row.data.params, [{ key: 'model', value: 'cnn' }]);
    assert.equal(byKey(row.data.tags)['my key'].value, 'alpha');
  });
});
