// One build for everything: extension host + engine + CLI + client (node/cjs), webviews (browser/iife),
// and, with --tests, the unit tests and benchmarks. Type-checking is separate: `npm run typecheck`.
import './scripts/node24.mjs';
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const withTests = args.has('--tests');
const root = path.dirname(new URL(import.meta.url).pathname);
const exists = p => fs.existsSync(path.join(root, p));

const nodeEntries = ['src/extension.ts', 'src/cli.ts', 'src/client/trackingClient.ts', 'src/engine/drift/stats/driftWorker.ts', 'src/engine/drift/readWorker.ts'].filter(exists);
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', loader: { '.sql': 'text' } };
const external = ['vscode', 'better-sqlite3', 'onnxruntime-node'];

const contexts = [];
contexts.push(await esbuild.context({
  ...common, entryPoints: nodeEntries, outdir: 'dist', outbase: 'src', platform: 'node', format: 'cjs',
  target: 'node22', external, entryNames: '[name]',
}));

// The demo pipeline's stage scripts, copied into the demo workspace as scripts/*.js (src/engine/pipeline/demo.ts):
// self-contained (protobufjs, yaml, csv-parse bundled in; readable unless --production), no source maps.
const demoStages = ['prepare', 'train', 'evaluate'].filter(s => exists(`src/demoPipeline/${s}.ts`));
if (demoStages.length) {
  contexts.push(await esbuild.context({
    ...common, entryPoints: demoStages.map(s => `src/demoPipeline/${s}.ts`), outdir: 'dist/demo-pipeline', platform: 'node',
    format: 'cjs', target: 'node18', sourcemap: false,
    banner: { js: '// MLOps Workbench demo pipeline stage: built from src/demoPipeline/ by esbuild, dependencies bundled in.' },
  }));
}

const webviewDir = path.join(root, 'webview');
const panels = fs.existsSync(webviewDir)
  ? fs.readdirSync(webviewDir).filter(d => fs.existsSync(path.join(webviewDir, d, 'main.ts')))
  : [];
if (panels.length) {
  contexts.push(await esbuild.context({
    ...common, entryPoints: Object.fromEntries(panels.map(p => [p, `webview/${p}/main.ts`])),
    outdir: 'media/dist', platform: 'browser', format: 'iife', target: 'es2022',
  }));
}

// Notebook renderers are ES modules exporting activate().
if (fs.existsSync(path.join(root, 'webview/runCard/renderer.ts'))) {
  contexts.push(await esbuild.context({
    ...common, entryPoints: { runCard: 'webview/runCard/renderer.ts' }, outdir: 'media/dist', platform: 'browser', format: 'esm', target: 'es2022',
  }));
}

if (withTests) {
  const tests = fs.globSync('test/unit/**/*.test.ts', { cwd: root });
  const benches = fs.globSync('bench/*.bench.ts', { cwd: root });
  const helpers = fs.globSync('test/helpers/*.ts', { cwd: root });
  contexts.push(await esbuild.context({
    ...common, entryPoints: [...tests, ...benches, ...helpers], outdir: 'out', outbase: '.', platform: 'node', format: 'cjs',
    target: 'node22', external: [...external, 'playwright-core'],
  }));
}

if (watch) {
  await Promise.all(contexts.map(c => c.watch()));
  console.log('[esbuild] watching…');
} else {
  await Promise.all(contexts.map(c => c.rebuild()));
  await Promise.all(contexts.map(c => c.dispose()));
}
