// Every request format of MLflow's scoring protocol, through a real endpoint over HTTP, gives the reference
// predictions: iris (one [N,4] input), multi-input (float32, float64, int64, bool) and string-echo.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ECHO, IRIS, MULTI, assertIris, invoke, iris, multi, predictions, serve, type Served } from '../../../helpers/serving';

const COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const ROWS = iris.input.map((_, i) => i);
let irisEp: Served;
let multiEp: Served;
let echoEp: Served;

before(async () => {
  [irisEp, multiEp, echoEp] = await Promise.all([serve(IRIS), serve(MULTI), serve(ECHO)]);
});
after(async () => {
  await Promise.all([irisEp, multiEp, echoEp].map(s => s?.close()));
});

test('iris: inputs as a list of rows', async () => {
  assertIris(predictions(await invoke(irisEp.url, { inputs: iris.input })));
});

test('iris: inputs as a dict naming the one input, and a single row', async () => {
  assertIris(predictions(await invoke(irisEp.url, { inputs: { input: iris.input } })));
  assertIris(predictions(await invoke(irisEp.url, { inputs: [iris.input[4]] })), [4]);
});

test('iris: instances', async () => {
  assertIris(predictions(await invoke(irisEp.url, { instances: iris.input })));
});

test('iris: dataframe_split with feature column names (all columns into the one input)', async () => {
  assertIris(predictions(await invoke(irisEp.url, { dataframe_split: { columns: COLUMNS, data: iris.input } })));
});

test('iris: dataframe_split without columns', async () => {
  assertIris(predictions(await invoke(irisEp.url, { dataframe_split: { data: iris.input } })));
});

test("iris: dataframe_split whose one column is named like the input ('input': a list of 4 per row)", async () => {
  assertIris(predictions(await invoke(irisEp.url, { dataframe_split: { columns: ['input'], data: iris.input.map(r => [r]) } })));
});

test('iris: dataframe_split with the pandas "index" key', async () => {
  assertIris(predictions(await invoke(irisEp.url, { dataframe_split: { index: ROWS, columns: COLUMNS, data: iris.input } })));
});

test('iris: dataframe_records', async () => {
  const records = iris.input.map(r => Object.fromEntries(COLUMNS.map((c, j) => [c, r[j]])));
  assertIris(predictions(await invoke(irisEp.url, { dataframe_records: records })));
});

test('iris: text/csv with a header line', async () => {
  const csv = [COLUMNS.join(','), ...iris.input.map(r => r.join(','))].join('\n') + '\n';
  assertIris(predictions(await invoke(irisEp.url, csv, 'text/csv')));
  assertIris(predictions(await invoke(irisEp.url, csv.replace(/\n/g, '\r\n'), 'text/csv; charset=utf-8')));
});

test('iris: /predict answers like /invocations', async () => {
  assertIris(predictions(await invoke(irisEp.url, { instances: iris.input }, 'application/json', '/predict')));
  assertIris(predictions(await invoke(irisEp.url, { dataframe_split: { columns: COLUMNS, data: iris.input } }, 'application/json', '/predict')));
});

test('iris: numbers sent as numeric strings and a JSON content type with charset still score', async () => {
  const strings = iris.input.map(r => r.map(String));
  assertIris(predictions(await invoke(irisEp.url, { inputs: strings }, 'application/json; charset=utf-8')));
});

/** Every one of the five outputs equals the reference exactly (the fixture values are exact in float32). */
function assertMulti(p: any, rows = [0, 1, 2, 3]): void {
  assert.deepEqual(Object.keys(p), ['y', 'scaled', 'count_plus', 'not_flag', 'total']);
  for (const k of Object.keys(multi.outputs) as (keyof typeof multi.outputs)[]) assert.deepEqual(p[k], rows.map(i => multi.outputs[k][i]), k);
  if (rows.includes(3)) assert.equal(p.count_plus[rows.indexOf(3)][0], 9007199254740991);
  assert.equal(typeof p.not_flag[0][0], 'boolean');
}

const ROW_VALUES = multi.inputs.x.map((x, i) => ({ x, scale: multi.inputs.scale[i][0], count: multi.inputs.count[i][0], flag: multi.inputs.flag[i][0] }));

test('multi-input: inputs as a dict of named tensors', async () => {
  assertMulti(predictions(await invoke(multiEp.url, { inputs: multi.inputs })));
});

