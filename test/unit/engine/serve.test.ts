// The real server process: kill -9 while logging loses no acknowledged write; 8 concurrent clients lose nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { tempWorkspace } from '../../helpers/workspace';
import { spawnServer, exited, ROOT } from '../../helpers/engineProcess';
import { readServerInfo, serverInfoPath } from '../../../src/engine/serve';

async function post(url: string, p: string, body: unknown): Promise<any> {
  const res = await fetch(`${url}/api/2.0/mlflow/${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return res.json();
}

test('server.json is written with mode 0600 and removed on SIGTERM', async () => {
  const ws = tempWorkspace();
  const s = await spawnServer(ws);
  const info = readServerInfo(ws);
  assert.equal(info?.port, s.port);
  assert.equal(info?.pid, s.child.pid);
  assert.equal(fs.statSync(serverInfoPath(ws)).mode & 0o777, 0o600);
  s.child.kill('SIGTERM');
  await exited(s.child);
  assert.equal(fs.existsSync(serverInfoPath(ws)), false);
});

test('kill -9 while a client logs: every write answered 200 is present after restart, integrity ok', async () => {
  const ws = tempWorkspace();
  let s = await spawnServer(ws);
  const { run } = await post(s.url, 'runs/create', { experiment_id: '0', start_time: Date.now() });
  const runId = run.info.run_id as string;
  const acked: number[] = [];
  let stop = false;
  const writer = (async () => {
    for (let step = 0; !stop; step++) {
      try {
        if (step % 3 === 0) {
          await post(s.url, 'runs/log-batch', { run_id: runId, metrics: Array.from({ length: 20 }, (_, i) => ({ key: 'b', value: step * 100 + i, step: step * 100 + i, timestamp: Date.now() })) });
        } else {
          await post(s.url, 'runs/log-metric', { run_id: runId, key: 'm', value: step, step, timestamp: Date.now() });
        }
        acked.push(step);
      } catch {
        break; // the server is gone; this write was not acknowledged
      }
    }
  })();
  await new Promise(r => setTimeout(r, 600));
  s.child.kill('SIGKILL');
  await writer;
  stop = true;
  await exited(s.child);
  assert.ok(acked.length > 50, `only ${acked.length} writes before the kill`);

  s = await spawnServer(ws); // restart on the same store (stale server.json from the killed process is replaced)
  try {
    const hist = await (await fetch(`${s.url}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=m`)).json() as { metrics?: { step: number }[] };
    const batch = await (await fetch(`${s.url}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=b`)).json() as { metrics?: { step: number }[] };
    const single = new Set((hist.metrics ?? []).map(m => m.step));
    const batched = new Set((batch.metrics ?? []).map(m => m.step));
    for (const step of acked) {
      if (step % 3 === 0) for (let i = 0; i < 20; i++) assert.ok(batched.has(step * 100 + i), `batch step ${step * 100 + i} lost`);
      else assert.ok(single.has(step), `acknowledged step ${step} lost`);
    }
  } finally {
    s.child.kill('SIGTERM');
    await exited(s.child);
  }
  const db = new Database(path.join(ws, '.mlops', 'tracking.db'), { readonly: true });
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  db.close();
});

test('8 processes logging at once for 3 s: no client error, no write lost', async () => {
  const ws = tempWorkspace();
  const s = await spawnServer(ws);
  try {
    const { run } = await post(s.url, 'runs/create', { experiment_id: '0', start_time: Date.now() });
    const runId = run.info.run_id as string;
    const logger = path.join(ROOT, 'out', 'test', 'helpers', 'logger.js');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => new Promise<{ code: number | null; out: string }>(resolve => {
      const c = spawn(process.execPath, [logger, s.url, runId, `k${i}`, '3'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      c.stdout.on('data', d => (out += d));
      c.on('exit', code => resolve({ code, out }));
    })));
    let total = 0;
    for (const [i, r] of results.entries()) {
      const res = JSON.parse(r.out.trim()) as { acked: number; errors: string[] };
      assert.deepEqual(res.errors, [], `client ${i} saw errors`);
      assert.equal(r.code, 0);
      const hist = await (await fetch(`${s.url}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=k${i}`)).json() as { metrics?: { step: number }[] };
      const steps = new Set((hist.metrics ?? []).map(m => m.step));
      assert.equal(steps.size, res.acked, `client ${i}: ${res.acked} acknowledged, ${steps.size} stored`);
      total += res.acked;
    }
    assert.ok(total > 1000, `only ${total} writes in 3 s`);
  } finally {
    s.child.kill('SIGTERM');
    await exited(s.child);
  }
});
