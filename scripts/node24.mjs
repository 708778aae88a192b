// Imported first by every entry script. npm's `sh -c "node a.mjs && node b.mjs"` may reuse the `node` it
// resolved before `npm install` created node_modules/.bin/node (the shell caches command paths), so a script
// can start on the system Node 20, where better-sqlite3 13 crashes and fs.globSync is missing. Re-run the same
// script on the project's Node 24 (devDependency node@24) and exit with its status.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
  const node24 = path.join(root, 'node_modules', 'node', 'bin', 'node');
  if (!fs.existsSync(node24)) {
    console.error(`Node ${process.version} is too old and ${node24} is missing: run \`npm install\` first.`);
    process.exit(1);
  }
  const r = spawnSync(node24, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
