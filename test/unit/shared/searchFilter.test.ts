// MLflow search grammar: operators, AND chains, quoting, entity aliases, attributes, IN, IS NULL,
// numeric vs string rules, errors with offsets, and order_by clauses.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FilterSyntaxError, parseFilter, parseOrderBy, type Attributes } from '../../../src/shared/searchFilter';

const one = (filter: string, attrs?: Attributes) => {
  const out = parseFilter(filter, attrs);
  assert.equal(out.length, 1, filter);
  return out[0];
};
/** Asserts a FilterSyntaxError at `offset` whose message matches `msg`. */
function fails(filter: string, offset: number, msg: RegExp, attrs?: Attributes): void {
  assert.throws(() => parseFilter(filter, attrs), (e: unknown) => {
    assert.ok(e instanceof FilterSyntaxError, `FilterSyntaxError for ${filter}: ${String(e)}`);
    assert.match(e.message, msg);
    assert.equal(e.offset, offset, `offset for ${JSON.stringify(filter)}: ${e.message}`);
    return true;
  });
}

describe('parseFilter: comparisons', () => {
  test('empty filters are no filter', () => {
    for (const f of ['', '   ', undefined, null]) assert.deepEqual(parseFilter(f), []);
  });

  test('every comparator on metrics', () => {
    const ops: [string, string][] = [['=', '='], ['==', '='], ['!=', '!='], ['<>', '!='], ['>', '>'], ['>=', '>='], ['<', '<'], ['<=', '<=']];
    for (const [written, op] of ops) {
      assert.deepEqual(one(`metrics.acc ${written} 0.9`), { entity: 'metric', key: 'acc', op, value: 0.9 });
      assert.deepEqual(one(`metrics.acc${written}0.9`), { entity: 'metric', key: 'acc', op, value: 0.9 }, 'without spaces');
    }
  });

  test('string comparators on params, tags and string attributes', () => {
    assert.deepEqual(one("params.model = 'cnn'"), { entity: 'param', key: 'model', op: '=', value: 'cnn' });
    assert.deepEqual(one('params.model != "cnn"'), { entity: 'param', key: 'model', op: '!=', value: 'cnn' });
    assert.deepEqual(one("tags.t LIKE 'x%'"), { entity: 'tag', key: 't', op: 'LIKE', value: 'x%' });
    assert.deepEqual(one("tags.t ilike 'X%'"), { entity: 'tag', key: 't', op: 'ILIKE', value: 'X%' });
    assert.deepEqual(one("attributes.status = 'FINISHED'"), { entity: 'attribute', key: 'status', op: '=', value: 'FINISHED' });
    assert.deepEqual(one("tags.t = 'it\\'s'"), { entity: 'tag', key: 't', op: '=', value: "it's" }, 'escaped quote');
    assert.deepEqual(one("tags.t = ''"), { entity: 'tag', key: 't', op: '=', value: '' });
  });

  test('numbers: signs, exponents, and numeric strings for numeric targets', () => {
    assert.equal(one('metrics.loss < -1e-3').value, -0.001);
    assert.equal(one('metrics.loss > +2').value, 2);
    assert.equal(one('metrics.loss > .5').value, 0.5);
    assert.equal(one("metrics.loss = '0.25'").value, 0.25);
    assert.equal(one('attributes.start_time >= 1700000000000').value, 1700000000000);
    assert.equal(one("attributes.end_time < '5'").value, 5);
  });

  test('IN and NOT IN lists', () => {
    assert.deepEqual(one(`params.p IN ('a', "b", 'c d')`), { entity: 'param', key: 'p', op: 'IN', value: ['a', 'b', 'c d'] });
    assert.deepEqual(one("tags.t not in ('x')"), { entity: 'tag', key: 't', op: 'NOT IN', value: ['x'] });
    assert.deepEqual(one("attributes.run_id IN ('r1','r2')").value, ['r1', 'r2']);
    assert.deepEqual(one('params.p IN (1, 2)').value, ['1', '2'], 'numbers in a string list become strings');
  });

  test('IS NULL and IS NOT NULL', () => {
    assert.deepEqual(one('metrics.acc IS NULL'), { entity: 'metric', key: 'acc', op: 'IS NULL', value: null });
    assert.deepEqual(one('tags.t is not null'), { entity: 'tag', key: 't', op: 'IS NOT NULL', value: null });
  });

  test('AND chains, case-insensitive', () => {
    const out = parseFilter("metrics.acc > 0.9 AND params.model = 'cnn' and tags.`a b` LIKE 'x%' AnD attributes.status != 'FAILED'");
    assert.deepEqual(out.map(c => [c.entity, c.key, c.op]), [
      ['metric', 'acc', '>'], ['param', 'model', '='], ['tag', 'a b', 'LIKE'], ['attribute', 'status', '!='],
    ]);
  });
});

