// Runs on whatever `node` is first on PATH (system Node 20 on a fresh machine, before node_modules exists).
// Installs dependencies when they are missing or older than package.json, so `npm test` / `npm start`
// work on a fresh clone. After this, `node` on npm's PATH is node_modules/.bin/node (Node 24).
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const stamp = path.join(root, 'node_modules', '.package-lock.json');
const manifest = path.join(root, 'package.json');
const need = !fs.existsSync(stamp) || fs.statSync(stamp).mtimeMs < fs.statSync(manifest).mtimeMs
  || !fs.existsSync(path.join(root, 'node_modules', 'node', 'package.json'));
if (need) {
  console.log('[bootstrap] installing dependencies (npm install)…');
  execSync('npm install --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}