test('multi-input: a dict of named tensors with [N] columns for the [N,1] inputs', async () => {
  const { x, scale, count, flag } = multi.inputs;
  assertMulti(predictions(await invoke(multiEp.url, { inputs: { x, scale: scale.flat(), count: count.flat(), flag: flag.flat() } })));
});

test('multi-input: dataframe_records with one column per input (x a list of 3)', async () => {
  assertMulti(predictions(await invoke(multiEp.url, { dataframe_records: ROW_VALUES })));
});

test('multi-input: dataframe_split with one column per input, in any column order', async () => {
  const columns = ['flag', 'count', 'x', 'scale'];
  const data = ROW_VALUES.map(r => columns.map(c => r[c as keyof typeof r]));
  assertMulti(predictions(await invoke(multiEp.url, { dataframe_split: { columns, data } })));
});

test('multi-input: instances as records, and one row alone', async () => {
  assertMulti(predictions(await invoke(multiEp.url, { instances: ROW_VALUES })));
  assertMulti(predictions(await invoke(multiEp.url, { dataframe_records: [ROW_VALUES[3]] })), [3]);
});

test('multi-input: booleans sent as 0/1 score like true/false', async () => {
  const flag = multi.inputs.flag.map(([f]) => [f ? 1 : 0]);
  assertMulti(predictions(await invoke(multiEp.url, { inputs: { ...multi.inputs, flag } })));
});

test('string-echo: strings round-trip, including empty and non-ASCII', async () => {
  const text = ['hello', '', 'naïve café ✓', 'a,b "quoted"', '日本語'];
  assert.deepEqual(predictions(await invoke(echoEp.url, { inputs: { text: text.map(t => [t]) } })), text.map(t => [t]));
  assert.deepEqual(predictions(await invoke(echoEp.url, { dataframe_records: text.map(t => ({ text: t })) })), text.map(t => [t]));
  assert.deepEqual(predictions(await invoke(echoEp.url, { instances: text })), text.map(t => [t]));
});

test('string-echo: a number where a string is expected is a 400 naming the input', async () => {
  const r = await invoke(echoEp.url, { inputs: { text: [['ok'], [42]] } });
  assert.equal(r.status, 400);
  assert.match(r.body.message, /input 'text' expects strings \(string\), got 42/);
});

test('iris: plain numbers (fast path) and the same rows with numeric strings and nulls (general path) agree', async () => {
  const plain = predictions(await invoke(irisEp.url, { inputs: iris.input })) as Record<string, unknown>;
  const mixed = iris.input.map((r, i) => (i === 3 ? r.map(String) : r));
  assert.deepEqual(predictions(await invoke(irisEp.url, { inputs: mixed })), plain);
  // A null is NaN, as in the general path: the model still answers, and the row count stays.
  const withNull = predictions(await invoke(irisEp.url, { inputs: [[null, 3.5, 1.4, 0.2], iris.input[1]] })) as { label: unknown[] };
  assert.equal(withNull.label.length, 2);
});

test('text/csv: quoted fields with commas and quotes; a string input keeps "123" as text; bools and empty floats', async () => {
  const csv = 'text\n"hello, world"\n"say ""hi"""\n123\n';
  assert.deepEqual(predictions(await invoke(echoEp.url, csv, 'text/csv')), [['hello, world'], ['say "hi"'], ['123']]);
  // Numbers from CSV text, CRLF line ends and a quoted header: the reference iris answers.
  assertIris(predictions(await invoke(irisEp.url, `"a","b","c","d"\r\n${iris.input.map(r => r.join(',')).join('\r\n')}\r\n`, 'text/csv')));
});

test('int64 as a string of digits beyond 2^53 is exact; bool cells "true"/"false" from CSV-like strings', async () => {
  const rows = multi.inputs.x.length;
  const r = predictions(await invoke(multiEp.url, { inputs: { ...multi.inputs, count: multi.inputs.count.map(c => [String(c[0])]), flag: multi.inputs.flag.map(f => [String(f[0])]) } }));
  assert.deepEqual(r.count_plus, multi.outputs.count_plus);
  assert.deepEqual(r.not_flag, multi.outputs.not_flag);
  assert.equal(r.count_plus.length, rows);
});
