// Opening the tracking store: migrations, pragmas, and refusal (without touching a byte) of files it
// cannot use — newer schema, not SQLite, another application's database, corrupt pages.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION, openDb, storePaths } from '../../../../src/engine/store/db';
import { StoreError } from '../../../../src/engine/errors';
import { openEngine, tempWorkspace } from '../../../helpers/workspace';

const APPLICATION_ID = 0x4d4c4f50; // "MLOP"
const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** A workspace whose .mlops/tracking.db holds exactly `bytes`. */
function workspaceWith(bytes: Buffer | string): { ws: string; file: string } {
  const ws = tempWorkspace();
  const file = storePaths(ws).db;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  return { ws, file };
}

/** A real, populated store file (several pages), closed. */
function populatedStore(): { ws: string; file: string } {
  const ws = tempWorkspace();
  const engine = openEngine(ws);
  const run = engine.runs.create({ experimentId: '0', tags: [{ key: 't', value: 'v' }] });
  const metrics = Array.from({ length: 999 }, (_, i) => ({ key: `m${i % 5}`, value: i / 3, step: i, timestamp: 1000 + i }));
  engine.runData.logBatch(run.info.run_id, { metrics, params: [{ key: 'p', value: 'x' }], tags: [] });
  engine.close();
  return { ws, file: storePaths(ws).db };
}

/** Asserts that opening throws a StoreError naming the file, matching `msg`, with the file unchanged. */
function assertRefused(open: () => unknown, file: string, msg: RegExp): void {
  const before = sha(file);
  const size = fs.statSync(file).size;
  assert.throws(open, (e: unknown) => {
    assert.ok(e instanceof StoreError, `StoreError expected, got ${String(e)}`);
    assert.equal(e.file, file);
    assert.ok(e.message.includes(file), `message names the file: ${e.message}`);
    assert.match(e.message, msg);
    return true;
  });
  assert.equal(fs.statSync(file).size, size);
  assert.equal(sha(file), before, 'file bytes unchanged');
}

describe('openDb: fresh and existing stores', () => {
  test('migrations bring a new database to SCHEMA_VERSION with the application id', () => {
    const file = storePaths(tempWorkspace()).db;
    const db = openDb(file);
    try {
      assert.equal(SCHEMA_VERSION, MIGRATIONS.length);
      assert.ok(SCHEMA_VERSION >= 1);
      assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      assert.equal(db.pragma('application_id', { simple: true }), APPLICATION_ID);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
      for (const t of ['experiments', 'runs', 'params', 'tags', 'metrics', 'latest_metrics', 'logged_models']) assert.ok(tables.includes(t), t);
    } finally {
      db.close();
    }
  });

  test('WAL mode, foreign keys on, busy_timeout set', () => {
    const db = openDb(storePaths(tempWorkspace()).db);
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
      assert.ok((db.pragma('busy_timeout', { simple: true }) as number) >= 1000);
      assert.throws(() => db.prepare("INSERT INTO params (run_uuid, key, value) VALUES ('no-such-run', 'k', 'v')").run(), /FOREIGN KEY/);
    } finally {
      db.close();
    }
  });

  test('reopening is idempotent: same schema, same version, data kept', () => {
    const { ws, file } = populatedStore();
    const schema = () => {
      const db = new Database(file, { readonly: true });
      try { return db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all(); } finally { db.close(); }
    };
    const first = schema();
    for (let i = 0; i < 3; i++) {
      const engine = openEngine(ws);
      assert.equal(engine.store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      assert.equal(engine.experiments.search({ viewType: 'ALL' }).experiments.length, 1, 'no second default experiment');
      assert.equal((engine.store.db.prepare('SELECT count(*) FROM metrics').pluck().get() as number), 999);
      engine.close();
    }
    assert.deepEqual(schema(), first);
  });

  test('an empty file is a fresh database', () => {
    const { ws, file } = workspaceWith(Buffer.alloc(0));
    const engine = openEngine(ws);
    engine.close();
    const db = new Database(file, { readonly: true });
    try { assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION); } finally { db.close(); }
  });

  test('create: false on a missing store refuses without creating anything', () => {
    const ws = tempWorkspace();
    const file = storePaths(ws).db;
    assert.throws(() => openDb(file, { create: false }), (e: unknown) => e instanceof StoreError && e.file === file && /no tracking store/.test(e.message));
    assert.equal(fs.existsSync(path.dirname(file)), false);
  });
});

describe('openDb: files it must refuse, untouched', () => {
  test('a schema version newer than the code', () => {
    const { file } = populatedStore();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    assertRefused(() => openDb(file), file, new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than .*\\(${SCHEMA_VERSION}\\)`));
    assertRefused(() => openDb(file, { readonly: true }), file, /newer/);
  });

  test('random bytes at .mlops/tracking.db', () => {
    const { ws, file } = workspaceWith(crypto.randomBytes(8192));
    assertRefused(() => openEngine(ws), file, /not an SQLite database/);
  });

  test('a text file at .mlops/tracking.db', () => {
    const { ws, file } = workspaceWith('experiment,run,metric\nexp1,r1,0.5\n');
    assertRefused(() => openEngine(ws), file, /not an SQLite database/);
  });

  test('a file shorter than the SQLite header', () => {
    const { ws, file } = workspaceWith('SQLite');
    assertRefused(() => openEngine(ws), file, /not an SQLite database/);
  });

  test('a directory where the database should be', () => {
    const ws = tempWorkspace();
    const file = storePaths(ws).db;
    fs.mkdirSync(file, { recursive: true });
    assert.throws(() => openEngine(ws), (e: unknown) => e instanceof StoreError && e.message.includes(file));
    assert.ok(fs.statSync(file).isDirectory());
  });

  test('an SQLite database of another application (tables, no application_id)', () => {
    const { ws, file } = workspaceWith(Buffer.alloc(0));
    const raw = new Database(file);
    raw.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me');");
    raw.close();
    assertRefused(() => openEngine(ws), file, /another application/);
  });

  test('another application that happens to use user_version', () => {
    const { ws, file } = workspaceWith(Buffer.alloc(0));
    const raw = new Database(file);
    raw.exec('CREATE TABLE experiments (id INTEGER PRIMARY KEY)');
    raw.pragma('user_version = 1');
    raw.close();
    assertRefused(() => openEngine(ws), file, /another application/);
  });

  test('valid header, garbage pages', () => {
    const { ws, file } = populatedStore();
    const good = fs.readFileSync(file);
    assert.ok(good.length >= 8 * 4096, 'several pages');
    const bad = crypto.randomBytes(good.length);
    good.copy(bad, 0, 0, 100); // keep the 100-byte database header
    fs.writeFileSync(file, bad);
    assertRefused(() => openEngine(ws), file, /cannot be used as a tracking store/);
  });

  test('first page intact, the rest garbage', () => {
    const { ws, file } = populatedStore();
    const good = fs.readFileSync(file);
    const bad = crypto.randomBytes(good.length);
    good.copy(bad, 0, 0, 4096);
    fs.writeFileSync(file, bad);
    assertRefused(() => openEngine(ws), file, /cannot be used as a tracking store/);
  });

  test('a truncated database', () => {
    for (const keep of [4096, 5000, 3 * 4096]) {
      const { ws, file } = populatedStore();
      fs.truncateSync(file, keep);
      assertRefused(() => openEngine(ws), file, /cannot be used as a tracking store/);
    }
  });
});
