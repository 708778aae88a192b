// Content hashes of stage deps and outs, DVC style: md5 of a file's bytes; for a directory, md5 of its sorted
// "relpath\0filehash\n" lines with a `.dir` suffix. File hashes are cached by (path, size, mtime_ns, inode):
// a hit never re-reads the file. The documented trade-off: an edit that keeps size, mtime and inode is not seen.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FileHashRow, PipelineRepo } from '../store/pipelineRepo';
import { HashPool } from './hashPool';

const CHUNK = 8 << 20; // 8 MB reads: as fast as any larger size, and a small buffer
let chunk: Buffer | undefined;

/** md5 (hex) of a file's bytes, read sequentially in big chunks. */
export function md5File(file: string): string {
  chunk ??= Buffer.allocUnsafe(CHUNK);
  const h = crypto.createHash('md5');
  const fd = fs.openSync(file, 'r');
  try {
    let n: number;
    while ((n = fs.readSync(fd, chunk, 0, CHUNK, null)) > 0) h.update(chunk.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

/** DVC's directory hash over (posix relpath, file hash) pairs. */
export function dirHash(entries: [string, string][]): string {
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const h = crypto.createHash('md5');
  for (const [rel, fh] of entries) h.update(`${rel}\0${fh}\n`);
  return `${h.digest('hex')}.dir`;
}

// Below this size a round trip to a worker costs more than hashing in place.
const INLINE_BYTES = 1n << 20n;
const md5Big = (pool: HashPool, file: string, st: fs.BigIntStats) => (st.size < INLINE_BYTES ? Promise.resolve(md5File(file)) : pool.md5(file));

function statOrUndefined(p: string): fs.BigIntStats | undefined {
  try {
    return fs.statSync(p, { bigint: true, throwIfNoEntry: false });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'ELOOP') return undefined; // below a file; a symlink loop
    throw e;
  }
}

/** A regular file found while walking, with the stat taken before any read. */
interface Found { abs: string; rel: string; st: fs.BigIntStats }

export class Hasher {
  /** Rows hashed since the last flush(), also consulted before the database. */
  private readonly pending = new Map<string, FileHashRow>();
  private readonly stale = new Set<string>();
  /** Rows read ahead by prefetch() (null: known to have no row), and rows flushed since. */
  private readonly known = new Map<string, FileHashRow | null>();
  /** Files read (cache misses), bytes read, and cache hits since construction. */
  readonly stats = { hits: 0, misses: 0, bytes: 0 };

  constructor(private readonly repo: PipelineRepo) {}

  /** Reads the cache rows of many files in one query, so that hashing them next costs a stat each. */
  prefetch(absPaths: Iterable<string>): void {
    const ask = [...absPaths].filter(p => !this.known.has(p) && !this.pending.has(p));
    if (!ask.length) return;
    const rows = this.repo.cachedHashes(ask);
    for (const p of ask) this.known.set(p, rows.get(p) ?? null);
  }

  /** Content hash of a file or directory; undefined when missing (or neither a file nor a directory). */
  hash(absPath: string): string | undefined {
    const st = statOrUndefined(absPath);
    if (!st) return undefined;
    if (st.isFile()) {
      const hit = this.lookup(st, this.cachedRow(absPath));
      return hit ?? this.read(absPath, st, md5File(absPath));
    }
    if (!st.isDirectory()) return undefined;
    return dirHash(this.dirEntries(absPath));
  }

  /** (posix relpath, file hash) of every file below a directory (what its hash is made of); undefined if not one. */
  manifest(absDir: string): Map<string, string> | undefined {
    return statOrUndefined(absDir)?.isDirectory() ? new Map(this.dirEntries(absDir)) : undefined;
  }

  private dirEntries(absDir: string): [string, string][] {
    const { files, cached } = this.walk(absDir);
    return files.map(f => [f.rel, this.lookup(f.st, cached.get(f.abs)) ?? this.read(f.abs, f.st, md5File(f.abs))]);
  }

  /** As hash(), but cache misses are read on worker threads, several files at once (large outs, first runs). */
  async hashAsync(absPath: string, pool = HashPool.shared()): Promise<string | undefined> {
    const st = statOrUndefined(absPath);
    if (!st) return undefined;
    if (st.isFile()) {
      const hit = this.lookup(st, this.cachedRow(absPath));
      return hit ?? this.read(absPath, st, await md5Big(pool, absPath, st));
    }
    if (!st.isDirectory()) return undefined;
    const { files, cached } = this.walk(absPath);
    const hashes = await Promise.all(files.map(async f =>
      this.lookup(f.st, cached.get(f.abs)) ?? this.read(f.abs, f.st, await md5Big(pool, f.abs, f.st))));
    return dirHash(files.map((f, i) => [f.rel, hashes[i]!]));
  }

  /** Hashes some files are still to be written for; write them (one transaction). */
  flush(): void {
    if (!this.pending.size && !this.stale.size) return;
    this.repo.putHashes(this.pending.values(), this.stale);
    for (const [p, row] of this.pending) if (this.known.has(p)) this.known.set(p, row);
    for (const p of this.stale) this.known.delete(p);
    this.pending.clear();
    this.stale.clear();
  }

  private cachedRow(abs: string): FileHashRow | undefined {
    const known = this.known.get(abs);
    return this.pending.get(abs) ?? (known === undefined ? this.repo.cachedHash(abs) : known ?? undefined);
  }

  private lookup(st: fs.BigIntStats, row: FileHashRow | undefined): string | undefined {
    if (!row || row.size !== st.size || row.mtimeNs !== st.mtimeNs || row.inode !== BigInt.asIntN(64, st.ino)) return undefined;
    this.stats.hits++;
    return row.hash;
  }

  private read(abs: string, st: fs.BigIntStats, hash: string): string {
    this.stats.misses++;
    this.stats.bytes += Number(st.size);
    this.pending.set(abs, { path: abs, size: st.size, mtimeNs: st.mtimeNs, inode: BigInt.asIntN(64, st.ino), hash });
    this.stale.delete(abs);
    return hash;
  }

  /** Regular files below dir (symlinks followed, each real directory once) and the cache rows under it. */
  private walk(dir: string): { files: Found[]; cached: Map<string, FileHashRow> } {
    const cached = this.repo.cachedHashesUnder(dir);
    for (const [p, row] of this.pending) if (p.startsWith(dir + path.sep)) cached.set(p, row);
    const files: Found[] = [];
    let seenDirs: Set<string> | undefined; // real paths of symlinked directories walked (made on the first one)
    const visit = (abs: string, rel: string) => {
      for (const d of fs.readdirSync(abs, { withFileTypes: true })) {
        const a = path.join(abs, d.name);
        const r = rel ? `${rel}/${d.name}` : d.name;
        if (d.isDirectory()) { visit(a, r); continue; }
        const st = statOrUndefined(a); // follows symlinks; a dangling one is skipped
        if (!st) continue;
        if (st.isFile()) files.push({ abs: a, rel: r, st });
        else if (st.isDirectory() && d.isSymbolicLink()) {
          seenDirs ??= new Set([fs.realpathSync(dir)]);
          const real = fs.realpathSync(a);
          if (!seenDirs.has(real)) { seenDirs.add(real); visit(a, r); }
        }
      }
    };
    visit(dir, '');
    // Rows of files no longer there are dropped with the next flush.
    if (cached.size) {
      const present = new Set(files.map(f => f.abs));
      for (const p of cached.keys()) if (!present.has(p)) { this.stale.add(p); this.pending.delete(p); }
    }
    return { files, cached };
  }
}
