// Extension-host suite: real `vscode` API, real engine process, real SQLite.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');

const ID = 'mlops-workbench.mlops-workbench';
const sleep = ms => new Promise(r => setTimeout(r, ms));
async function until(fn, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) { const v = await fn(); if (v) return v; if (Date.now() > end) throw new Error('timed out'); await sleep(100); }
}
let api;
const ws = () => vscode.workspace.workspaceFolders[0].uri.fsPath;
async function post(url, p, body) {
  const r = await fetch(`${url}/api/2.0/mlflow/${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text();
  assert.strictEqual(r.status, 200, text);
  return JSON.parse(text);
}

suite('MLOps Workbench in a real extension host', () => {
  test('activates on a workspace with .mlops/ and returns the API', async () => {
    const ext = vscode.extensions.getExtension(ID);
    assert.ok(ext, 'extension found');
    api = await ext.activate();
    assert.strictEqual(typeof api.startRun, 'function');
    assert.strictEqual(typeof api.logMetric, 'function');
    assert.strictEqual(typeof api.endRun, 'function');
  });

  test('engine child process starts and serves the MLflow API', async () => {
    const url = await api.ready();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.strictEqual(api.trackingUri, url);
    assert.strictEqual(await (await fetch(`${url}/health`)).text(), 'OK');
    const info = JSON.parse(fs.readFileSync(path.join(ws(), '.mlops', 'server.json'), 'utf8'));
    assert.strictEqual(info.url, url);
    assert.notStrictEqual(info.pid, process.pid, 'engine runs in its own process');
  });

  test('tree data matches the store', async () => {
    const tree = api.__test.tree;
    const roots = await tree.getChildren();
    const exps = (await post(api.trackingUri, 'experiments/search', { max_results: 1000 })).experiments;
    assert.deepStrictEqual(roots.map(r => r.name).sort(), exps.map(e => e.name).sort());
    const iris = roots.find(r => r.name === 'iris-classifier');
    const kids = await tree.getChildren(iris);
    const runs = (await post(api.trackingUri, 'runs/search', { experiment_ids: [iris.id] })).runs;
    assert.deepStrictEqual(kids.map(k => k.run.info.run_id), runs.map(r => r.info.run_id), 'runs newest first, same as the store');
    const item = tree.getTreeItem(kids[0]);
    assert.ok(String(item.description).includes('acc=') || String(item.description).length > 0);
    assert.strictEqual(item.contextValue, 'run');
  });

  test('a metric logged to a run on screen redraws that run only, with the new key metric', async () => {
    const tree = api.__test.tree;
    const iris = (await tree.getChildren()).find(r => r.name === 'iris-classifier');
    const kids = await tree.getChildren(iris);
    const target = kids.find(k => k.run.info.status === 'FINISHED') || kids[0];
    const events = [];
    const sub = tree.onDidChangeTreeData(e => events.push(e));
    try {
      await post(api.trackingUri, 'runs/log-metric', { run_id: target.run.info.run_id, key: 'acc', value: 0.123456, timestamp: Date.now(), step: 1e6 });
      await until(() => events.some(e => e && e.kind === 'run' && e.run.info.run_id === target.run.info.run_id), 5000);
      assert.ok(!events.some(e => e === undefined || e.kind === 'experiment'), `the tree or the experiment reloaded: ${events.map(e => (e ? e.kind : 'all')).join(', ')}`);
      assert.match(String(tree.getTreeItem(target).description), /acc=0\.1235/);
    } finally {
      sub.dispose();
    }
  });

  test('the API object logs a run that the store and the tree then show', async () => {
    const info = await api.startRun({ experimentName: 'api-test', runName: 'from-api' });
    api.logParams(info.run_id, { lr: 0.5 });
    for (let s = 0; s < 50; s++) api.logMetric(info.run_id, 'loss', 1 / (s + 1), s);
    await api.endRun(info.run_id);
    const r = await (await fetch(`${api.trackingUri}/api/2.0/mlflow/runs/get?run_id=${info.run_id}`)).json();
    assert.strictEqual(r.run.info.status, 'FINISHED');
    assert.strictEqual(r.run.data.params.find(p => p.key === 'lr').value, '0.5');
    const h = await (await fetch(`${api.trackingUri}/api/2.0/mlflow/metrics/get-history?run_id=${info.run_id}&metric_key=loss`)).json();
    assert.strictEqual(h.metrics.length, 50);
    await until(async () => (await api.__test.tree.getChildren()).some(e => e.name === 'api-test'));
  });

  test('commands execute: copy URI, refresh, plot, compare, runs table, configure notebook logging', async () => {
    const url = await vscode.commands.executeCommand('mlops.server.copyUri');
    assert.strictEqual(url, api.trackingUri);
    assert.strictEqual(await vscode.env.clipboard.readText(), url);
    await vscode.commands.executeCommand('mlops.view.refresh');
    const runs = (await post(api.trackingUri, 'runs/search', { experiment_ids: ['1'], max_results: 3 })).runs.map(r => r.info.run_id);
    await vscode.commands.executeCommand('mlops.metrics.plot', runs);
    await until(() => vscode.window.tabGroups.all.flatMap(g => g.tabs).some(t => t.label.startsWith('Metrics')));
    await vscode.commands.executeCommand('mlops.runs.compare', runs);
    await until(() => vscode.window.tabGroups.all.flatMap(g => g.tabs).some(t => t.label.startsWith('Compare')));
    await vscode.commands.executeCommand('mlops.runsTable.open');
    await until(() => vscode.window.tabGroups.all.flatMap(g => g.tabs).some(t => t.label === 'Runs'));
    const env = await vscode.commands.executeCommand('mlops.notebook.configure');
    assert.match(fs.readFileSync(env, 'utf8'), new RegExp(`MLFLOW_TRACKING_URI=${url.replace(/[.:/]/g, '\\$&')}`));
  });

  test('delete and restore a run through the commands', async () => {
    const tree = api.__test.tree;
    const iris = (await tree.getChildren()).find(r => r.name === 'iris-classifier');
    const node = (await tree.getChildren(iris))[0];
    await vscode.commands.executeCommand('mlops.run.delete', node);
    let r = await (await fetch(`${api.trackingUri}/api/2.0/mlflow/runs/get?run_id=${node.run.info.run_id}`)).json();
    assert.strictEqual(r.run.info.lifecycle_stage, 'deleted');
    await vscode.commands.executeCommand('mlops.run.restore', node);
    r = await (await fetch(`${api.trackingUri}/api/2.0/mlflow/runs/get?run_id=${node.run.info.run_id}`)).json();
    assert.strictEqual(r.run.info.lifecycle_stage, 'active');
  });

  test('turning mlops.server.requireToken on restarts the engine with a token; turning it off restarts it without', async () => {
    const cfg = () => vscode.workspace.getConfiguration('mlops');
    const status = async () => {
      const u = api.trackingUri;
      if (!u) return 0;
      const r = await fetch(`${u}/api/2.0/mlflow/experiments/search`, { method: 'POST', body: '{}' }).catch(() => undefined);
      return r ? r.status : 0;
    };
    await cfg().update('server.requireToken', true, vscode.ConfigurationTarget.Workspace);
    try {
      await until(async () => (await status()) === 401, 20000);
      // The host's own client carries the token (SecretStorage): the tree still loads.
      await until(async () => (await api.__test.tree.getChildren()).some(e => e.name === 'iris-classifier'), 10000);
    } finally {
      await cfg().update('server.requireToken', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await until(async () => (await status()) === 200, 20000);
  });

  test('10,000 runs in one experiment: the first page loads fast and offers "Show more"', async () => {
    const { experiment_id } = await post(api.trackingUri, 'experiments/create', { name: 'big' });
    for (let i = 0; i < 10000; i += 500) {
      await Promise.all(Array.from({ length: 500 }, (_, k) => post(api.trackingUri, 'runs/create', { experiment_id, run_name: `r${i + k}`, start_time: Date.now() })));
    }
    const tree = api.__test.tree;
    const big = await until(async () => (await tree.getChildren()).find(e => e.name === 'big'));
    const t0 = Date.now();
    const kids = await tree.getChildren(big);
    const ms = Date.now() - t0;
    console.log(`tree children for 10,000 runs: ${ms} ms (${kids.length} nodes)`);
    assert.strictEqual(kids.length, 201);
    assert.strictEqual(kids[200].kind, 'more');
  });
});

suite('Notebook run card', () => {
  test('a notebook output of application/vnd.mlops.run+json subscribes the renderer to the run', async () => {
    const info = await api.startRun({ experimentName: 'notebook', runName: 'nb-run' });
    api.logParams(info.run_id, { epochs: 3 });
    for (let s = 0; s < 20; s++) api.logMetric(info.run_id, 'acc', s / 20, s);
    await api.endRun(info.run_id, 'FINISHED');
    // Outputs reach a notebook the way a kernel produces them: a controller executes the cell.
    const output = new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.json({ run_id: info.run_id }, 'application/vnd.mlops.run+json')]);
    const ctrl = vscode.notebooks.createNotebookController('mlops-test-kernel', 'jupyter-notebook', 'MLOps test kernel');
    ctrl.supportedLanguages = ['python'];
    ctrl.executeHandler = async cells => {
      for (const c of cells) {
        const ex = ctrl.createNotebookCellExecution(c);
        ex.start(Date.now());
        await ex.replaceOutput([output]);
        ex.end(true, Date.now());
      }
    };
    const doc = await vscode.workspace.openNotebookDocument('jupyter-notebook', new vscode.NotebookData([new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'show_run_card()', 'python')]));
    const editor = await vscode.window.showNotebookDocument(doc);
    ctrl.updateNotebookAffinity(doc, vscode.NotebookControllerAffinity.Preferred);
    await vscode.commands.executeCommand('notebook.selectKernel', { editor, id: 'mlops-test-kernel', extension: ID });
    await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: 0, end: 1 }], document: doc.uri });
    await until(() => doc.cellAt(0).outputs.length > 0, 15000);
    await until(() => api.__test.runCards.subscriptions.get(info.run_id)?.size > 0, 30000);
    await sleep(1500); // let the card render for the screenshot
  });

  test('activation time is recorded', () => {
    console.log(`activation (constructor, before the engine is up): ${api.__test.activationMs} ms`);
    assert.ok(api.__test.activationMs >= 0);
  });
});

suite('Model registry in VS Code', () => {
  const modelFile = path.resolve(__dirname, '..', '..', 'fixtures', 'iris-logreg.onnx');
  const get = async p => (await fetch(`${api.trackingUri}/api/2.0/${p}`)).json();

  test('the Models view lists the seeded model with stage and alias badges', async () => {
    const models = api.__test.models;
    const roots = await models.getChildren();
    const iris = roots.find(n => n.kind === 'model' && n.model.name === 'iris-classifier');
    assert.ok(iris, 'iris-classifier listed');
    const versions = await models.getChildren(iris);
    const v1 = versions.find(v => v.version.version === '1');
    assert.strictEqual(v1.version.current_stage, 'Production');
    assert.match(String(models.getTreeItem(v1).description), /Production/);
    const v2 = versions.find(v => v.version.version === '2');
    assert.match(String(models.getTreeItem(v2).description), /@champion/);
  });

  test('register from a run, blocked promotion, override with a reason, badges move, rollback', async () => {
    const exp = (await get('mlflow/experiments/get-by-name?experiment_name=iris-classifier')).experiment;
    const run = (await post(api.trackingUri, 'runs/search', { experiment_ids: [exp.experiment_id], filter: "params.model = 'mlp'", max_results: 1 })).runs[0];
    const put = await fetch(`${api.trackingUri}/api/2.0/mlflow-artifacts/artifacts/${exp.experiment_id}/${run.info.run_id}/artifacts/model/model.onnx`, { method: 'PUT', body: fs.readFileSync(modelFile) });
    assert.strictEqual(put.status, 200);
    const mv = await vscode.commands.executeCommand('mlops.model.register', { runId: run.info.run_id, path: 'model', name: 'iris-classifier' });
    assert.strictEqual(mv.version, '3');
    const ref = { name: 'iris-classifier', version: '3' };
    // The demo policy requires lineage complete: no git here, so promotion to Production is blocked.
    const blocked = await vscode.commands.executeCommand('mlops.model.promote', ref, { stage: 'Production' });
    assert.strictEqual(blocked, undefined, 'blocked promotion returns nothing (the error is shown once)');
    assert.strictEqual((await get('mlflow/model-versions/get?name=iris-classifier&version=3')).model_version.current_stage, 'None');
    const promoted = await vscode.commands.executeCommand('mlops.model.promote', ref, { stage: 'Production', override: true, reason: 'hotfix approved by QA' });
    assert.strictEqual(promoted.model_version.current_stage, 'Production');
    assert.ok(promoted.gates.some(g => !g.passed), 'gate results recorded');
    assert.strictEqual((await get('mlflow/model-versions/get?name=iris-classifier&version=1')).model_version.current_stage, 'Archived');
    const audit = (await get('mlops/registry/audit?name=iris-classifier')).entries;
    const last = audit.filter(e => e.version === '3' && e.action === 'transition').pop();
    assert.strictEqual(last.reason, 'hotfix approved by QA');
    assert.strictEqual(last.overridden, true);
    // The run's badge in the Experiments view shows the new version.
    const tree = api.__test.tree;
    const iris = (await tree.getChildren()).find(e => e.name === 'iris-classifier');
    const node = (await tree.getChildren(iris)).find(n => n.kind === 'run' && n.run.info.run_id === run.info.run_id);
    assert.match(String(tree.getTreeItem(node).description), /⬢ iris-classifier v3 Production/);
    // Roll back: v1 is Production again.
    const rb = await vscode.commands.executeCommand('mlops.model.rollback', { name: 'iris-classifier' }, { stage: 'Production', reason: 'v3 misbehaves' });
    assert.strictEqual(rb.model_version.version, '1');
    assert.strictEqual((await get('mlflow/model-versions/get?name=iris-classifier&version=3')).model_version.current_stage, 'Archived');
  });

  test('Show Lineage opens the lineage webview', async () => {
    await vscode.commands.executeCommand('mlops.model.showLineage', { name: 'iris-classifier', version: '1' });
    await until(() => vscode.window.tabGroups.all.flatMap(g => g.tabs).some(t => t.label === 'Lineage · iris-classifier v1'));
  });
});

suite('Push to a remote registry', () => {
  test('pushes a version to a second engine acting as the remote, idempotently', async function () {
    const { spawn } = require('child_process');
    const os = require('os');
    const remoteWs = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-remote-'));
    const cli = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
    const child = spawn(process.execPath, [cli, '--workspace', remoteWs, 'server', '--port', '0'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    try {
      const url = await new Promise((resolve, reject) => {
        let buf = '';
        child.stdout.on('data', d => { buf += d; const m = /"url":"([^"]+)"/.exec(buf); if (m) resolve(m[1]); });
        child.on('exit', c => reject(new Error(`remote exited ${c}`)));
      });
      const r1 = await vscode.commands.executeCommand('mlops.model.push', { name: 'iris-classifier', version: '1' }, { remote: url, stage: 'Production', confirm: false });
      assert.ok(r1 && r1.remoteVersion, 'pushed');
      const r2 = await vscode.commands.executeCommand('mlops.model.push', { name: 'iris-classifier', version: '1' }, { remote: url, stage: 'Production', confirm: false });
      assert.strictEqual(r2.remoteVersion, r1.remoteVersion, 'no duplicate on re-push');
      const remote = await (await fetch(`${url}/api/2.0/mlflow/model-versions/search?filter=${encodeURIComponent("name = 'iris-classifier'")}`)).json();
      assert.strictEqual(remote.model_versions.length, 1);
      assert.strictEqual(remote.model_versions[0].current_stage, 'Production');
    } finally {
      child.kill();
    }
  });
});

suite('Serving endpoints', () => {
  test('serve a registered alias, send the test request, see requests/s move, stop', async () => {
    const e = await vscode.commands.executeCommand('mlops.endpoint.serve', 'models:/iris-classifier@champion');
    assert.ok(e && e.url, 'endpoint started');
    const meta = await vscode.commands.executeCommand('mlops.endpoint.openMetadata', e);
    assert.deepStrictEqual(meta.inputs, [{ name: 'input', type: 'float32', shape: ['N', 4] }]);
    for (let i = 0; i < 20; i++) {
      const r = await vscode.commands.executeCommand('mlops.endpoint.sendTestRequest', e, { inputs: [[5.1, 3.5, 1.4, 0.2]] });
      assert.strictEqual(r.status, 200);
      assert.deepStrictEqual(r.body.predictions.label, [0]);
    }
    const tree = api.__test.endpoints;
    await until(() => /req\/s/.test(String(tree.getTreeItem(e).description)) && e.stats && e.stats.requests >= 20, 10000);
    assert.ok(e.stats.rps > 0, 'requests/s moved');
    await vscode.commands.executeCommand('mlops.endpoint.stop', e);
    assert.strictEqual(tree.getChildren().length, 0);
  });
});

suite('Batch prediction from VS Code', () => {
  test('Batch Predict scores a CSV into a Parquet file and records a run', async () => {
    const os = require('os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-bp-'));
    const input = path.join(dir, 'iris.csv');
    const rows = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'fixtures', 'iris-logreg.testdata.json'), 'utf8')).input;
    fs.writeFileSync(input, ['a,b,c,d', ...rows.map(r => r.join(','))].join('\n') + '\n');
    const output = path.join(dir, 'out.parquet');
    const summary = await vscode.commands.executeCommand('mlops.model.batchPredict', { model: 'models:/iris-classifier/Production', input, output });
    assert.ok(summary, 'a summary');
    assert.ok(fs.statSync(output).size > 0, 'output written');
    const exp = await (await fetch(`${api.trackingUri}/api/2.0/mlflow/experiments/get-by-name?experiment_name=batch-predictions`)).json();
    const runs = (await post(api.trackingUri, 'runs/search', { experiment_ids: [exp.experiment.experiment_id] })).runs;
    assert.ok(runs.some(r => r.data.metrics.some(m => m.key === 'rows' && m.value === rows.length)), 'job recorded as a run with its row count');
  });
});

suite('Endpoints started in a terminal', () => {
  test('an `mlops serve` started outside VS Code shows in the Endpoints view and leaves it when stopped', async () => {
    const { spawn } = require('child_process');
    const cli = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
    const model = path.resolve(__dirname, '..', '..', 'fixtures', 'iris-logreg.onnx');
    const child = spawn(process.execPath, [cli, '--workspace', ws(), 'serve', model, '--port', '0'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    const tree = api.__test.endpoints;
    try {
      const url = await new Promise((resolve, reject) => {
        let buf = '';
        child.stdout.on('data', d => { buf += d; const m = /"url":"([^"]+)"/.exec(buf); if (m) resolve(m[1]); });
        child.on('exit', c => reject(new Error(`serve exited ${c}`)));
      });
      const e = await until(() => tree.getChildren().find(x => x.url === url), 10000);
      assert.ok(e.externalPid, 'shown as a terminal endpoint');
      assert.match(String(tree.getTreeItem(e).label), /\(terminal\)/);
      await vscode.commands.executeCommand('mlops.endpoint.stop', e);
      await until(() => child.exitCode !== null, 10000);
      await until(() => !tree.getChildren().some(x => x.url === url), 10000);
    } finally {
      if (child.exitCode === null) child.kill();
    }
  });
});

suite('Pipelines in VS Code', () => {
  const pipe = () => api.__test.pipeline;
  const stages = () => pipe().model.pipelines.find(p => p.file === 'dvc.yaml')?.stages ?? [];
  const state = name => stages().find(s => s.name === name).status;
  const tabs = () => vscode.window.tabGroups.all.flatMap(g => g.tabs).map(t => t.label);

  test('the Pipeline view lists the demo stages in DAG order, never run, with CodeLens above each stage', async () => {
    await until(async () => { await pipe().model.refresh(); return pipe().model.pipelines.some(p => p.file === 'dvc.yaml'); });
    const tree = pipe().tree;
    const nodes = tree.getChildren();
    assert.deepStrictEqual(nodes.map(n => n.stage), ['prepare', 'train', 'evaluate']);
    for (const n of nodes) {
      const item = tree.getTreeItem(n);
      assert.strictEqual(item.description, 'never run');
      assert.strictEqual(item.contextValue, 'stage.never-run');
      assert.match(item.tooltip.value, new RegExp(`node scripts/${n.stage}\\.js`));
    }
    assert.match(tree.getTreeItem(nodes[1]).tooltip.value, /train\.lr/);
    const uri = vscode.Uri.file(path.join(ws(), 'dvc.yaml'));
    await vscode.window.showTextDocument(uri);
    const lenses = await until(async () => { const l = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri); return l.length >= 6 && l; });
    const lines = stages().map(s => s.line - 1);
    for (const line of lines) {
      const titles = lenses.filter(l => l.range.start.line === line).map(l => l.command.title);
      assert.deepStrictEqual(titles, ['▶ Run', 'never run'], `lenses on line ${line + 1}`);
    }
    assert.strictEqual(lenses.find(l => l.command.title === '▶ Run').command.command, 'mlops.pipeline.runWithUpstream');
  });

  test('running is refused in an untrusted workspace (checked before any process starts)', async () => {
    const runner = pipe().runner;
    const before = vscode.window.terminals.length;
    assert.throws(() => runner.start(api.trackingUri, undefined, {}, false), /trust this workspace/);
    assert.strictEqual(runner.running, false);
    assert.strictEqual(vscode.window.terminals.length, before, 'no terminal opened');
  });

  test('MLOps: Run Pipeline runs every stage in the terminal; all up to date; each stage run tracked', async function () {
    this.timeout(180000);
    const seen = new Set();
    const sub = pipe().model.onDidChange(() => { for (const s of stages()) seen.add(`${s.name}:${s.status.state}`); });
    const t0 = Date.now();
    const result = await vscode.commands.executeCommand('mlops.pipeline.run');
    sub.dispose();
    console.log(`demo pipeline: exit ${result && result.code} in ${Date.now() - t0} ms; states seen: ${[...seen].join(' ')}`);
    assert.ok(result, 'the command returned a result');
    assert.strictEqual(result.code, 0);
    assert.deepStrictEqual(result.failed, []);
    assert.ok(vscode.window.terminals.some(t => t.name === 'MLOps Pipeline'), 'the MLOps Pipeline terminal is open');
    for (const n of ['prepare', 'train', 'evaluate']) {
      assert.strictEqual(state(n).state, 'up-to-date', `${n}: ${state(n).reasons}`);
      assert.ok(state(n).lastRunId, `${n} has a last run`);
    }
    assert.strictEqual(pipe().tree.getTreeItem({ kind: 'stage', file: 'dvc.yaml', stage: 'train' }).description, 'up to date');
    assert.strictEqual(pipe().tree.getTreeItem({ kind: 'stage', file: 'dvc.yaml', stage: 'train' }).contextValue, 'stage.up-to-date.hasRun');
    // The stage runs are runs: in the Experiments view under the pipeline's experiment, tagged with their stage.
    const tree = api.__test.tree;
    const exp = await until(async () => (await tree.getChildren()).find(e => e.name === 'pipeline: dvc.yaml'));
    const runs = await tree.getChildren(exp);
    for (const n of ['prepare', 'train', 'evaluate']) {
      const node = runs.find(r => r.kind === 'run' && r.run.info.run_id === state(n).lastRunId);
      assert.ok(node, `${n}'s run is in the Experiments view`);
      assert.strictEqual(node.run.info.status, 'FINISHED');
      assert.strictEqual(node.run.data.tags.find(t => t.key === 'mlops.pipeline.stage').value, n);
    }
    // Show Log opens the stage.log artifact of the last run; Open Last Run opens the run view.
    const log = await vscode.commands.executeCommand('mlops.pipeline.showLog', { file: 'dvc.yaml', stage: 'train' });
    assert.ok(log && fs.readFileSync(log, 'utf8').length > 0, 'stage.log has the output');
    assert.strictEqual(path.basename(vscode.window.activeTextEditor.document.uri.fsPath), 'stage.log');
    const runId = await vscode.commands.executeCommand('mlops.pipeline.openLastRun', { file: 'dvc.yaml', stage: 'evaluate' });
    assert.strictEqual(runId, state('evaluate').lastRunId);
    await until(() => tabs().includes('Run: evaluate'));
  });

  test('editing params.yaml marks train "changed: params" (file watcher); Run with Upstream brings it back, prepare cached', async function () {
    this.timeout(120000);
    const file = path.join(ws(), 'params.yaml');
    const before = fs.readFileSync(file, 'utf8');
    const prepareRun = state('prepare').lastRunId;
    fs.writeFileSync(file, before.replace(/lr: 0\.5/, 'lr: 0.25'));
    await until(() => state('train').state === 'changed', 20000); // no explicit refresh: the watcher sees params.yaml
    assert.strictEqual(pipe().tree.getTreeItem({ kind: 'stage', file: 'dvc.yaml', stage: 'train' }).description, 'changed: params');
    assert.ok(state('train').reasons.some(r => /train\.lr/.test(r) && /0\.5/.test(r) && /0\.25/.test(r)), state('train').reasons.join('; '));
    assert.strictEqual(state('prepare').state, 'up-to-date');
    const lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', vscode.Uri.file(path.join(ws(), 'dvc.yaml')));
    assert.ok(lenses.some(l => l.command.title === 'changed: params'), 'the CodeLens shows the change');
    const result = await vscode.commands.executeCommand('mlops.pipeline.runWithUpstream', { file: 'dvc.yaml', stage: 'evaluate' });
    assert.strictEqual(result.code, 0);
    for (const n of ['prepare', 'train', 'evaluate']) assert.strictEqual(state(n).state, 'up-to-date', n);
    assert.strictEqual(state('prepare').lastRunId, prepareRun, 'prepare was not run again (cached)');
    const forced = await vscode.commands.executeCommand('mlops.pipeline.forceRun', { file: 'dvc.yaml', stage: 'prepare' });
    assert.strictEqual(forced.code, 0);
    assert.notStrictEqual(state('prepare').lastRunId, prepareRun, 'Force Run re-ran an up-to-date stage');
  });

  test('a definition error becomes a diagnostic at its line, and goes when the file is fixed', async function () {
    this.timeout(60000);
    const dir = path.join(ws(), 'broken');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'dvc.yaml');
    const uri = vscode.Uri.file(file);
    fs.writeFileSync(file, 'stages:\n  a:\n    cmd: echo a > a.txt\n    outs: [a.txt]\n  b:\n    deps: [a.txt]\n');
    try {
      const diags = await until(() => { const d = vscode.languages.getDiagnostics(uri); return d.length && d; }, 20000);
      assert.match(diags[0].message, /stage 'b' has no 'cmd'/);
      assert.strictEqual(diags[0].range.start.line, 4);
      // Two files now: one node per dvc.yaml, the broken one marked invalid.
      const roots = pipe().tree.getChildren();
      assert.deepStrictEqual(roots.map(r => r.file).sort(), ['broken/dvc.yaml', 'dvc.yaml']);
      assert.strictEqual(pipe().tree.getTreeItem(roots.find(r => r.file === 'broken/dvc.yaml')).contextValue, 'pipeline.invalid');
      fs.writeFileSync(file, 'stages:\n  a:\n    cmd: echo a > a.txt\n    outs: [a.txt]\n  b:\n    cmd: echo b\n    deps: [a.txt]\n');
      await until(() => vscode.languages.getDiagnostics(uri).length === 0, 20000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await until(() => pipe().tree.getChildren().length === 3, 20000);
  });

  test('Cancel, Ctrl+C in the terminal and closing the terminal each stop a running stage: exit 130, run KILLED', async function () {
    this.timeout(120000);
    const dir = path.join(ws(), 'slow');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'dvc.yaml'), 'stages:\n  sleep:\n    cmd: node -e "setTimeout(() => {}, 60000)"\n');
    // Each run replaces the previous run's terminal; the old one can linger in the list for a moment: take the newest open one.
    const terminal = () => vscode.window.terminals.filter(t => t.name === 'MLOps Pipeline' && t.exitStatus === undefined).pop();
    const ways = {
      'the Cancel command': async () => assert.strictEqual(await vscode.commands.executeCommand('mlops.pipeline.cancel'), true),
      'Ctrl+C in the terminal': async () => terminal().sendText('\x03', false),
      'closing the terminal': async () => terminal().dispose(),
    };
    try {
      await until(async () => { await pipe().model.refresh(); return pipe().model.find('slow/dvc.yaml', 'sleep'); }, 20000);
      for (const [way, stop] of Object.entries(ways)) {
        const pending = vscode.commands.executeCommand('mlops.pipeline.runStage', { file: 'slow/dvc.yaml', stage: 'sleep' });
        await until(() => pipe().model.find('slow/dvc.yaml', 'sleep')?.status.state === 'running', 30000);
        assert.match(String(pipe().tree.getTreeItem({ kind: 'stage', file: 'slow/dvc.yaml', stage: 'sleep' }).iconPath.id), /spin/);
        await stop();
        const result = await pending;
        assert.strictEqual(result.cancelled, true, way);
        assert.strictEqual(result.code, 130, way);
        assert.notStrictEqual(pipe().model.find('slow/dvc.yaml', 'sleep').status.state, 'running', way);
        const exp = (await (await fetch(`${api.trackingUri}/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent('pipeline: slow/dvc.yaml')}`)).json()).experiment;
        const runs = (await post(api.trackingUri, 'runs/search', { experiment_ids: [exp.experiment_id] })).runs;
        assert.strictEqual(runs[0].info.status, 'KILLED', way);
      }
    } finally {
      await vscode.commands.executeCommand('mlops.pipeline.cancel'); // a failed step must not leave the stage running for the next test
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a failing stage: the command reports it, the view shows it failed, its log is there', async function () {
    this.timeout(60000);
    const dir = path.join(ws(), 'boom');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'dvc.yaml'), 'stages:\n  boom:\n    cmd: node -e "console.log(\'about to fail\'); process.exit(3)"\n');
    try {
      await until(async () => { await pipe().model.refresh(); return pipe().model.find('boom/dvc.yaml', 'boom'); }, 20000);
      const result = await vscode.commands.executeCommand('mlops.pipeline.run', { kind: 'pipeline', file: 'boom/dvc.yaml' });
      assert.strictEqual(result.code, 1);
      assert.strictEqual(result.cancelled, false);
      assert.deepStrictEqual(result.failed, ['boom']);
      const item = pipe().tree.getTreeItem({ kind: 'stage', file: 'boom/dvc.yaml', stage: 'boom' });
      assert.strictEqual(item.description, 'failed');
      assert.strictEqual(item.contextValue, 'stage.failed.hasRun');
      const log = await vscode.commands.executeCommand('mlops.pipeline.showLog', { file: 'boom/dvc.yaml', stage: 'boom' });
      assert.match(fs.readFileSync(log, 'utf8'), /about to fail/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Show Pipeline DAG opens the DAG webview', async () => {
    const panel = await vscode.commands.executeCommand('mlops.pipeline.showDag', { file: 'dvc.yaml' });
    assert.ok(panel, 'panel created');
    await until(() => tabs().includes('Pipeline · dvc.yaml'));
  });
});

