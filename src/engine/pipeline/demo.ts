// The demo workspace's pipeline (prepare → train → evaluate, Node scripts, no Python or DVC): dvc.yaml,
// params.yaml and data/ from media/demo/pipeline, and the stage scripts built from src/demoPipeline into
// dist/demo-pipeline, copied to <workspace>/scripts. A file that already exists is never overwritten.
import fs from 'node:fs';
import path from 'node:path';

export interface DemoPipelineSeed {
  /** Files copied, relative to the workspace (posix). */
  written: string[];
  /** Files left alone because the workspace already has them. */
  skipped: string[];
}

const DEFINITION = path.join('media', 'demo', 'pipeline');
const SCRIPTS = path.join('dist', 'demo-pipeline');

/** The nearest folder at or above `from` holding media/demo/pipeline/dvc.yaml (the extension or repository root). */
export function demoPipelineRoot(from = __dirname): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, DEFINITION, 'dvc.yaml'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function seedDemoPipeline(workspace: string, root = demoPipelineRoot()): DemoPipelineSeed {
  if (!root) throw new Error(`demo pipeline not found: no ${DEFINITION} above ${__dirname}`);
  const scripts = path.join(root, SCRIPTS);
  const built = fs.existsSync(scripts) ? fs.readdirSync(scripts).filter(f => f.endsWith('.js')).sort() : [];
  if (!built.length) throw new Error(`demo pipeline scripts are not built (${scripts}): run \`node esbuild.mjs\``);
  const seed: DemoPipelineSeed = { written: [], skipped: [] };
  const copy = (from: string, rel: string) => {
    const to = path.join(workspace, rel);
    const key = rel.split(path.sep).join('/');
    if (fs.existsSync(to)) { seed.skipped.push(key); return; }
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
    seed.written.push(key);
  };
  const definition = path.join(root, DEFINITION);
  for (const rel of (fs.readdirSync(definition, { recursive: true }) as string[]).sort()) {
    if (fs.statSync(path.join(definition, rel)).isFile()) copy(path.join(definition, rel), rel);
  }
  for (const f of built) copy(path.join(scripts, f), path.join('scripts', f));
  return seed;
}
