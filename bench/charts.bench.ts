// VS Code layer benchmarks (engine side of what the tree and charts ask for), over real HTTP.
import { Engine } from '../src/engine/engine';
import { TrackingClient } from '../src/client/trackingClient';
import { tempWorkspace } from '../test/helpers/workspace';
import { spawnServer } from '../test/helpers/engineProcess';

const row = (name: string, ours: string, limit: string, target: string) => console.log(`  ${name.padEnd(50)} ${ours.padEnd(26)} ${limit.padEnd(30)} ${target}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  console.log('\n== VS Code layer (tree, charts) ==');
  row('benchmark', 'ours', 'physical limit', 'target');
  const ws = tempWorkspace('mlops-bench-charts-');
  const RUNS = 20;
  const POINTS = Number(process.env.BENCH_POINTS ?? 1_000_000);
  const engine = Engine.open(ws, { git: false });
  const exp = engine.experiments.create('charts', undefined, []);
  const runIds: string[] = [];
  const t0 = performance.now();
  for (let r = 0; r < RUNS; r++) {
    const id = engine.runs.create({ experimentId: exp, tags: [] }).info.run_id;
    runIds.push(id);
    let v = 0;
    for (let b = 0; b < POINTS; b += 1000) {
      const metrics = [];
      for (let i = b; i < b + 1000; i++) { v += Math.random() - 0.5; metrics.push({ key: 'loss', value: v, step: i, timestamp: 1_700_000_000_000 + i }); }
      engine.runData.logBatch(id, { metrics, params: [], tags: [] });
    }
  }
  console.log(`  (seeded ${RUNS} runs × ${POINTS.toLocaleString('en')} points in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const big = engine.experiments.create('big', undefined, []);
  engine.store.tx(() => {
    for (let i = 0; i < 10_000; i++) {
      engine.store.runs.insert({ run_uuid: `b${i.toString(16).padStart(31, '0')}`, experiment_id: Number(big), name: `r${i}`, user_id: '', status: 'FINISHED', start_time: 1_700_000_000_000 + i, artifact_uri: 'x' });
      engine.store.runs.setTag(`b${i.toString(16).padStart(31, '0')}`, 'mlflow.runName', `r${i}`);
      engine.store.runs.insertParam(`b${i.toString(16).padStart(31, '0')}`, 'lr', String(i % 7));
      engine.store.metrics.insert(`b${i.toString(16).padStart(31, '0')}`, [{ key: 'acc', value: Math.random(), step: 0, timestamp: 1 }]);
    }
  });
  engine.close();

  const s = await spawnServer(ws);
  try {
    const client = new TrackingClient({ trackingUri: s.url });
    await client.metricIntervals(runIds, 'loss', 2000); // warm-up
    const times: number[] = [];
    let n = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const pts = await client.metricIntervals(runIds, 'loss', 2000);
      times.push(performance.now() - t);
      n = pts.length;
    }
    const raw = Engine.open(ws, { git: false, readonly: true });
    const t = performance.now();
    const scanned = raw.store.db.prepare('SELECT count(*) FROM metrics WHERE run_uuid = ? AND key = ?').pluck().get(runIds[0], 'loss') as number;
    const scanMs = performance.now() - t;
    raw.close();
    row(`chart data: ${RUNS} runs × ${POINTS.toLocaleString('en')} points, down-sampled`, `median ${median(times).toFixed(0)} ms (${n} pts)`,
      `1 run full scan ${scanMs.toFixed(0)} ms (${scanned})`, 'target < 1000 ms');

    const treeTimes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t1 = performance.now();
      const r = await client.searchRuns({ experiment_ids: [big], max_results: 200, run_view_type: 'ALL' });
      if ((r.runs ?? []).length !== 200) throw new Error('expected 200 runs');
      treeTimes.push(performance.now() - t1);
    }
    row('tree children: experiment with 10,000 runs (page 200)', `median ${median(treeTimes).toFixed(1)} ms`, '', 'target < 300 ms');
    await client.close();
  } finally {
    s.child.kill('SIGTERM');
  }
}
void main().then(() => process.exit(0));
