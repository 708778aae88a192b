// Opens the workspace tracking store: <workspace>/.mlops/tracking.db, WAL, busy_timeout, foreign keys,
// numbered migrations each in one transaction. Refuses (never repairs) corrupt, foreign or newer files.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { StoreError } from '../errors';
import m0001 from './migrations/0001_tracking.sql';
import m0002 from './migrations/0002_metric_tiles.sql';
import m0003 from './migrations/0003_registry.sql';
import m0004 from './migrations/0004_serving_log.sql';
import m0005 from './migrations/0005_pipeline.sql';
import m0006 from './migrations/0006_drift.sql';

export type Db = Database.Database;

/** Ordered migrations; index + 1 is the schema version it brings the database to. */
export const MIGRATIONS: { name: string; sql: string }[] = [
  { name: '0001_tracking', sql: m0001 },
  { name: '0002_metric_tiles', sql: m0002 },
  { name: '0003_registry', sql: m0003 },
  { name: '0004_serving_log', sql: m0004 },
  { name: '0005_pipeline', sql: m0005 },
  { name: '0006_drift', sql: m0006 },
];
export const SCHEMA_VERSION = MIGRATIONS.length;
const APPLICATION_ID = 0x4d4c4f50; // "MLOP"

export interface StorePaths {
  root: string; // <workspace>/.mlops
  db: string;
  artifacts: string;
}

export function storePaths(workspace: string): StorePaths {
  const root = path.join(path.resolve(workspace), '.mlops');
  return { root, db: path.join(root, 'tracking.db'), artifacts: path.join(root, 'artifacts') };
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

function checkHeader(file: string): void {
  if (!fs.existsSync(file)) return;
  const st = fs.statSync(file);
  if (!st.isFile()) throw new StoreError(`${file} is not a file`, file);
  if (st.size === 0) return; // an empty file is a fresh database to SQLite
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    fs.readSync(fd, head, 0, 16, 0);
    if (!head.equals(SQLITE_MAGIC)) {
      throw new StoreError(`${file} is not an SQLite database (bad header); it was left untouched`, file);
    }
  } finally {
    fs.closeSync(fd);
  }
}

export interface OpenOptions {
  readonly?: boolean;
  /** Create .mlops/ and the database when missing (default true). */
  create?: boolean;
}

export function openDb(file: string, opts: OpenOptions = {}): Db {
  const create = opts.create ?? true;
  checkHeader(file);
  if (!fs.existsSync(file) && !create) throw new StoreError(`no tracking store at ${file}: run \`mlops init\` in the workspace (or pass -w DIR)`, file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: !create });
  } catch (e) {
    throw new StoreError(`cannot open ${file}: ${(e as Error).message}`, file);
  }
  try {
    db.pragma('busy_timeout = 10000');
    const version = probe(db, file); // reads only: a corrupt or foreign file fails before any write
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL'); // durable against process crashes (WAL), fast
    }
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -65536');
    db.pragma('mmap_size = 268435456');
    db.pragma('temp_store = MEMORY');
    if (!opts.readonly) db.pragma('wal_autocheckpoint = 10000'); // fewer, larger checkpoints: cheaper single-row commits
    if (!opts.readonly) migrate(db, version);
    return db;
  } catch (e) {
    db.close();
    if (e instanceof StoreError) throw e;
    const msg = (e as Error).message;
    throw new StoreError(`${file} cannot be used as a tracking store: ${msg}; it was left untouched`, file);
  }
}

function probe(db: Db, file: string): number {
  // Reading the schema forces SQLite to parse the file header and first page.
  db.prepare('SELECT count(*) FROM sqlite_master').get();
  const version = db.pragma('user_version', { simple: true }) as number;
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      `${file} has schema version ${version}, newer than this MLOps Workbench understands (${SCHEMA_VERSION}); ` +
        'upgrade the extension — the file was left untouched', file);
  }
  const tables = (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n;
  if ((version > 0 || tables > 0) && appId !== APPLICATION_ID) {
    throw new StoreError(`${file} is an SQLite database of another application; it was left untouched`, file);
  }
  return version;
}

function migrate(db: Db, version: number): void {
  for (let v = version; v < SCHEMA_VERSION; v++) {
    const m = MIGRATIONS[v];
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
