// Run search SQL: LIKE → GLOB translation, and filter values / keys always bound, never spliced.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { compileRunSearch, likeToGlob, searchRuns } from '../../../../src/engine/store/runSearchSql';
import { parseFilter, parseOrderBy } from '../../../../src/shared/searchFilter';
import { openEngine } from '../../../helpers/workspace';

describe('likeToGlob', () => {
  test('translates wildcards and escapes GLOB metacharacters', () => {
    assert.equal(likeToGlob('a%b_c'), 'a*b?c');
    assert.equal(likeToGlob('%'), '*');
    assert.equal(likeToGlob('x*y?z'), 'x[*]y[?]z');
    assert.equal(likeToGlob('[a]'), '[[]a[]]');
    assert.equal(likeToGlob(''), '');
    assert.equal(likeToGlob('plain-text.1/é'), 'plain-text.1/é');
  });

  test('matches as MLflow LIKE does: case-sensitive, literal metacharacters', () => {
    const db = new Database(':memory:');
    const like = (value: string, pattern: string) =>
      db.prepare('SELECT ? GLOB ?').pluck().get(value, likeToGlob(pattern)) === 1;
    try {
      assert.ok(like('resnet50', 'res%'));
      assert.ok(like('resnet50', '%net__'));
      assert.ok(!like('ResNet50', 'res%'), 'case-sensitive');
      assert.ok(!like('resnet5', '%net__'), '_ is exactly one character');
      assert.ok(like('a*b', 'a*b'));
      assert.ok(!like('axxb', 'a*b'), '* is literal');
      assert.ok(like('a?b', 'a?b'));
      assert.ok(!like('axb', 'a?b'), '? is literal');
      assert.ok(like('v[1]', 'v[1]'));
      assert.ok(!like('v1', 'v[1]'), '[ ] are literal');
      assert.ok(like('', '%'));
    } finally {
      db.close();
    }
  });
});

describe('filter values are bound parameters', () => {
  const EVIL = "'; DROP TABLE runs; --";

  test('the compiled SQL never contains a filter value or key', () => {
    const filter = parseFilter(`tags.\`k'; DROP TABLE tags; --\` = "${EVIL}" AND params.p LIKE "${EVIL}%" AND attributes.run_name IN ("${EVIL}")`);
    const c = compileRunSearch(filter, [parseOrderBy("params.`o'; DROP TABLE params; --` DESC")], 'ALL');
    const sql = [...c.joins, ...c.where, ...c.orderBy].join(' ');
    assert.ok(!sql.includes('DROP'), sql);
    assert.ok(c.args.joins.includes("k'; DROP TABLE tags; --"));
    assert.ok(c.args.joins.includes("o'; DROP TABLE params; --"));
    assert.ok(c.args.where.includes(EVIL));
  });

  test("a value like `'; DROP TABLE runs; --` matches nothing and every table survives", () => {
    const engine = openEngine();
    try {
      const exp = engine.experiments.create('inject', undefined, []);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const run = engine.runs.create({ experimentId: exp, runName: `run-${i}`, tags: [{ key: 't', value: `v${i}` }] });
        engine.runData.logBatch(run.info.run_id, { metrics: [{ key: 'acc', value: i, step: 0, timestamp: 1 }], params: [{ key: 'p', value: `x${i}` }], tags: [] });
        ids.push(run.info.run_id);
      }
      const schema = () => engine.store.db.prepare('SELECT name, sql FROM sqlite_master ORDER BY name').all();
      const before = schema();
      const search = (filter: string) => engine.search.search({ experimentIds: [exp], filter }).runs;
      for (const filter of [
        `tags.t = "${EVIL}"`, `params.p = "${EVIL}"`, `params.p LIKE "%${EVIL}"`, `tags.t ILIKE "${EVIL}"`,
        `attributes.run_name = "${EVIL}"`, `attributes.run_id IN ("${EVIL}", "x")`, `tags.\`${EVIL}\` = "v1"`,
        `params."${EVIL}" = "x1"`, `datasets.name = "${EVIL}"`, `metrics.\`${EVIL}\` > 0`,
      ]) {
        assert.deepEqual(search(filter), [], filter);
      }
      assert.deepEqual(schema(), before, 'schema unchanged');
      assert.equal(engine.store.db.prepare('SELECT count(*) FROM runs').pluck().get(), 3);
      assert.equal(search("tags.t = 'v1'").length, 1, 'ordinary filters still work');
      assert.equal(search("params.p LIKE 'x%'").length, 3);

      // A tag whose value is literally the hostile text is found by exact match: bound, not escaped.
      engine.runData.setTag(ids[0], 'note', EVIL);
      assert.deepEqual(search(`tags.note = "${EVIL}"`).map(r => r.info.run_id), [ids[0]]);
      assert.deepEqual(search(`tags.note LIKE "%DROP TABLE%"`).map(r => r.info.run_id), [ids[0]]);
    } finally {
      engine.close();
    }
  });

  test('searchRuns binds experiment ids, limit and offset', () => {
    const engine = openEngine();
    try {
      for (let i = 0; i < 5; i++) engine.runs.create({ experimentId: '0', startTime: 1000 + i, tags: [] });
      const c = compileRunSearch([], [], 'ACTIVE_ONLY');
      const page = searchRuns(engine.store.db, [0], c, 2, 1);
      assert.deepEqual(page.map(r => r.start_time), [1003, 1002]);
      assert.deepEqual(searchRuns(engine.store.db, [999], c, 10, 0), []);
    } finally {
      engine.close();
    }
  });
});
