// Pushes a local model version to a remote MLflow registry over its REST API: registered model, artifacts
// through the remote's mlflow-artifacts proxy (or, when it has none, a reference to where they are), the version
// (tagged with its local origin on create, so a re-push finds it instead of duplicating it), then the stage and
// aliases it holds locally. Idempotent and resumable.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Engine } from '../engine';
import type { KeyValue, Lineage, ModelVersion, RegisteredModel } from '../../shared/dto';
import { parseVersion } from './registry';
import { pushTargets } from './pushTargets';
import { invalid } from '../errors';
import { DEFAULT_RETRY, RemoteClient, RemoteError, type RemoteTarget, type RetryPolicy } from './remoteClient';

export const SOURCE_TAG = 'mlops.source_version';
export const PUSHED_TAG_PREFIX = 'mlops.pushed.';

export interface PushOptions {
  name: string;
  version: number | string;
  remote: RemoteTarget;
  /** Must be the version's local stage (promote locally first); with no stage and no aliases, the local stage and aliases are pushed. */
  stage?: string;
  /** Each must be held by the version locally. */
  aliases?: string[];
  /** Plan only: reads the remote, changes nothing there or locally. */
  dryRun?: boolean;
  /** Called with each step as it starts (or, in a dry run, as it is planned). */
  onStep?: (step: string) => void;
  retry?: Partial<RetryPolicy>;
}

export interface PushReport {
  remote: string;
  remoteName: string;
  /** null only in a dry run that would create a new version. */
  remoteVersion: string | null;
  /** True when this push created the remote version (or, in a dry run, would). */
  created: boolean;
  uploadedFiles: number;
  /** How the remote version gets its artifacts: uploaded through the proxy, or a reference to the local ones (null: reused). */
  artifacts: 'upload' | 'reference' | null;
  steps: string[];
  dryRun: boolean;
}

interface LocalFile { rel: string; abs: string; size: number }

