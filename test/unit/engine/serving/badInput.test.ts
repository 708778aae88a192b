// Client mistakes get the right 4xx with a message naming the input and what was expected; the endpoint
// keeps answering afterwards and never returns a 500.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_BODY_BYTES } from '../../../../src/engine/serving/server';
import { IRIS, MULTI, assertIris, get, invoke, iris, multi, predictions, request, serve, type Reply, type Served } from '../../../helpers/serving';

let irisEp: Served;
let multiEp: Served;
const statuses: number[] = [];

before(async () => {
  [irisEp, multiEp] = await Promise.all([serve(IRIS), serve(MULTI)]);
});
after(async () => {
  await Promise.all([irisEp, multiEp].map(s => s?.close()));
});

/** A 400 INVALID_PARAMETER_VALUE whose message matches every pattern. */
async function rejected(p: Promise<Reply>, ...patterns: RegExp[]): Promise<void> {
  const r = await p;
  statuses.push(r.status);
  assert.equal(r.status, 400, `expected 400, got ${r.status} ${r.text}`);
  assert.equal(r.body.error_code, 'INVALID_PARAMETER_VALUE', r.text);
  for (const re of patterns) assert.match(r.body.message, re);
}

const ROWS = multi.inputs.x.map((x, i) => ({ x, scale: multi.inputs.scale[i][0], count: multi.inputs.count[i][0], flag: multi.inputs.flag[i][0] }));
const withInput = (k: string, v: unknown) => ({ inputs: { ...multi.inputs, [k]: v } });

test('a missing column names it and lists the inputs with their types and shapes', async () => {
  const records = ROWS.map(({ flag: _flag, ...r }) => r);
  await rejected(invoke(multiEp.url, { dataframe_records: records }), /missing column\(s\) 'flag'/, /flag \(bool \[N, 1\]\)/, /x \(float32 \[N, 3\]\)/);
  await rejected(invoke(multiEp.url, { dataframe_split: { columns: ['x', 'scale'], data: ROWS.map(r => [r.x, r.scale]) } }), /missing column\(s\) 'count', 'flag'/);
});

test('a missing named input names it', async () => {
  const { count: _count, ...rest } = multi.inputs;
  await rejected(invoke(multiEp.url, { inputs: rest }), /missing input\(s\) 'count' in 'inputs'/);
  await rejected(invoke(multiEp.url, { instances: [[1, 2, 3]] }), /4 inputs \(x, scale, count, flag\): send a dict of named tensors/);
});

test('wrong element types: a string for float, 1.5 for int64, "yes" for bool', async () => {
  await rejected(invoke(irisEp.url, { inputs: [['abc', 3.5, 1.4, 0.2]] }), /input 'input' expects numbers \(float32\), got "abc"/);
  await rejected(invoke(multiEp.url, withInput('x', [[1, 2, 'three'], [1, 2, 3], [1, 2, 3], [1, 2, 3]])), /input 'x' expects numbers \(float32\), got "three"/);
  await rejected(invoke(multiEp.url, withInput('scale', [[0.1], ['big'], [0], [1]])), /input 'scale' expects numbers \(float64\), got "big"/);
  await rejected(invoke(multiEp.url, withInput('count', [[1], [1.5], [2], [3]])), /input 'count' expects integers \(int64\), got 1.5/);
  await rejected(invoke(multiEp.url, withInput('flag', [[true], ['yes'], [false], [true]])), /input 'flag' expects booleans \(bool\), got "yes"/);
  await rejected(invoke(multiEp.url, { dataframe_records: [{ ...ROWS[0], flag: 'yes' }] }), /input 'flag' expects booleans \(bool\), got "yes"/);
});

test('wrong shapes: 3 features for iris, a scalar, one dimension too many', async () => {
  await rejected(invoke(irisEp.url, { inputs: [[5.1, 3.5, 1.4]] }), /input 'input' expects dimension 1 to be 4 \(\[N, 4\]\), got 3/);
  await rejected(invoke(irisEp.url, { dataframe_split: { columns: ['a', 'b', 'c'], data: [[5.1, 3.5, 1.4]] } }), /input 'input' expects dimension 1 to be 4/);
  await rejected(invoke(irisEp.url, { inputs: { input: 5.1 } }), /input 'input' expects rank 2 \[N, 4\], got shape \[1\]/);
  await rejected(invoke(irisEp.url, { inputs: [[[5.1, 3.5, 1.4, 0.2]]] }), /input 'input' expects rank 2 \[N, 4\], got shape \[1, 1, 4\]/);
  await rejected(invoke(multiEp.url, withInput('x', [[1, 2], [1, 2], [1, 2], [1, 2]])), /input 'x' expects dimension 1 to be 3 \(\[N, 3\]\), got 2/);
});