// ---- Drift monitoring (helper D4) ----
suite('Drift monitoring in VS Code', () => {
  const drift = () => api.__test.drift;
  const tabs = () => vscode.window.tabGroups.all.flatMap(g => g.tabs).map(t => t.label);
  const monitorsFile = () => path.join(ws(), '.mlops', 'monitors.yaml');
  let original;
  const appendMonitor = text => fs.writeFileSync(monitorsFile(), `${original.trimEnd()}\n${text}`);
  const monitorNode = name => drift().tree.getChildren().find(n => n.kind === 'monitor' && n.name === name);

  suiteSetup(() => { original = fs.readFileSync(monitorsFile(), 'utf8'); });
  suiteTeardown(() => { if (original) fs.writeFileSync(monitorsFile(), original); });

  test('the Monitors view lists the demo monitor, not checked yet, with its sources and schedule', async () => {
    await until(async () => { await drift().model.refresh(); return drift().model.get('customers'); }, 30000);
    const roots = drift().tree.getChildren();
    assert.deepStrictEqual(roots.map(n => n.name), ['customers']);
    const item = drift().tree.getTreeItem(roots[0]);
    assert.strictEqual(item.description, 'never checked');
    assert.strictEqual(item.contextValue, 'monitor');
    const details = drift().tree.getChildren(roots[0]).map(n => drift().tree.getTreeItem(n));
    assert.deepStrictEqual(details.map(d => d.label), ['Not checked yet', 'Reference', 'Current', 'Schedule']);
    assert.strictEqual(details[1].description, 'data/drift/reference.csv');
    assert.match(details[3].description, /every 60 min/);
    assert.strictEqual(drift().view.badge, undefined);
  });

  test('Run Check flags exactly the injected column, first; the view, its badge and the report show it', async () => {
    const check = await vscode.commands.executeCommand('mlops.monitor.run', monitorNode('customers'));
    assert.ok(check, 'the command returned the check');
    assert.deepStrictEqual(check.report.driftedColumns, ['session_minutes']);
    assert.strictEqual(check.report.columns[0].column, 'session_minutes', 'most severe first');
    assert.ok(check.report.columns.slice(1).every(c => !c.verdict.drift), 'no other column drifted');
    assert.strictEqual(check.report.drift, true);
    const item = drift().tree.getTreeItem(monitorNode('customers'));
    assert.match(String(item.description), /^drift: session_minutes · /);
    assert.strictEqual(item.iconPath.id, 'warning');
    assert.strictEqual(item.contextValue, 'monitor.drift.checked');
    assert.strictEqual(drift().view.badge.value, 1);
    await until(() => tabs().includes('Drift · customers'));
    const panel = [...drift().panels].find(p => p.target.monitor === 'customers');
    await until(() => panel.last && panel.last.check.id === check.id, 20000);
    assert.strictEqual(panel.last.history[0].id, check.id, 'the history comes with it, newest first');
    assert.deepStrictEqual(Object.entries(panel.last.history[0].columns).filter(([, c]) => c.drift).map(([k]) => k), ['session_minutes']);
  });

  test('schedule: the tick checks due monitors; a newly drifting column notifies once, a standing drift stays quiet', async function () {
    this.timeout(60000);
    const before = drift().notifier.shown.length;
    assert.deepStrictEqual(await drift().scheduler.tick(Date.now() + 61 * 60000), ['customers'], 'an hourly monitor is due an hour after its check');
    assert.strictEqual(drift().notifier.shown.length, before, 'session_minutes drifted already: no second notification');
    appendMonitor('  customers-1m:\n    reference: {file: data/drift/reference.csv}\n    current: {file: data/drift/current.csv}\n    schedule: 1m\n');
    await until(async () => { await drift().model.refresh(); return drift().model.get('customers-1m'); });
    assert.deepStrictEqual(await drift().scheduler.tick(Date.now() + 2 * 60000), ['customers-1m'], 'a never-checked monitor is due its schedule after the window opened');
    const notice = drift().notifier.shown[before];
    assert.ok(notice, 'a notification was shown');
    assert.strictEqual(notice.message, 'Drift detected in monitor customers-1m: session_minutes');
    assert.strictEqual(drift().notifier.shown.length, before + 1);
    assert.strictEqual(drift().view.badge.value, 2);
    // Open History shows the customers monitor's checks (the manual one and the scheduled one).
    const panel = await vscode.commands.executeCommand('mlops.monitor.openHistory', 'customers');
    await until(() => panel.last && panel.last.history.length >= 2, 20000);
    assert.ok(panel.last.history.every(c => c.drift));
  });

  test('a monitors.yaml error is a diagnostic at its line and column and an error item in the view; fixing the file clears both', async () => {
    const uri = vscode.Uri.file(monitorsFile());
    fs.writeFileSync(monitorsFile(), original.replace('schedule: 60m', 'schedule: soon'));
    const diags = await until(() => { const d = vscode.languages.getDiagnostics(uri); return d.length && d; }, 20000);
    const line = original.split('\n').findIndex(l => l.includes('schedule: 60m'));
    assert.match(diags[0].message, /'schedule' must be a duration/);
    assert.strictEqual(diags[0].range.start.line, line);
    assert.strictEqual(diags[0].range.start.character, original.split('\n')[line].indexOf('60m'));
    const roots = drift().tree.getChildren();
    assert.strictEqual(roots.length, 1);
    assert.strictEqual(roots[0].kind, 'message');
    assert.ok(roots[0].error);
    assert.match(roots[0].text, /monitors\.yaml:\d+:\d+/);
    fs.writeFileSync(monitorsFile(), original);
    await until(() => vscode.languages.getDiagnostics(uri).length === 0, 20000);
    await until(() => monitorNode('customers'), 20000);
  });

  test('Compare with Reference… on a data file opens an ad-hoc report', async () => {
    const current = vscode.Uri.file(path.join(ws(), 'data', 'drift', 'current.csv'));
    const r = await vscode.commands.executeCommand('mlops.drift.compareWithReference', current, { reference: path.join(ws(), 'data', 'drift', 'reference.csv') });
    assert.ok(r && r.checkId > 0, 'stored, so the panel survives a reload');
    assert.deepStrictEqual(r.report.driftedColumns, ['session_minutes']);
    assert.strictEqual(r.report.reference.source, 'data/drift/reference.csv');
    await until(() => tabs().includes('Drift · current.csv vs reference.csv'));
    await until(() => r.panel.last && r.panel.last.check.id === r.checkId, 20000);
    assert.strictEqual(r.panel.last.history, undefined, 'no history for an ad-hoc check');
  });

  test('Check Drift on an endpoint compares its request log; a drifted monitor over it puts a warning on the endpoint', async function () {
    this.timeout(120000);
    const serving = vscode.workspace.getConfiguration('mlops.serving');
    await serving.update('logSample', 1, vscode.ConfigurationTarget.Workspace);
    const e = await vscode.commands.executeCommand('mlops.endpoint.serve', 'models:/iris-classifier@champion');
    try {
      assert.ok(e && e.url, 'endpoint started');
      const columns = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
      for (let i = 0; i < 30; i++) {
        const data = [[7.1 + i / 100, 3.5, 6.4, 2.2], [6.9, 3.0, 6.1 + i / 100, 2.0], [7.5, 3.2, 6.6, 2.3 + i / 100]];
        const res = await fetch(`${e.url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ dataframe_split: { columns, data } }) });
        assert.strictEqual(res.status, 200);
      }
      // The endpoint writes its request log in batches: check until all 90 rows are in.
      const r = await until(async () => {
        const x = await vscode.commands.executeCommand('mlops.endpoint.checkDrift', e, { reference: 'data/iris.csv', windowMinutes: 60 });
        return x && x.report.current.rows >= 90 && x;
      }, 20000);
      assert.ok(r.report.driftedColumns.includes('petal_length'), r.report.driftedColumns.join(', '));
      assert.match(r.report.current.source, /^endpoint /);
      assert.strictEqual(api.__test.endpoints.getTreeItem(e).iconPath.id, 'radio-tower', 'no monitor yet: no warning');
      appendMonitor('  iris-requests:\n    reference: {file: data/iris.csv}\n    current: {endpoint: iris-classifier, window: 60m}\n    columns: [sepal_length, sepal_width, petal_length, petal_width]\n');
      await until(async () => { await drift().model.refresh(); return drift().model.get('iris-requests'); });
      assert.strictEqual(drift().model.get('iris-requests').endpoint, 'iris-classifier');
      const check = await vscode.commands.executeCommand('mlops.monitor.run', 'iris-requests');
      assert.strictEqual(check.drift, true);
      const item = api.__test.endpoints.getTreeItem(e);
      assert.strictEqual(item.iconPath.id, 'warning');
      assert.match(String(item.description), /⚠ drift: iris-requests/);
    } finally {
      if (e) await vscode.commands.executeCommand('mlops.endpoint.stop', e);
      await serving.update('logSample', undefined, vscode.ConfigurationTarget.Workspace);
      fs.writeFileSync(monitorsFile(), original);
    }
  });
});
