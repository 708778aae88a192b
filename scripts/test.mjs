// `npm test`: type-check, build, unit + integration tests (node:test, real SQLite/HTTP/processes),
// then the VS Code suites when present. Ends with one line "N passed, N failed"; exits non-zero on failure.
import './node24.mjs';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);
let passed = 0;
let failed = 0;
const step = (name, cmd, args) => {
  console.log(`\n▶ ${name}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  if (r.status === 0) passed++; else { failed++; console.log(`✖ ${name} failed`); }
  return r.status === 0;
};

console.log(`node ${process.version}`);
step('typecheck (tsc --noEmit)', process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', '.']);
if (!step('build (esbuild --tests)', process.execPath, ['esbuild.mjs', '--tests'])) {
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
}

const only = process.argv.slice(2);
const files = fs.globSync('out/test/unit/**/*.test.js', { cwd: root })
  .filter(f => !only.length || only.some(o => f.includes(o)))
  .map(f => path.join(root, f));
console.log(`\n▶ unit + integration tests (${files.length} files)`);
await new Promise(resolve => {
  const stream = run({ files, concurrency: 2, timeout: 120_000, execArgv: ['--enable-source-maps'] });
  stream.on('test:pass', e => { if (e.details?.type !== 'suite') passed++; });
  stream.on('test:fail', e => { if (e.details?.type !== 'suite') failed++; });
  stream.on('end', resolve);
  stream.compose(spec).pipe(process.stdout);
});

if (!only.length && fs.existsSync(path.join(root, 'test/vscode/run.mjs')) && process.env.MLOPS_SKIP_VSCODE !== '1') {
  console.log('\n▶ VS Code suites (code-server + Chromium)');
  const r = spawnSync(process.execPath, ['test/vscode/run.mjs'], { stdio: ['inherit', 'pipe', 'inherit'], cwd: root, encoding: 'utf8' });
  process.stdout.write(r.stdout ?? '');
  const m = /(\d+) passed, (\d+) failed\s*$/.exec((r.stdout ?? '').trim());
  if (m) { passed += Number(m[1]); failed += Number(m[2]); }
  if (!m || r.status !== 0) { if (!m || Number(m[2]) === 0) failed++; }
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