test('ragged rows name the input (or the row) and the expected length', async () => {
  await rejected(invoke(irisEp.url, { inputs: [[5.1, 3.5, 1.4, 0.2], [4.9, 3.0, 1.4]] }), /input 'input': ragged array: expected 4 elements, got 3/);
  await rejected(invoke(irisEp.url, { instances: [[5.1, 3.5, 1.4, 0.2], 5.1] }), /input 'input': ragged array/);
  await rejected(invoke(irisEp.url, { instances: [5.1, [5.1, 3.5, 1.4, 0.2]] }), /input 'input': ragged array/);
  await rejected(invoke(irisEp.url, { dataframe_split: { columns: ['a', 'b', 'c', 'd'], data: [[5.1, 3.5, 1.4, 0.2], [4.9, 3.0]] } }), /row 1 has 2 values, expected 4/);
  await rejected(invoke(irisEp.url, 'a,b,c,d\n5.1,3.5,1.4,0.2\n4.9,3.0,1.4\n', 'text/csv'), /row 1 has 3 values, expected 4/);
});

test('named inputs with different row counts are a 400 naming both, and the endpoint survives it', async () => {
  // ONNX Runtime itself runs this model with N=4 for x and N=3 for scale; the endpoint must not.
  await rejected(invoke(multiEp.url, withInput('scale', [[1], [2], [3]])), /input 'scale' has 3 rows but 'x' has 4/);
  assert.deepEqual(predictions(await invoke(multiEp.url, { inputs: multi.inputs })).count_plus, multi.outputs.count_plus);
});

test('empty body, malformed JSON, not an object, no known key, several keys, empty lists', async () => {
  await rejected(invoke(irisEp.url, ''), /empty request body/);
  await rejected(invoke(irisEp.url, '  \n'), /empty request body/);
  await rejected(invoke(irisEp.url, '', 'text/csv'), /empty request body/);
  await rejected(invoke(irisEp.url, '{"inputs": [[5.1, 3.5'), /malformed JSON body/);
  await rejected(invoke(irisEp.url, '[[5.1, 3.5, 1.4, 0.2]]'), /must be an object with one of dataframe_split, dataframe_records, instances, inputs/);
  await rejected(invoke(irisEp.url, { data: iris.input }), /exactly one of .*\(got data\)/);
  await rejected(invoke(irisEp.url, { inputs: iris.input, instances: iris.input }), /exactly one of .*\(got instances, inputs\)/);
  await rejected(invoke(irisEp.url, { inputs: [] }), /'inputs' must be a non-empty list/);
  await rejected(invoke(irisEp.url, { dataframe_split: { columns: ['a'], data: [] } }), /empty input: no rows/);
  await rejected(invoke(irisEp.url, { dataframe_split: { columns: ['a'] } }), /dataframe_split needs 'data'/);
  await rejected(invoke(irisEp.url, { dataframe_records: [[5.1, 3.5, 1.4, 0.2]] }), /dataframe_records must be a list of objects/);
});

test(`a body over MAX_BODY_BYTES (${MAX_BODY_BYTES}) is a 400 that says so; one just under it scores`, async () => {
  const big = Buffer.alloc(MAX_BODY_BYTES + 1024, 0x20);
  big.write('{"inputs": [[5.1, 3.5, 1.4, 0.2]]}');
  await rejected(request(irisEp.url, 'POST', '/invocations', big, { 'Content-Type': 'application/json' }), new RegExp(`exceeds ${MAX_BODY_BYTES} bytes`));
  // ~150,000 rows: about 15 MB of JSON, under the limit.
  const rows = Array.from({ length: 150_000 }, (_, i) => iris.input[i % 7]);
  const body = JSON.stringify({ inputs: rows });
  assert.ok(body.length < MAX_BODY_BYTES && body.length > MAX_BODY_BYTES * 0.5, `${body.length} bytes`);
  const p = predictions(await invoke(irisEp.url, body));
  assert.equal(p.label.length, rows.length);
  assert.deepEqual(p.label.slice(0, 14), [...iris.label, ...iris.label]);
});

