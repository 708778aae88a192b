// `npm run bench`: runs every benchmark (built out/bench/*.bench.js, and bench/*.bench.mjs) in its own process, one after another.
import '../scripts/node24.mjs';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const only = process.argv.slice(2);
const files = [...fs.globSync('out/bench/*.bench.js', { cwd: root }), ...fs.globSync('bench/*.bench.mjs', { cwd: root })].filter(f => !only.length || only.some(o => f.includes(o))).sort();
console.log(`node ${process.version} · ${files.length} benchmark file(s)`);
let failed = 0;
for (const f of files) {
  const r = spawnSync(process.execPath, ['--enable-source-maps', f], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
