// Serving benchmarks: what the HTTP endpoint adds to a raw ONNX Runtime call, and what micro-batching buys
// under concurrency. The endpoint runs as `mlops serve` (dist/cli.js) in its own process so client and
// server do not share a thread; prints figures beside their baselines. A bare node:http server in a child
// process (answers '{}' and does nothing else) is the floor any Node endpoint stands on for this machine.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ModelSession } from '../src/engine/serving/modelSession';
import { tempWorkspace } from '../test/helpers/workspace';
import { exited, ROOT } from '../test/helpers/engineProcess';
import { IRIS, iris, spawnServe, type ServeProcess } from '../test/helpers/serving';

const N = 10_000;
const WARMUP = 1_000;
const BODIES = iris.input.map(r => JSON.stringify({ inputs: [r] }));

// A heavier row-batchable model (test/fixtures/makeMlp.mjs): 256 → 1024 → 1024 → 10 MLP, ~1.3 M multiply-adds a row,
// so compute rather than HTTP dominates an unbatched call.
const MLP = path.join(ROOT, 'test', 'fixtures', 'mlp-256.onnx');
// The 5 MB MLP is generated (deterministically) rather than committed.
if (!fs.existsSync(MLP)) execFileSync(process.execPath, [path.join(ROOT, 'test', 'fixtures', 'makeMlp.mjs')], { stdio: 'inherit' });
const MLP_WIDTH = 256;
const MLP_TOTAL = 3_000;
const MLP_WARMUP = 300;
/** 64 deterministic rows in [-1, 1) (an LCG; no Math.random), 4 decimals each. */
const MLP_ROWS = (() => {
  let a = 12345;
  const next = () => ((a = (Math.imul(a, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  return Array.from({ length: 64 }, () => Array.from({ length: MLP_WIDTH }, () => Math.round(next() * 1e4) / 1e4));
})();
const MLP_BODIES = MLP_ROWS.map(r => JSON.stringify({ inputs: [r] }));

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
const ms = (x: number) => `${x.toFixed(3)} ms`;
const rate = (x: number) => `${Math.round(x).toLocaleString('en')} req/s`;
const row = (name: string, ours: string, limit: string, target: string) => console.log(`  ${name.padEnd(46)} ${ours.padEnd(26)} ${limit.padEnd(30)} ${target}`);

/** One POST /invocations; resolves with its status once the reply is read. */
function post(agent: http.Agent, port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/invocations', method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, res => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

type Server = Pick<ServeProcess, 'child' | 'port'>;

async function withServer<T>(args: string[], fn: (s: Server) => Promise<T>, model = IRIS): Promise<T> {
  const s = await spawnServe(tempWorkspace('mlops-bench-'), [model, '--port', '0', '--threads', '1', '--log-sample', '0', ...args]);
  try {
    return await fn(s);
  } finally {
    s.child.kill('SIGTERM');
    await exited(s.child);
  }
}

const BARE = `const s = require('node:http').createServer((q, r) => { q.resume(); q.on('end', () => { r.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 2 }); r.end('{}'); }); });
s.keepAliveTimeout = 65000; s.listen(0, '127.0.0.1', () => console.log(s.address().port)); process.on('SIGTERM', () => process.exit(0));`;

async function withBare<T>(fn: (s: Server) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, ['-e', BARE], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>(r => child.stdout!.once('data', d => r(Number(String(d).trim()))));
  try {
    return await fn({ child, port });
  } finally {
    child.kill('SIGTERM');
    await exited(child);
  }
}

/** CPU seconds (user + system, all threads) a child process has used so far; NaN where /proc is missing. */
function cpuSeconds(pid: number | undefined): number {
  const file = `/proc/${pid}/stat`;
  if (!pid || !fs.existsSync(file)) return NaN;
  const stat = fs.readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from field 3 (state) on
  return (Number(fields[11]) + Number(fields[12])) / 100; // fields 14, 15: utime, stime in clock ticks (USER_HZ = 100)
}

/** Sequential requests over one keep-alive socket: per-request latencies. */
async function sequential(port: number, n = N): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < WARMUP; i++) await post(agent, port, BODIES[i % 7]);
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const st = await post(agent, port, BODIES[i % 7]);
      times.push(performance.now() - t);
      if (st !== 200) throw new Error(`/invocations answered ${st}`);
    }
    return times;
  } finally {
    agent.destroy();
  }
}

/** `total` requests with `inFlight` outstanding at any time: requests per second and server CPU per request. */
async function concurrent({ port, child }: Server, inFlight: number, total: number, bodies = BODIES, warmup = WARMUP): Promise<{ rps: number; cpuUs: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  try {
    const drive = async (count: number) => {
      let next = 0;
      await Promise.all(Array.from({ length: inFlight }, async () => {
        while (next < count) {
          const i = next++;
          const st = await post(agent, port, bodies[i % bodies.length]);
          if (st !== 200) throw new Error(`/invocations answered ${st}`);
        }
      }));
    };
    await drive(warmup);
    const cpu = cpuSeconds(child.pid);
    const t = performance.now();
    await drive(total);
    const seconds = (performance.now() - t) / 1000;
    return { rps: total / seconds, cpuUs: ((cpuSeconds(child.pid) - cpu) / total) * 1e6 };
  } finally {
    agent.destroy();
  }
}

async function rawRun(): Promise<number[]> {
  const model = await ModelSession.load(IRIS, { intraOpNumThreads: 1 });
  try {
    const feeds = iris.input.map(r => ({ input: new model.ortLib.Tensor('float32', Float32Array.from(r), [1, 4]) }));
    for (let i = 0; i < WARMUP; i++) await model.run(feeds[i % 7]);
    const times: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      await model.run(feeds[i % 7]);
      times.push(performance.now() - t);
    }
    return times;
  } finally {
    await model.release();
  }
}