describe('parseFilter: identifiers', () => {
  test('backticked and double-quoted keys, keys with dots, slashes, dashes and colons', () => {
    assert.equal(one('metrics.`my metric` > 1').key, 'my metric');
    assert.equal(one("tags.`a.b c` = 'x'").key, 'a.b c');
    assert.equal(one('params."lr rate" = \'0.1\'').key, 'lr rate');
    assert.equal(one('metrics.train/loss < 1').key, 'train/loss');
    assert.equal(one("tags.mlflow.runName = 'x'").key, 'mlflow.runName');
    assert.equal(one("params.opt-lr:v2 = 'x'").key, 'opt-lr:v2');
  });

  test('entity aliases', () => {
    const cases: [string, string][] = [
      ['metric', 'metric'], ['metrics', 'metric'], ['METRICS', 'metric'], ['param', 'param'], ['params', 'param'],
      ['parameter', 'param'], ['parameters', 'param'], ['tag', 'tag'], ['tags', 'tag'], ['Tags', 'tag'],
    ];
    for (const [alias, entity] of cases) {
      const value = entity === 'metric' ? '1' : "'v'";
      assert.equal(one(`${alias}.k = ${value}`).entity, entity, alias);
    }
    for (const alias of ['attribute', 'attributes', 'attr', 'run', 'ATTRIBUTES']) {
      assert.deepEqual(one(`${alias}.run_name = 'x'`), { entity: 'attribute', key: 'run_name', op: '=', value: 'x' }, alias);
    }
    assert.deepEqual(one("datasets.name = 'train'"), { entity: 'dataset', key: 'name', op: '=', value: 'train' });
    assert.equal(one("dataset.context = 'training'").key, 'context');
  });

  test('attribute whitelist and aliases', () => {
    assert.deepEqual(one("run_name = 'x'"), { entity: 'attribute', key: 'run_name', op: '=', value: 'x' }, 'bare attribute');
    assert.equal(one("attributes.run_uuid = 'r'").key, 'run_id');
    assert.equal(one('attributes.Created > 5').key, 'created');
    assert.equal(one('`run name` = \'x\'').key, 'run_name');
    for (const a of ['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'lifecycle_stage']) assert.equal(one(`attributes.${a} = 'x'`).key, a);
    for (const a of ['start_time', 'end_time', 'created', 'duration']) assert.equal(one(`attributes.${a} > 1`).value, 1);
    fails("attributes.bogus = 'x'", 0, /invalid attribute "bogus".*valid: run_id/);
    fails("bogus = 'x'", 0, /invalid identifier "bogus"/);
    fails('datasets.size = 1', 0, /invalid dataset attribute/);
  });

  test('custom attribute sets (experiments)', () => {
    const attrs: Attributes = { strings: ['name'], numbers: ['creation_time'] };
    assert.deepEqual(one("name LIKE 'x%'", attrs), { entity: 'attribute', key: 'name', op: 'LIKE', value: 'x%' });
    assert.equal(one('attributes.creation_time > 5', attrs).value, 5);
    fails("attributes.run_name = 'x'", 0, /invalid attribute/, attrs);
  });
});

describe('parseFilter: type rules and errors with offsets', () => {
  test('numeric targets need numbers; string targets need quoted strings', () => {
    fails("metrics.acc = 'high'", 14, /expected a number/);
    fails('metrics.acc LIKE 1', 12, /LIKE is not supported/);
    fails('attributes.start_time ILIKE 1', 22, /ILIKE is not supported for attribute start_time/);
    fails("metrics.acc IN ('1')", 12, /IN is not supported for numeric/);
    fails('params.p = 1', 11, /expected a quoted string/);
    fails('tags.t = cnn', 9, /expected a quoted string/);
    fails("tags.t > 'a'", 7, /comparator > is not supported for tags/);
    fails("params.p <= 'a'", 9, /comparator <= is not supported/);
  });

  test('syntax errors point at the offending offset', () => {
    fails("params.p = 'abc", 11, /unterminated string/);
    fails('metrics.`acc > 1', 8, /unterminated backtick/);
    fails('metrics.a > 1 OR metrics.b < 2', 14, /OR is not supported/);
    fails('metrics.acc >', 13, /expected a number/);
    fails('metrics.acc', 11, /expected a comparator/);
    fails('foo.bar = 1', 0, /invalid entity type "foo"/);
    fails('metrics.a > 1 metrics.b > 2', 14, /expected AND/);
    fails('metrics.a > 1 AND', 17, /expected an identifier/);
    fails('metrics.a > 1 ;', 14, /unexpected character ";"/);
    fails("= 'x'", 0, /expected an identifier/);
    fails('metrics. > 1', 8, /expected a key/);
    fails('tags.t IS 1', 10, /expected NULL or NOT NULL/);
    fails("params.p IN 'a'", 12, /expected "\("/);
    fails('params.p IN ()', 13, /expected a quoted string/);
    fails("params.p IN ('a' 'b')", 17, /expected "," or "\)"/);
    fails("params.p IN ('a',", 17, /expected a quoted string/);
  });
});

describe('parseOrderBy', () => {
  test('identifiers with an optional direction', () => {
    assert.deepEqual(parseOrderBy('metrics.acc'), { entity: 'metric', key: 'acc', ascending: true });
    assert.deepEqual(parseOrderBy('metrics.acc DESC'), { entity: 'metric', key: 'acc', ascending: false });
    assert.deepEqual(parseOrderBy('params.`lr rate` asc'), { entity: 'param', key: 'lr rate', ascending: true });
    assert.deepEqual(parseOrderBy('attributes.start_time DESC'), { entity: 'attribute', key: 'start_time', ascending: false });
    assert.deepEqual(parseOrderBy('start_time'), { entity: 'attribute', key: 'start_time', ascending: true });
    assert.deepEqual(parseOrderBy('tags.mlflow.runName desc'), { entity: 'tag', key: 'mlflow.runName', ascending: false });
    assert.deepEqual(parseOrderBy('name DESC', { strings: ['name'], numbers: [] }), { entity: 'attribute', key: 'name', ascending: false });
  });

  test('bad clauses', () => {
    const bad = (clause: string, msg: RegExp) => assert.throws(() => parseOrderBy(clause), (e: unknown) => e instanceof FilterSyntaxError && msg.test(e.message), clause);
    bad('metrics.acc SIDEWAYS', /expected ASC or DESC/);
    bad('metrics.acc DESC extra', /expected ASC or DESC/);
    bad('metrics.acc > 1', /expected ASC or DESC/);
    bad('', /expected an identifier/);
    bad("'metrics.acc'", /expected an identifier/);
    bad('bogus.x', /invalid entity type/);
    bad('attributes.nope', /invalid attribute/);
  });
});
