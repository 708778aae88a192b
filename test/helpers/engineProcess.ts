// Starts the real `mlops server` (dist/cli.js) as a child process and waits for its "listening" line.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The repository root (tests run bundled from out/, so walk up to package.json). */
export const ROOT = (() => {
  let d = __dirname;
  while (!fs.existsSync(path.join(d, 'package.json')) || !fs.existsSync(path.join(d, 'esbuild.mjs'))) d = path.dirname(d);
  return d;
})();
export const CLI = path.join(ROOT, 'dist', 'cli.js');

export interface EngineProcess {
  child: ChildProcess;
  url: string;
  port: number;
}

export function spawnServer(ws: string, extra: string[] = []): Promise<EngineProcess> {
  const child = spawn(process.execPath, [CLI, '--workspace', ws, 'server', '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`server did not start: ${err}`)); }, 15000);
    child.stderr!.on('data', d => (err += d));
    child.stdout!.on('data', d => {
      out += d;
      const line = out.split('\n').find(l => l.includes('"listening"'));
      if (line) {
        clearTimeout(timer);
        const info = JSON.parse(line) as { url: string; port: number };
        resolve({ child, url: info.url, port: info.port });
      }
    });
    child.on('exit', code => { clearTimeout(timer); reject(new Error(`server exited with ${code}: ${err}`)); });
  });
}

export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise(r => (child.exitCode !== null || child.signalCode !== null ? r(child.exitCode) : child.once('exit', c => r(c))));
}
