// Tracking benchmarks (issue: engine foundation). Prints figures beside their physical limits.
import http from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Engine } from '../src/engine/engine';
import { tempWorkspace } from '../test/helpers/workspace';
import { spawnServer } from '../test/helpers/engineProcess';
import { compileRunSearch, searchRuns } from '../src/engine/store/runSearchSql';
import { parseSearch } from '../src/engine/tracking/runSearch';
import { MIGRATIONS } from '../src/engine/store/db';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function request(port: number, p: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: p, method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, res => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
const row = (name: string, ours: string, limit: string, target: string) => console.log(`  ${name.padEnd(44)} ${ours.padEnd(22)} ${limit.padEnd(30)} ${target}`);

async function httpBench(): Promise<void> {
  const ws = tempWorkspace('mlops-bench-');
  const s = await spawnServer(ws);
  // Physical limit: the same keep-alive round trip against a bare node:http server that does nothing.
  const bare = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{}'); }); });
  await new Promise<void>(r => bare.listen(0, '127.0.0.1', () => r()));
  const barePort = (bare.address() as { port: number }).port;
  try {
    const created = await fetch(`${s.url}/api/2.0/mlflow/runs/create`, { method: 'POST', body: JSON.stringify({ experiment_id: '0' }) });
    const runId = ((await created.json()) as { run: { info: { run_id: string } } }).run.info.run_id;
    const N = 10_000;
    const times: number[] = [];
    const bareTimes: number[] = [];
    for (let i = 0; i < 500; i++) await request(s.port, '/api/2.0/mlflow/runs/log-metric', JSON.stringify({ run_id: runId, key: 'warm', value: i, step: i, timestamp: Date.now() }));
    for (let i = 0; i < N; i++) {
      const body = JSON.stringify({ run_id: runId, key: 'loss', value: Math.random(), step: i, timestamp: Date.now() });
      const t = performance.now();
      const st = await request(s.port, '/api/2.0/mlflow/runs/log-metric', body);
      times.push(performance.now() - t);
      if (st !== 200) throw new Error(`log-metric answered ${st}`);
      const t2 = performance.now();
      await request(barePort, '/x', body);
      bareTimes.push(performance.now() - t2);
    }
    row('10,000 log-metric POSTs, keep-alive', `median ${median(times).toFixed(3)} ms`, `bare node:http ${median(bareTimes).toFixed(3)} ms`, 'target ≤ 0.3 ms (MLflow: 15–64 ms)');
    row('', `p99 ${pct(times, 0.99).toFixed(3)} ms`, `bare p99 ${pct(bareTimes, 0.99).toFixed(3)} ms`, '');

    const t0 = performance.now();
    for (let b = 0; b < 10; b++) {
      const metrics = Array.from({ length: 1000 }, (_, i) => ({ key: 'acc', value: Math.random(), step: b * 1000 + i, timestamp: Date.now() }));
      const st = await request(s.port, '/api/2.0/mlflow/runs/log-batch', JSON.stringify({ run_id: runId, metrics }));
      if (st !== 200) throw new Error(`log-batch answered ${st}`);
    }
    const rate = 10_000 / ((performance.now() - t0) / 1000);
    row('10,000 values via log-batch (10 × 1000)', `${Math.round(rate).toLocaleString('en')} values/s`, '', 'target ≥ 100,000/s');
  } finally {
    s.child.kill('SIGTERM');
    bare.close();
    agent.destroy();
  }
}

function storeBench(): void {
  const N = 1_000_000;
  const engine = Engine.open(tempWorkspace('mlops-bench-'), { git: false });
  const run = engine.runs.create({ experimentId: '0', tags: [] });
  const id = run.info.run_id;
  const now = Date.now();
  let t = performance.now();
  for (let b = 0; b < N; b += 1000) {
    const metrics = [];
    for (let i = b; i < b + 1000; i++) metrics.push({ key: 'loss', value: Math.random(), step: i, timestamp: now + i });
    engine.runData.logBatch(id, { metrics, params: [], tags: [] });
  }
  const ours = N / ((performance.now() - t) / 1000);
  engine.close();

  // The physical limit: a raw prepared INSERT loop into the same table schema, one transaction.
  const db = new Database(path.join(tempWorkspace('mlops-bench-raw-'), 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(MIGRATIONS.map(m => m.sql).join('\n'));
  const ins = db.prepare('INSERT INTO metrics (run_uuid, key, step, timestamp, value, is_nan) VALUES (?, ?, ?, ?, ?, 0)');
  t = performance.now();
  db.transaction(() => { for (let i = 0; i < N; i++) ins.run(id, 'loss', i, now + i, Math.random()); })();
  const raw = N / ((performance.now() - t) / 1000);
  db.close();
  row('1,000,000 metrics via store API (1000/batch)', `${Math.round(ours).toLocaleString('en')} values/s`, `raw insert ${Math.round(raw).toLocaleString('en')}/s`, `ratio ${(ours / raw).toFixed(2)} (target ≥ 0.5)`);
}

function searchBench(runs: number): void {
  const engine = Engine.open(tempWorkspace('mlops-bench-'), { git: false });
  const store = engine.store;
  const exp = engine.experiments.create(`bench-${runs}`, undefined, []);
  const now = Date.now();
  store.tx(() => {
    for (let i = 0; i < runs; i++) {
      const rid = `r${i.toString(16).padStart(31, '0')}`;
      store.runs.insert({ run_uuid: rid, experiment_id: Number(exp), name: `run-${i}`, user_id: 'b', status: 'FINISHED', start_time: now - i, artifact_uri: 'x' });
      store.runs.insertParam(rid, 'model', ['cnn', 'mlp', 'xgb', 'svm'][i % 4]);
      store.runs.insertParam(rid, 'lr', String([0.1, 0.01, 0.001][i % 3]));
      store.metrics.insert(rid, [
        { key: 'acc', value: (i * 7919 % 1000) / 1000, step: 10, timestamp: now },
        { key: 'loss', value: (i * 104729 % 1000) / 1000, step: 10, timestamp: now },
      ]);
    }
  });
  store.db.pragma('optimize');
  const { where, order } = parseSearch("metrics.acc > 0.9 AND params.model = 'cnn'", ['metrics.loss ASC']);
  const q = compileRunSearch(where, order, 'ACTIVE_ONLY');
  const times: number[] = [];
  let n = 0;
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    const rows = engine.search.search({ experimentIds: [exp], filter: "metrics.acc > 0.9 AND params.model = 'cnn'", orderBy: ['metrics.loss ASC'], maxResults: 1000 });
    times.push(performance.now() - t);
    n = rows.runs.length;
  }
  const sqlTimes: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    searchRuns(store.db, [Number(exp)], q, 1000, 0);
    sqlTimes.push(performance.now() - t);
  }
  row(`search metric+param filter, order by metric, ${runs.toLocaleString('en')} runs`, `median ${median(times).toFixed(1)} ms (${n} runs)`, `SQL alone ${median(sqlTimes).toFixed(1)} ms`, runs <= 1000 ? 'target < 20 ms' : 'target < 100 ms');
  engine.close();
}

export async function trackingBench(): Promise<void> {
  console.log('\n== Tracking (engine foundation) ==');
  row('benchmark', 'ours', 'physical limit', 'target');
  await httpBench();
  storeBench();
  searchBench(1_000);
  searchBench(100_000);
}

if (require.main === module) void trackingBench().then(() => process.exit(0));
