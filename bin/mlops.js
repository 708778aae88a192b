#!/usr/bin/env node
// `mlops` entry point: the bundled CLI (build with `npm run build`). Needs Node >= 22 (better-sqlite3 13).
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (Number(process.versions.node.split('.')[0]) < 22) {
  process.stderr.write(`mlops: Node ${process.versions.node} is too old; Node >= 22 is required (run through \`npm run mlops --\` to use the bundled Node 24)\n`);
  process.exit(1);
}
if (!fs.existsSync(cli)) {
  process.stderr.write('mlops: not built yet; run `npm run build` first\n');
  process.exit(1);
}
require(cli);