/** Regular files under `root` (a directory or one file), sorted; symlinks and in-flight uploads are skipped. */
function listFiles(root: string): LocalFile[] {
  if (!fs.existsSync(root)) return [];
  const st = fs.lstatSync(root);
  if (st.isFile()) return [{ rel: path.basename(root), abs: root, size: st.size }];
  const out: LocalFile[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      if (d.name.startsWith('.mlops-upload-')) continue;
      const abs = path.join(dir, d.name);
      const rel = prefix ? `${prefix}/${d.name}` : d.name;
      if (d.isDirectory()) walk(abs, rel);
      else if (d.isFile()) out.push({ rel, abs, size: fs.statSync(abs).size });
    }
  };
  try {
    if (st.isDirectory()) walk(root, '');
  } catch (e) {
    // An unreadable source (e.g. a version registered from file:///): the request's mistake, said plainly.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'ELOOP') throw invalid(`cannot read the version's artifacts under ${root} (${code}); register it from a run's artifacts or a model folder`);
    throw e;
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

async function fileHash(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** One hash over every file's path and content: the same artifacts always upload to the same folder. */
async function contentHash(files: LocalFile[]): Promise<string> {
  const h = crypto.createHash('sha256');
  for (const f of files) h.update(`${f.rel}\0${await fileHash(f.abs)}\n`);
  return h.digest('hex').slice(0, 16);
}

export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** A path segment safe for the artifact proxy (no '/', '..' or encoded characters). */
const segment = (s: string) => s.replace(/[^\w.-]/g, '_').replace(/^\.+$/, '_');

/** A filter literal MLflow and our engine both parse: quoted with whichever quote the value lacks. */
function quote(v: string): string {
  if (!v.includes("'")) return `'${v}'`;
  if (!v.includes('"')) return `"${v}"`;
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Tags describing where the version came from: lineage summaries, the local version's own tags, and its origin. */
function versionTags(mv: ModelVersion, lineage: Lineage, source: string): KeyValue[] {
  const tags = new Map<string, string>();
  for (const t of mv.tags) if (!t.key.startsWith(PUSHED_TAG_PREFIX)) tags.set(t.key, t.value);
  if (lineage.run?.run_id) tags.set('mlops.lineage.run_id', lineage.run.run_id);
  if (lineage.git?.commit) tags.set('mlops.lineage.git_commit', lineage.git.commit);
  if (lineage.datasets.length) tags.set('mlops.lineage.dataset_digests', lineage.datasets.map(d => d.digest).join(','));
  if (lineage.onnx?.inputs.length) {
    const summary = lineage.onnx.inputs.map(i => `${i.name}:${i.type}[${i.shape.join(',')}]`).join('; ');
    tags.set('mlops.lineage.onnx_inputs', summary.length > 1000 ? `${summary.slice(0, 999)}…` : summary);
  }
  tags.set(SOURCE_TAG, source);
  return [...tags].map(([key, value]) => ({ key, value }));
}

/** The remote version whose origin tag is `source`, if an earlier push created it. */
async function findPushed(client: RemoteClient, name: string, source: string): Promise<ModelVersion | undefined> {
  let pageToken: string | undefined;
  do {
    const page = await client.call<{ model_versions?: ModelVersion[]; next_page_token?: string }>(`find a version of ${name} tagged ${SOURCE_TAG}`,
      'GET', 'model-versions/search', { filter: `name=${quote(name)}`, max_results: 1000, page_token: pageToken });
    const hit = (page.model_versions ?? []).filter(v => (v.tags ?? []).some(t => t.key === SOURCE_TAG && t.value === source))
      .sort((a, b) => Number(a.version) - Number(b.version))[0];
    if (hit) return hit;
    pageToken = page.next_page_token || undefined;
  } while (pageToken);
  return undefined;
}

async function remoteModel(client: RemoteClient, name: string): Promise<RegisteredModel | undefined> {
  try {
    return (await client.call<{ registered_model: RegisteredModel }>(`look up registered model ${name}`, 'GET', 'registered-models/get', { name })).registered_model;
  } catch (e) {
    if (e instanceof RemoteError && e.remoteCode === 'RESOURCE_DOES_NOT_EXIST') return undefined;
    throw e;
  }
}

/** The local tag that records a push: `mlops.pushed.<host:port>` (characters a tag key may not hold dropped). */
export const pushedTagKey = (remoteHost: string) => `${PUSHED_TAG_PREFIX}${remoteHost.replace(/[^\w.\-:]/g, '')}`;

export async function pushVersion(engine: Engine, opts: PushOptions): Promise<PushReport> {
  const { name } = opts;
  const version = parseVersion(opts.version);
  const model = engine.registry.getModel(name);
  const mv = engine.registry.getVersion(name, version);
  const { stage, aliases } = pushTargets(model, mv, opts);
  const dry = !!opts.dryRun;
  const client = new RemoteClient(opts.remote, { ...DEFAULT_RETRY, ...opts.retry });

  const lineage = engine.registry.lineage(name, version);
  const location = engine.registry.downloadUri(name, version);
  let storage: string | undefined;
  try { storage = engine.artifacts.localDir(location); } catch { /* s3://… and other stores this engine does not hold */ }
  const files = storage ? listFiles(storage) : [];
  const source = `${path.resolve(engine.workspace)}:${name}:${version}`;
  const report: PushReport = { remote: client.base, remoteName: name, remoteVersion: null, created: false, uploadedFiles: 0, artifacts: null, steps: [], dryRun: dry };
  const step = (s: string) => { report.steps.push(s); opts.onStep?.(s); };

  // 1. The registered model, with the local description and tags.
  const existingModel = await remoteModel(client, name);
  if (!existingModel) {
    step(`create registered model ${name}`);
    if (!dry) {
      await client.call(`create registered model ${name}`, 'POST', 'registered-models/create', { name, description: model.description, tags: model.tags })
        .catch(e => { if (!(e instanceof RemoteError && e.remoteCode === 'RESOURCE_ALREADY_EXISTS')) throw e; });
    }
  } else {
    const remoteTags = new Map((existingModel.tags ?? []).map(t => [t.key, t.value]));
    const changed = model.tags.filter(t => remoteTags.get(t.key) !== t.value);
    const describe = !!model.description && model.description !== (existingModel.description ?? '');
    if (changed.length || describe) {
      step(`update registered model ${name}: ${[...(describe ? ['description'] : []), ...changed.map(t => `tag ${t.key}`)].join(', ')}`);
      if (!dry) {
        if (describe) await client.call(`update description of ${name}`, 'PATCH', 'registered-models/update', { name, description: model.description });
        for (const t of changed) await client.call(`set tag ${t.key} on ${name}`, 'POST', 'registered-models/set-tag', { name, key: t.key, value: t.value });
      }
    }
  }

  // 2. The version: reuse the one an earlier push created, else upload the artifacts (or reference them) and create it, tagged on create.
  let remote = existingModel ? await findPushed(client, name, source) : undefined;
  if (remote) {
    step(`reuse remote version ${remote.version} (${SOURCE_TAG}=${source})`);
  } else {
    let remoteSource = await uploadArtifacts(client, name, version, storage, files, report, step);
    if (remoteSource === undefined) {
      // Where the artifacts are, as an absolute URI the remote's clients can read when they share the store.
      remoteSource = storage ? pathToFileURL(storage).href : location;
      report.artifacts = 'reference';
      step(`reference ${remoteSource} instead of uploading: ${storage ? `${client.base} has no mlflow-artifacts proxy` : 'the artifacts are not in the local store'}`);
    }
    step(`create version with source ${remoteSource}`);
    report.created = true;
    if (!dry) {
      remote = (await client.call<{ model_version: ModelVersion }>(`create a version of ${name}`, 'POST', 'model-versions/create',
        { name, source: remoteSource, description: mv.description, tags: versionTags(mv, lineage, source) },
        async () => { const found = await findPushed(client, name, source); return found && { model_version: found }; })).model_version;
    }
  }
  report.remoteVersion = remote?.version ?? null;
  const which = remote ? `version ${remote.version}` : 'new version';

  // 3. The stage and aliases the version holds locally, on the remote.
  if (stage && remote?.current_stage !== stage) {
    step(`transition to ${stage} (${which})`);
    if (!dry) {
      remote = (await client.call<{ model_version: ModelVersion }>(`transition ${name} ${which} to ${stage}`, 'POST', 'model-versions/transition-stage',
        { name, version: remote!.version, stage, archive_existing_versions: true })).model_version ?? remote;
    }
  }
  for (const alias of aliases.filter(a => !(remote?.aliases ?? []).includes(a))) {
    step(`set alias ${alias} (${which})`);
    if (!dry) await client.call(`set alias ${alias} on ${name} ${which}`, 'POST', 'registered-models/alias', { name, alias, version: remote!.version });
  }

  // 4. Recorded locally: mlops.pushed.<host:port> = remote version.
  const key = pushedTagKey(client.host);
  const value = report.remoteVersion ?? '<new version>';
  if (mv.tags.find(t => t.key === key)?.value !== value) {
    step(`tag local ${name} version ${version}: ${key}=${value}`);
    if (!dry) engine.registry.setVersionTag(name, version, key, value);
  }
  return report;
}

/**
 * Uploads the local artifacts through the remote's mlflow-artifacts proxy into a folder named by their content;
 * answers the remote source URI, or undefined when there is nothing local to upload or the remote has no proxy.
 */
async function uploadArtifacts(client: RemoteClient, name: string, version: number, storage: string | undefined, files: LocalFile[],
  report: PushReport, step: (s: string) => void): Promise<string | undefined> {
  if (!storage) return undefined;
  const folder = `mlops-pushed/${segment(name)}`;
  if (!await client.hasArtifactProxy(`check the mlflow-artifacts proxy of ${client.base}`, folder)) return undefined;
  const dest = `${folder}/${version}/${files.length ? await contentHash(files) : crypto.randomUUID().replace(/-/g, '')}`;
  const bytes = files.reduce((n, f) => n + f.size, 0);
  step(`upload ${files.length} file${files.length === 1 ? '' : 's'} (${formatBytes(bytes)}) to mlflow-artifacts:/${dest}`);
  report.artifacts = 'upload';
  if (!report.dryRun) {
    for (const f of files) {
      if (!await client.upload(`upload ${f.rel}`, `${dest}/${f.rel}`, () => fs.openAsBlob(f.abs))) return undefined;
      report.uploadedFiles++;
    }
  }
  return `mlflow-artifacts:/${dest}${fs.existsSync(storage) && fs.statSync(storage).isFile() ? `/${files[0].rel}` : ''}`;
}