/** Raw session.run on the MLP, one thread: ms per row when run one row at a time (N=1) and when run 64 rows at once (N=64). */
async function rawMlpPerRow(): Promise<{ one: number; batched: number }> {
  const model = await ModelSession.load(MLP, { intraOpNumThreads: 1 });
  try {
    const { Tensor } = model.ortLib;
    const singles = MLP_ROWS.map(r => ({ features: new Tensor('float32', Float32Array.from(r), [1, MLP_WIDTH]) }));
    const all = { features: new Tensor('float32', Float32Array.from(MLP_ROWS.flat()), [MLP_ROWS.length, MLP_WIDTH]) };
    const time = async (reps: number, fn: (i: number) => Promise<unknown>) => {
      for (let i = 0; i < Math.max(10, reps / 10); i++) await fn(i);
      const t = performance.now();
      for (let i = 0; i < reps; i++) await fn(i);
      return (performance.now() - t) / reps;
    };
    const one = await time(MLP_TOTAL, i => model.run(singles[i % singles.length]));
    const batched = (await time(MLP_TOTAL / 64 * 4, () => model.run(all))) / MLP_ROWS.length;
    return { one, batched };
  } finally {
    await model.release();
  }
}

async function latencyBench(): Promise<void> {
  const raw = await rawRun();
  const bare = await withBare(s => sequential(s.port));
  // The endpoint's own latency histogram (body read → reply written) tells the server's share of the tail.
  let inside = { p50_ms: NaN, p99_ms: NaN };
  const unbatched = await withServer(['--max-batch', '1'], async s => {
    const times = await sequential(s.port);
    inside = await (await fetch(`http://127.0.0.1:${s.port}/stats`)).json() as typeof inside;
    return times;
  });
  const batched = await withServer(['--max-batch', '64', '--max-wait-ms', '0'], s => sequential(s.port, 2_000));
  const [r50, r99, h50, h99] = [pct(raw, 0.5), pct(raw, 0.99), pct(unbatched, 0.5), pct(unbatched, 0.99)];
  row('(a) one iris row, concurrency 1, 10,000 req', 'HTTP /invocations', 'raw session.run in-process', '');
  row('    p50 (--max-batch 1)', ms(h50), ms(r50), `overhead ${ms(h50 - r50)}`);
  row('    p99 (--max-batch 1)', ms(h99), ms(r99), `overhead ${ms(h99 - r99)} (target ≤ 1 ms)`);
  row('    bare node:http child, p50 / p99', `${ms(pct(bare, 0.5))} / ${ms(pct(bare, 0.99))}`, '', 'the floor: HTTP round trip alone');
  row('    inside the endpoint (its /metrics), p50 / p99', `≤ ${inside.p50_ms} / ≤ ${inside.p99_ms} ms`, '', 'decode + run + encode, histogram bucket bounds');
  row('    defaults (64, adaptive), 2,000 req, p50 / p99', `${ms(pct(batched, 0.5))} / ${ms(pct(batched, 0.99))}`, '', 'adaptive: a lone request does not wait');
}

