// Artifact files under <workspace>/.mlops/artifacts: the mlflow-artifacts proxy and run artifact listings.
// Every path is confined to its root: "..", absolute paths, encoded traversal and symlinks out are refused.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { invalid, notFound } from '../errors';
import type { FileInfo } from '../../shared/dto';

/** Checks a client-supplied relative path; returns it normalised with forward slashes. */
export function checkRelativePath(p: string): string {
  if (typeof p !== 'string') throw invalid('Invalid path: expected a string');
  if (p.includes('\0')) throw invalid('Invalid path: contains a NUL character');
  if (/%(2e|2f|5c|00)/i.test(p)) throw invalid(`Invalid path '${p}': encoded path characters are not allowed`);
  if (p.includes('\\')) throw invalid(`Invalid path '${p}': backslashes are not allowed`);
  if (p.startsWith('/') || /^[a-zA-Z]:/.test(p) || p.startsWith('~')) throw invalid(`Invalid path '${p}': absolute paths are not allowed`);
  const parts = p.split('/').filter(s => s !== '' && s !== '.');
  if (parts.some(s => s === '..')) throw invalid(`Invalid path '${p}': '..' is not allowed`);
  return parts.join('/');
}

/** Nearest existing ancestor's real path must stay inside the root's real path (symlinks out are refused). */
function confine(root: string, rel: string): string {
  const full = path.join(root, rel);
  const realRoot = fs.realpathSync(root);
  let probe = full;
  while (!fs.existsSync(probe) && probe !== root) probe = path.dirname(probe);
  const real = fs.realpathSync(probe);
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) throw invalid(`Invalid path '${rel}': it leads outside the artifact root`);
  return full;
}

function listDir(dir: string, prefix: string): FileInfo[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return [];
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter(d => !d.name.startsWith('.mlops-upload-'))
    .map(d => {
      const p = prefix ? `${prefix}/${d.name}` : d.name;
      const st = fs.statSync(path.join(dir, d.name));
      return st.isDirectory() ? { path: p, is_dir: true } : { path: p, is_dir: false, file_size: st.size };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Checks an experiment's artifact location when it is created, as MLflow does: no query or fragment (they would
 * smuggle path parts past the checks), a file:// URL must parse and name a local absolute path.
 */
export function checkArtifactLocation(uri: string): void {
  if (uri.includes('?') || uri.includes('#')) throw invalid("'artifact_location' URL can't include fragments or params.");
  if (uri.startsWith('file:')) fileUriPath(uri);
  else if (uri.startsWith('mlflow-artifacts:')) checkRelativePath(uri.replace(/^mlflow-artifacts:(\/\/[^/]*)?\/*/, ''));
}

/** The local path of a file:// URI; a malformed or remote one is the client's mistake (400), never a crash. */
function fileUriPath(uri: string): string {
  let u: URL;
  try { u = new URL(uri); } catch { throw invalid(`Malformed artifact location '${uri}'`); }
  if (u.search || u.hash) throw invalid(`Artifact location '${uri}' can't include fragments or params`);
  if (u.host && u.host !== 'localhost') throw invalid(`Artifact location '${uri}' names a remote host; only local file:// locations are served`);
  try { return decodeURIComponent(u.pathname); } catch { throw invalid(`Malformed percent-encoding in artifact location '${uri}'`); }
}

export class ArtifactsService {
  constructor(readonly root: string) {
    fs.mkdirSync(root, { recursive: true });
  }

  /** Local directory of an artifact URI (mlflow-artifacts:/…, file://…, or a plain absolute path). */
  localDir(uri: string): string {
    if (uri.startsWith('mlflow-artifacts:')) {
      const rel = uri.replace(/^mlflow-artifacts:(\/\/[^/]*)?\/*/, '');
      return confine(this.root, checkRelativePath(rel));
    }
    if (uri.startsWith('file:')) return fileUriPath(uri);
    if (path.isAbsolute(uri)) return uri;
    throw invalid(`Unsupported artifact location '${uri}'`);
  }

  /** artifacts/list for a run: paths relative to the run's artifact root. */
  listRun(artifactUri: string, sub: string | undefined): FileInfo[] {
    const rel = checkRelativePath(sub ?? '');
    const base = this.localDir(artifactUri);
    if (!fs.existsSync(base)) return [];
    return listDir(confine(base, rel), rel);
  }

  /** Proxy list: basenames, as MLflow's proxy answers. */
  list(sub: string | undefined): FileInfo[] {
    const rel = checkRelativePath(sub ?? '');
    return listDir(confine(this.root, rel), '');
  }

  /** Proxy download: the file's absolute path (caller streams it). */
  file(sub: string): { file: string; size: number } {
    const rel = checkRelativePath(sub);
    if (!rel) throw invalid('Invalid path: empty artifact path');
    const full = confine(this.root, rel);
    if (!fs.existsSync(full) || !fs.statSync(full).isFile()) throw notFound(`Artifact '${rel}' does not exist`);
    return { file: full, size: fs.statSync(full).size };
  }

  /** Proxy upload: streams to a temp file and renames, so a killed upload never leaves a partial file. */
  async put(sub: string, body: Readable): Promise<void> {
    const rel = checkRelativePath(sub);
    if (!rel) throw invalid('Invalid path: empty artifact path');
    if (rel.split('/').some(s => Buffer.byteLength(s) > 255)) throw invalid(`Invalid path '${rel.slice(0, 80)}…': a path segment is longer than 255 bytes`);
    const full = confine(this.root, rel);
    try {
      fs.mkdirSync(path.dirname(full), { recursive: true });
    } catch (e) {
      // A parent that is a file (PUT a/b then a/b/c): the client's path, not a server fault; no server paths in it.
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTDIR') throw invalid(`Invalid path '${rel}': a parent of it is an artifact file, not a directory`);
      throw e;
    }
    confine(this.root, rel); // re-check after creating parents
    if (fs.existsSync(full) && fs.statSync(full).isDirectory()) throw invalid(`Artifact '${rel}' is a directory`);
    const tmp = path.join(path.dirname(full), `.mlops-upload-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    try {
      await pipeline(body, fs.createWriteStream(tmp, { flags: 'wx' }));
      fs.renameSync(tmp, full);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
  }

  delete(sub: string): void {
    const rel = checkRelativePath(sub);
    if (!rel) throw invalid('Invalid path: refusing to delete the artifact root');
    const full = confine(this.root, rel);
    if (!fs.existsSync(full)) throw notFound(`Artifact '${rel}' does not exist`);
    fs.rmSync(full, { recursive: true, force: true });
  }
}
