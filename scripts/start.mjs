// `npm start`: build, seed a demo workspace, open it in a real VS Code (code-server on 127.0.0.1) with
// this extension loaded, and print the URL. Ctrl-C stops everything.
import './node24.mjs';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setup, seedWorkspace, startCodeServer, ROOT } from '../test/vscode/codeServer.mjs';

const run = (cmd, args) => { const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT }); if (r.status !== 0) process.exit(r.status ?? 1); };
run(process.execPath, ['esbuild.mjs']);
setup();
const ws = process.env.MLOPS_DEMO_WORKSPACE ?? path.join(ROOT, '.mlops-demo');
if (!fs.existsSync(path.join(ws, '.mlops', 'tracking.db'))) {
  const seeded = seedWorkspace(ws, 5000);
  fs.writeFileSync(path.join(ws, 'train.py'), [
    'import mlflow, math, random',
    '# MLFLOW_TRACKING_URI is set for integrated terminals by MLOps Workbench',
    'mlflow.set_experiment("iris-classifier")',
    'with mlflow.start_run(run_name="from-terminal"):',
    '    mlflow.log_param("lr", 0.01)',
    '    for step in range(200):',
    '        mlflow.log_metric("acc", 1 - math.exp(-step / 50) + random.random() * 0.01, step=step)',
    '',
  ].join('\n'));
  console.log(`seeded demo workspace ${ws}: ${seeded.experiments} experiments, ${seeded.runs} runs (one still running)`);
} else {
  // A demo workspace from an older version: add the pipeline and drift files it lacks (existing files are kept).
  run(process.execPath, [path.join(ROOT, 'dist/cli.js'), '--workspace', ws, 'demo', '--files-only']);
}
const port = Number(process.env.PORT ?? 8080);
const cs = await startCodeServer(ws, { port, tmp: fs.mkdtempSync(path.join(ROOT, '.vscode-test-run-')) }).catch(async () => startCodeServer(ws, {}));
console.log(`\nMLOps Workbench is open in VS Code (code-server):\n\n  ${cs.devUrl()}\n\nOpen that URL in a browser (127.0.0.1 only). Ctrl-C stops it. Desktop VS Code: code --extensionDevelopmentPath=${ROOT} ${ws}\n`);
// Keep the demo's RUNNING run alive: append a point every second through the engine the extension started.
const live = setInterval(async () => {
  try {
    const { url } = JSON.parse(fs.readFileSync(path.join(ws, '.mlops', 'server.json'), 'utf8'));
    const q = await (await fetch(`${url}/api/2.0/mlflow/runs/search`, { method: 'POST', body: JSON.stringify({ experiment_ids: ['1', '2', '3'], filter: "attributes.status = 'RUNNING'", max_results: 1 }) })).json();
    const run = q.runs?.[0];
    if (!run) return;
    const last = run.data.metrics.find(m => m.key === 'acc');
    const step = (last?.step ?? 0) + 1;
    const acc = Math.min(0.99, (typeof last?.value === 'number' ? last.value : 0.5) + (Math.random() - 0.45) * 0.004);
    await fetch(`${url}/api/2.0/mlflow/runs/log-batch`, { method: 'POST', body: JSON.stringify({ run_id: run.info.run_id, metrics: [
      { key: 'acc', value: acc, step, timestamp: Date.now() }, { key: 'loss', value: Math.max(0.01, 1 - acc + Math.random() * 0.02), step, timestamp: Date.now() }] }) });
  } catch { /* the engine is not up yet */ }
}, 1000);
const stop = () => {
  clearInterval(live); cs.kill(); fs.rmSync(cs.tmp, { recursive: true, force: true }); process.exit(0); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => undefined, 1 << 30);
