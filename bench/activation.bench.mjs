// Activation time of the extension in a real VS Code (code-server + Chromium): the extension logs
// "activated in N ms" (constructor, before the engine is up) and "engine listening … (N ms)" to its
// LogOutputChannel; this reads both from the output log files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setup, seedWorkspace, startCodeServer, launchBrowser } from '../test/vscode/codeServer.mjs';

setup();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-bench-act-'));
const ws = path.join(tmp, 'ws');
seedWorkspace(ws, 100);
const cs = await startCodeServer(ws, { tmp });
const browser = await launchBrowser();
const find = dir => fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(f => path.join(dir, String(f))).filter(f => f.endsWith('MLOps Workbench.log')) : [];
try {
  const page = await browser.newPage();
  const t0 = Date.now();
  await page.goto(cs.devUrl());
  let text = '';
  for (let i = 0; i < 240 && !/engine listening/.test(text); i++) {
    await new Promise(r => setTimeout(r, 250));
    text = find(tmp).map(f => fs.readFileSync(f, 'utf8')).join('\n');
  }
  const act = /activated in (\d+) ms/.exec(text)?.[1];
  const eng = /engine listening on \S+ \(pid \d+, (\d+) ms\)/.exec(text)?.[1];
  console.log('\n== Extension activation (code-server) ==');
  console.log(`  activation (constructor, before the engine is up)   ${act ?? '?'} ms   target < 200 ms`);
  console.log(`  engine child process up (spawn → listening)         ${eng ?? '?'} ms`);
  console.log(`  page load → engine listening (whole workbench)       ${Date.now() - t0} ms`);
} finally {
  await browser.close();
  cs.kill();
}
process.exit(0);