async function throughputBench(): Promise<void> {
  const batched = await withServer(['--max-batch', '64', '--max-wait-ms', '0'], s => concurrent(s, 64, N));
  const unbatched = await withServer(['--max-batch', '1'], s => concurrent(s, 64, N));
  const bare = await withBare(s => concurrent(s, 64, N));
  const us = (x: number) => (Number.isNaN(x) ? 'n/a' : `${Math.round(x)} µs`);
  row('(b) 64 in flight, 10,000 single-row requests', 'micro-batching (64, adaptive)', 'without (--max-batch 1)', '');
  row('    throughput', rate(batched.rps), rate(unbatched.rps), `ratio ${(batched.rps / unbatched.rps).toFixed(2)}× (target ≥ 5×)`);
  row('    server CPU per request', us(batched.cpuUs), us(unbatched.cpuUs), `ratio ${(unbatched.cpuUs / batched.cpuUs).toFixed(2)}×`);
  row('    bare node:http child, same client', rate(bare.rps), `CPU ${us(bare.cpuUs)} per request`, 'the client\'s ceiling on this machine');
  // The load generator shares the 2 CPUs: no server, batched or not, answers faster than a server that does nothing.
  row('    the most batching could reach here', `${(bare.rps / unbatched.rps).toFixed(2)}×`, 'bare ceiling ÷ unbatched', '');

  const mlpArgs = (args: string[]) => withServer(args, s => concurrent(s, 64, MLP_TOTAL, MLP_BODIES, MLP_WARMUP), MLP);
  const mlpBatched = await mlpArgs(['--max-batch', '64', '--max-wait-ms', '0']);
  const mlpUnbatched = await mlpArgs(['--max-batch', '1']);
  const mlpBare = await withBare(s => concurrent(s, 64, MLP_TOTAL, MLP_BODIES, MLP_WARMUP));
  const raw = await rawMlpPerRow();
  row('(b) MLP 256→1024→1024→10, 64 in flight, 3,000 req', 'micro-batching (64, adaptive)', 'without (--max-batch 1)', '');
  row('    throughput', rate(mlpBatched.rps), rate(mlpUnbatched.rps), `ratio ${(mlpBatched.rps / mlpUnbatched.rps).toFixed(2)}× (target ≥ 5×)`);
  row('    server CPU per request', us(mlpBatched.cpuUs), us(mlpUnbatched.cpuUs), `ratio ${(mlpUnbatched.cpuUs / mlpBatched.cpuUs).toFixed(2)}×`);
  row('    raw session.run per row, N=64 / N=1', ms(raw.batched), ms(raw.one), `ratio ${(raw.one / raw.batched).toFixed(2)}× (the model's own batching gain)`);
  row('    bare node:http child, same 256-float bodies', rate(mlpBare.rps), `CPU ${us(mlpBare.cpuUs)} per request`, 'the client\'s ceiling for these bodies');
  row('    the most batching could reach here', `${(mlpBare.rps / mlpUnbatched.rps).toFixed(2)}×`, 'bare ceiling ÷ unbatched', '');
}

export async function servingBench(): Promise<void> {
  console.log('\n== Serving (ONNX endpoint, mlops serve in a child process, --threads 1) ==');
  row('benchmark', 'ours', 'baseline', 'target');
  await latencyBench();
  await throughputBench();
}

if (require.main === module) void servingBench().then(() => process.exit(0), e => { console.error(e); process.exit(1); });
