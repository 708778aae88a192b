// Content hashing with the stat cache: md5 of files, DVC-style .dir hashes, hits that never re-read a file.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Store } from '../../../../src/engine/store/store';
import { Hasher, dirHash, md5File } from '../../../../src/engine/pipeline/hashing';
import { HashPool } from '../../../../src/engine/pipeline/hashPool';
import { tempWorkspace } from '../../../helpers/workspace';

const ws = tempWorkspace();
const store = Store.open(ws);
after(async () => { store.close(); await HashPool.shared().close(); fs.rmSync(ws, { recursive: true, force: true }); });

const md5 = (b: string | Buffer) => crypto.createHash('md5').update(b).digest('hex');
const write = (rel: string, text: string | Buffer) => {
  const p = path.join(ws, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
};
const OLD = new Date('2024-01-01T00:00:00Z');

describe('hashes', () => {
  test('a file hashes to the md5 of its bytes, across chunk boundaries; a missing path is undefined', () => {
    const big = crypto.randomBytes((8 << 20) + 12345);
    const p = write('h/big.bin', big);
    assert.equal(md5File(p), md5(big));
    assert.equal(new Hasher(store.pipeline).hash(p), md5(big));
    assert.equal(new Hasher(store.pipeline).hash(path.join(ws, 'h', 'nope')), undefined);
    assert.equal(new Hasher(store.pipeline).hash(path.join(p, 'below-a-file')), undefined);
    assert.equal(md5File(write('h/empty', '')), md5(''));
  });

  test('a directory hashes DVC style: md5 of sorted "relpath\\0hash\\n" lines + ".dir", nested paths posix', () => {
    write('d1/b.txt', 'B');
    write('d1/a.txt', 'A');
    write('d1/sub/c.txt', 'C');
    const expected = md5(`a.txt\0${md5('A')}\nb.txt\0${md5('B')}\nsub/c.txt\0${md5('C')}\n`) + '.dir';
    assert.equal(new Hasher(store.pipeline).hash(path.join(ws, 'd1')), expected);
    assert.equal(dirHash([['b', '2'], ['a', '1']]), md5('a\x001\nb\x002\n') + '.dir');
    fs.mkdirSync(path.join(ws, 'empty-dir'));
    assert.equal(new Hasher(store.pipeline).hash(path.join(ws, 'empty-dir')), md5('') + '.dir');
  });

  test('symlinks are followed; a dangling one is skipped; a loop is walked once', { skip: process.platform === 'win32' }, () => {
    write('ln/real/x.txt', 'X');
    fs.symlinkSync(path.join(ws, 'ln', 'real', 'x.txt'), path.join(ws, 'ln', 'real', 'link.txt'));
    fs.symlinkSync(path.join(ws, 'ln', 'nowhere'), path.join(ws, 'ln', 'real', 'dangling'));
    fs.symlinkSync(path.join(ws, 'ln', 'real'), path.join(ws, 'ln', 'real', 'self'));
    const h = new Hasher(store.pipeline).hash(path.join(ws, 'ln', 'real'));
    assert.equal(h, md5(`link.txt\0${md5('X')}\nx.txt\0${md5('X')}\n`) + '.dir');
  });
});

describe('stat cache', () => {
  test('a hit never re-reads the file; rows are written by flush() only', () => {
    const p = write('c/f.txt', 'hello');
    const h1 = new Hasher(store.pipeline);
    assert.equal(h1.hash(p), md5('hello'));
    assert.equal(h1.hash(p), md5('hello'), 'second call in the same hasher hits the pending row');
    assert.deepEqual(h1.stats, { hits: 1, misses: 1, bytes: 5 });
    assert.equal(store.pipeline.cachedHash(p), undefined, 'nothing written before flush');
    h1.flush();
    assert.equal(store.pipeline.cachedHash(p)!.hash, md5('hello'));
    const h2 = new Hasher(store.pipeline);
    assert.equal(h2.hash(p), md5('hello'));
    assert.deepEqual(h2.stats, { hits: 1, misses: 0, bytes: 0 });
  });

  test('documented trade-off: a same-size edit that keeps mtime (and inode) is NOT seen; an mtime bump is', () => {
    const p = write('c/model.txt', 'aaaa');
    fs.utimesSync(p, OLD, OLD);
    const h = new Hasher(store.pipeline);
    assert.equal(h.hash(p), md5('aaaa'));
    h.flush();
    fs.writeFileSync(p, 'bbbb'); // same size, same inode
    fs.utimesSync(p, OLD, OLD); // same mtime
    assert.equal(new Hasher(store.pipeline).hash(p), md5('aaaa'), 'stale by design: stat key unchanged');
    fs.utimesSync(p, OLD, new Date(OLD.getTime() + 1));
    assert.equal(new Hasher(store.pipeline).hash(p), md5('bbbb'), 'an mtime change re-reads the file');
  });

  test('a size change or a new inode (replace by rename) re-reads', () => {
    const p = write('c/s.txt', 'one');
    fs.utimesSync(p, OLD, OLD);
    const h = new Hasher(store.pipeline);
    h.hash(p);
    h.flush();
    fs.writeFileSync(p, 'three');
    fs.utimesSync(p, OLD, OLD);
    assert.equal(new Hasher(store.pipeline).hash(p), md5('three'));
    const h2 = new Hasher(store.pipeline);
    h2.hash(p);
    h2.flush();
    const tmp = write('c/s.tmp', 'thrEe');
    fs.utimesSync(tmp, OLD, OLD);
    fs.renameSync(tmp, p);
    assert.equal(new Hasher(store.pipeline).hash(p), md5('thrEe'));
  });

  test('a directory walk reads only changed files, sees added and removed files, and drops stale rows', () => {
    for (let i = 0; i < 20; i++) write(`big/f${i}.txt`, `v${i}`);
    const dir = path.join(ws, 'big');
    const h1 = new Hasher(store.pipeline);
    const first = h1.hash(dir);
    h1.flush();
    assert.equal(h1.stats.misses, 20);
    const h2 = new Hasher(store.pipeline);
    assert.equal(h2.hash(dir), first);
    assert.deepEqual(h2.stats, { hits: 20, misses: 0, bytes: 0 });
    write('big/f3.txt', 'changed!');
    write('big/new/f.txt', 'new');
    fs.rmSync(path.join(dir, 'f7.txt'));
    const h3 = new Hasher(store.pipeline);
    const next = h3.hash(dir);
    assert.notEqual(next, first);
    assert.equal(h3.stats.misses, 2, 'only the edited and the added file are read');
    h3.flush();
    assert.equal(store.pipeline.cachedHash(path.join(dir, 'f7.txt')), undefined, 'row of the removed file dropped');
    assert.equal(store.pipeline.cachedHashesUnder(dir).size, 20);
    assert.equal(new Hasher(store.pipeline).hash(dir), next);
  });

  test('prefetch reads many rows at once and serves the following hashes from memory', () => {
    const a = write('pf/a.txt', 'A');
    const b = write('pf/b.txt', 'B');
    const h0 = new Hasher(store.pipeline);
    h0.hash(a);
    h0.hash(b);
    h0.flush();
    const h = new Hasher(store.pipeline);
    h.prefetch([a, b, path.join(ws, 'pf', 'none')]);
    store.pipeline.putHashes([], [a, b]); // gone from the database: only the prefetched rows can hit
    assert.equal(h.hash(a), md5('A'));
    assert.equal(h.hash(b), md5('B'));
    assert.deepEqual(h.stats, { hits: 2, misses: 0, bytes: 0 });
    write('pf/a.txt', 'AA');
    assert.equal(h.hash(a), md5('AA'), 'a prefetched row is still checked against the stat');
    h.flush();
    assert.equal(h.hash(a), md5('AA'));
    assert.equal(h.stats.misses, 1, 'the flushed row replaced the prefetched one');
  });

  test('hashAsync agrees with hash() on files and directories and fills the same cache', async () => {
    const big = crypto.randomBytes(3 << 20);
    write('a/one.bin', big);
    write('a/two.bin', Buffer.concat([big, big]));
    write('a/small.txt', 'small');
    const dir = path.join(ws, 'a');
    const h = new Hasher(store.pipeline);
    assert.equal(await h.hashAsync(path.join(dir, 'one.bin')), md5(big));
    assert.equal(await h.hashAsync(dir), new Hasher(store.pipeline).hash(dir));
    assert.equal(await h.hashAsync(path.join(dir, 'missing')), undefined);
    h.flush();
    const again = new Hasher(store.pipeline);
    await again.hashAsync(dir);
    assert.equal(again.stats.misses, 0);
  });

  test('the pool rejects an unreadable file with its error and keeps working', async () => {
    const pool = new HashPool(2);
    try {
      await assert.rejects(pool.md5(path.join(ws, 'no-such-file')), /ENOENT/);
      assert.equal(await pool.md5(write('pool/x', 'x')), md5('x'));
    } finally {
      await pool.close();
    }
  });
});

test('a read-only store hashes without writing the cache', () => {
  const ro = Store.open(ws, { readonly: true });
  try {
    const h = new Hasher(ro.pipeline);
    const p = write('ro/x.txt', 'x');
    assert.equal(h.hash(p), md5('x'));
    h.flush();
    assert.equal(store.pipeline.cachedHash(p), undefined);
  } finally {
    ro.close();
  }
});