test('a Host header other than loopback is refused with 403 (DNS rebinding)', async () => {
  for (const host of ['evil.example', 'evil.example:80', '10.0.0.1']) {
    const r = await request(irisEp.url, 'POST', '/invocations', JSON.stringify({ inputs: iris.input }), { Host: host, 'Content-Type': 'application/json' });
    statuses.push(r.status);
    assert.equal(r.status, 403, r.text);
    assert.equal(r.body.error_code, 'PERMISSION_DENIED');
    assert.match(r.body.message, new RegExp(`Host header '${host}' is not allowed`));
  }
  const local = await request(irisEp.url, 'GET', '/ping', undefined, { Host: `localhost:${irisEp.port}` });
  assert.equal(local.status, 200);
});

test('unknown paths and methods are 404 ENDPOINT_NOT_FOUND', async () => {
  for (const [method, p] of [['GET', '/invocations'], ['GET', '/nope'], ['POST', '/nope'], ['PUT', '/invocations'], ['DELETE', '/predict'], ['POST', '/ping']]) {
    const r = await request(irisEp.url, method, p, method === 'GET' || method === 'DELETE' ? undefined : '{}', { 'Content-Type': 'application/json' });
    statuses.push(r.status);
    assert.equal(r.status, 404, `${method} ${p}: ${r.text}`);
    assert.equal(r.body.error_code, 'ENDPOINT_NOT_FOUND');
    assert.match(r.body.message, /POST \/invocations or \/predict/);
  }
});

test('after all of the above the endpoints still answer, and no 500 was ever returned', async () => {
  assert.ok(statuses.length > 30, `${statuses.length} bad requests sent`);
  assert.ok(statuses.every(s => s >= 400 && s < 500), `statuses: ${[...new Set(statuses)].join(', ')}`);
  assertIris(predictions(await invoke(irisEp.url, { inputs: iris.input })));
  assert.deepEqual(predictions(await invoke(multiEp.url, { inputs: multi.inputs })).not_flag, multi.outputs.not_flag);
  assert.equal((await get(irisEp.url, '/ping')).status, 200);
  const m = await get(irisEp.url, '/metrics');
  assert.doesNotMatch(m.text, /code="5\d\d"/);
});

test('values out of range for the element type: a 400 naming the input, never a wrapped or null prediction', async () => {
  await rejected(invoke(multiEp.url, withInput('count', [[1], [1e30], [2], [3]])), /input 'count': 1e\+30 is out of range|input 'count': .*beyond 2\^53/);
  await rejected(invoke(multiEp.url, withInput('count', [[1], [2 ** 60], [2], [3]])), /input 'count': .*beyond 2\^53 and would lose precision/);
  await rejected(invoke(multiEp.url, withInput('count', [[1], ['99999999999999999999'], [2], [3]])), /input 'count': 99999999999999999999 is out of range for int64/);
  await rejected(invoke(irisEp.url, '{"inputs": [[1e400, 3.5, 1.4, 0.2]]}'), /input 'input': value Infinity at flat index 0 is out of range for float32/);
  await rejected(invoke(irisEp.url, { inputs: [[1e39, 3.5, 1.4, 0.2]] }), /input 'input': value 1e\+39 .* out of range for float32/);
  await rejected(invoke(multiEp.url, withInput('scale', [[1], ['-Infinity'], [0], [1]])), /input 'scale': value -Infinity .* out of range for float64/);
});

test('shape mistakes in dataframe formats are named: a row that is not a list, a record that lacks a column', async () => {
  await rejected(invoke(irisEp.url, { dataframe_split: { data: [5] } }), /dataframe_split 'data' must be a list of rows \(lists\); row 0 is 5/);
  const records = ROWS.map((r, i) => (i === 2 ? { x: r.x, scale: r.scale, count: r.count } : r));
  await rejected(invoke(multiEp.url, { dataframe_records: records }), /dataframe_records record 2 lacks 'flag'/);
  await rejected(invoke(irisEp.url, 'a,b\n"unterminated,1\n', 'text/csv'), /malformed CSV body/);
});
