// SQL for pipeline state: stage locks, the file hash cache and stage executions.
// `pipeline` is always the dvc.yaml path relative to the workspace, posix separators.
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Db } from './db';
import type { StageLock } from '../pipeline/types';

/** One cached content hash, valid while size, mtime (ns) and inode are unchanged. */
export interface FileHashRow {
  path: string;
  size: bigint;
  mtimeNs: bigint;
  inode: bigint;
  hash: string;
}

export type ExecutionState = 'running' | 'succeeded' | 'failed' | 'killed';
export interface Execution {
  id: number;
  pipeline: string;
  stage: string;
  runId?: string;
  state: ExecutionState;
  pid?: number;
  startedAt: number;
  endedAt?: number;
  exitCode?: number;
  error?: string;
}

interface ExecRow {
  id: number; pipeline: string; stage: string; run_id: string | null; state: ExecutionState; pid: number | null;
  started_at: number; ended_at: number | null; exit_code: number | null; error: string | null;
}
const toExecution = (r: ExecRow): Execution => ({
  id: r.id, pipeline: r.pipeline, stage: r.stage, runId: r.run_id ?? undefined, state: r.state, pid: r.pid ?? undefined,
  startedAt: r.started_at, endedAt: r.ended_at ?? undefined, exitCode: r.exit_code ?? undefined, error: r.error ?? undefined,
});
interface HashSqlRow { path: string; size: bigint; mtime_ns: bigint; inode: bigint; hash: string }
const toHashRow = (r: HashSqlRow): FileHashRow => ({ path: r.path, size: r.size, mtimeNs: r.mtime_ns, inode: r.inode, hash: r.hash });

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class PipelineRepo {
  private readonly stmts = new Map<string, Database.Statement>();
  constructor(private readonly db: Db) {}

  // Statements are prepared on first use (a read-only store of an older schema never prepares them).
  private st(sql: string, bigints = false): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      if (bigints) s.safeIntegers(true);
      this.stmts.set(sql, s);
    }
    return s;
  }

  // ---- stage locks ----
  getLock(pipeline: string, stage: string): StageLock | undefined {
    const r = this.st('SELECT lock FROM pipeline_locks WHERE pipeline = ? AND stage = ?').get(pipeline, stage) as { lock: string } | undefined;
    return r ? (JSON.parse(r.lock) as StageLock) : undefined;
  }

  putLock(pipeline: string, stage: string, lock: StageLock): void {
    this.st(`INSERT INTO pipeline_locks (pipeline, stage, lock, run_id, finished_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (pipeline, stage) DO UPDATE SET lock = excluded.lock, run_id = excluded.run_id, finished_at = excluded.finished_at`)
      .run(pipeline, stage, JSON.stringify(lock), lock.runId ?? null, lock.finishedAt);
  }

  deleteLock(pipeline: string, stage: string): void {
    this.st('DELETE FROM pipeline_locks WHERE pipeline = ? AND stage = ?').run(pipeline, stage);
  }

  /** Every lock of a pipeline, by stage. */
  locks(pipeline: string): Map<string, StageLock> {
    const rows = this.st('SELECT stage, lock FROM pipeline_locks WHERE pipeline = ?').all(pipeline) as { stage: string; lock: string }[];
    return new Map(rows.map(r => [r.stage, JSON.parse(r.lock) as StageLock]));
  }

  // ---- file hash cache ----
  cachedHash(absPath: string): FileHashRow | undefined {
    const r = this.st('SELECT * FROM file_hashes WHERE path = ?', true).get(absPath) as HashSqlRow | undefined;
    return r && toHashRow(r);
  }

  /** Cached rows of the given paths (absent paths are simply missing from the map); no argument = every row. */
  cachedHashes(paths?: Iterable<string>): Map<string, FileHashRow> {
    const out = new Map<string, FileHashRow>();
    if (!paths) {
      for (const r of this.st('SELECT * FROM file_hashes', true).all() as HashSqlRow[]) out.set(r.path, toHashRow(r));
      return out;
    }
    // One statement for many paths: ~6x cheaper than one lookup each.
    const many = this.st('SELECT * FROM file_hashes WHERE path IN (SELECT value FROM json_each(?))', true);
    const list = [...paths];
    for (let i = 0; i < list.length; i += 5000) {
      for (const r of many.all(JSON.stringify(list.slice(i, i + 5000))) as HashSqlRow[]) out.set(r.path, toHashRow(r));
    }
    return out;
  }

  /** Cached rows of every file below a directory (one index range scan). */
  cachedHashesUnder(absDir: string): Map<string, FileHashRow> {
    const base = absDir.endsWith(path.sep) ? absDir.slice(0, -1) : absDir;
    const lo = base + path.sep;
    const hi = base + String.fromCharCode(path.sep.charCodeAt(0) + 1);
    const rows = this.st('SELECT * FROM file_hashes WHERE path >= ? AND path < ?', true).all(lo, hi) as HashSqlRow[];
    return new Map(rows.map(r => [r.path, toHashRow(r)]));
  }

  /** Upserts rows and deletes `remove` (files gone from a hashed directory) in one transaction. A cache: a
   *  read-only store skips the write. */
  putHashes(rows: Iterable<FileHashRow>, remove: Iterable<string> = []): void {
    if (this.db.readonly) return;
    const ins = this.st(`INSERT INTO file_hashes (path, size, mtime_ns, inode, hash) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, inode = excluded.inode, hash = excluded.hash`);
    const del = this.st('DELETE FROM file_hashes WHERE path = ?');
    this.db.transaction(() => {
      // inode is unsigned 64-bit on some file systems; SQLite integers are signed 64-bit.
      for (const r of rows) ins.run(r.path, r.size, r.mtimeNs, BigInt.asIntN(64, r.inode), r.hash);
      for (const p of remove) del.run(p);
    }).immediate();
  }

  // ---- stage executions ----
  startExecution(e: { pipeline: string; stage: string; runId?: string; pid?: number; startedAt?: number }): number {
    const r = this.st(`INSERT INTO stage_executions (pipeline, stage, run_id, state, pid, started_at) VALUES (?, ?, ?, 'running', ?, ?)`)
      .run(e.pipeline, e.stage, e.runId ?? null, e.pid ?? null, e.startedAt ?? Date.now());
    return Number(r.lastInsertRowid);
  }

  /** Records the pid once the process has been spawned (the row may be created before). */
  setExecutionPid(id: number, pid: number): void {
    this.st('UPDATE stage_executions SET pid = ? WHERE id = ?').run(pid, id);
  }

  finishExecution(id: number, f: { state: Exclude<ExecutionState, 'running'>; exitCode?: number | null; error?: string; endedAt?: number }): void {
    this.st('UPDATE stage_executions SET state = ?, exit_code = ?, error = ?, ended_at = ? WHERE id = ?')
      .run(f.state, f.exitCode ?? null, f.error ?? null, f.endedAt ?? Date.now(), id);
  }

  execution(id: number): Execution | undefined {
    const r = this.st('SELECT * FROM stage_executions WHERE id = ?').get(id) as ExecRow | undefined;
    return r && toExecution(r);
  }

  /** The latest execution of each stage of a pipeline. */
  lastExecutions(pipeline: string): Map<string, Execution> {
    const rows = this.st(`SELECT e.* FROM stage_executions e
      JOIN (SELECT stage, max(id) AS id FROM stage_executions WHERE pipeline = ? GROUP BY stage) l ON l.id = e.id`).all(pipeline) as ExecRow[];
    return new Map(rows.map(r => [r.stage, toExecution(r)]));
  }

  /** Executions of one stage, newest first. */
  executions(pipeline: string, stage: string, limit = 50): Execution[] {
    return (this.st('SELECT * FROM stage_executions WHERE pipeline = ? AND stage = ? ORDER BY id DESC LIMIT ?').all(pipeline, stage, limit) as ExecRow[])
      .map(toExecution);
  }

  /**
   * Marks 'running' rows whose process is gone as 'killed'; returns how many. A row without a pid is left
   * alone for a minute (its process may be spawning) and is stale after that.
   */
  markStaleRunning(isAlive: (pid: number) => boolean = pidAlive, now = Date.now()): number {
    const rows = this.st(`SELECT id, pid, started_at FROM stage_executions WHERE state = 'running'`).all() as { id: number; pid: number | null; started_at: number }[];
    const dead = rows.filter(r => (r.pid === null ? now - r.started_at > 60_000 : !isAlive(r.pid)));
    if (!dead.length || this.db.readonly) return 0;
    const upd = this.st(`UPDATE stage_executions SET state = 'killed', ended_at = ?, error = ? WHERE id = ? AND state = 'running'`);
    this.db.transaction(() => {
      for (const r of dead) upd.run(now, r.pid === null ? 'no process was recorded' : `process ${r.pid} is gone`, r.id);
    }).immediate();
    return dead.length;
  }
}
