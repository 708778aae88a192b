// The `mlops` command line over the engine.
import { Command, CommanderError, Option } from 'commander';
import path from 'node:path';
import { Engine } from './engine/engine';
import { startServer } from './engine/serve';
import { newToken } from './engine/server/security';
import { addLogSink, stderrSink } from './engine/log';
import { MlflowError, StoreError } from './engine/errors';
import { seedDemo, seedDemoRegistry } from './engine/tracking/demo';
import { seedDemoPipeline } from './engine/pipeline/demo';
import { formatRunsTable, formatRun } from './cliFormat';
import { addRegistryCommands } from './cliRegistry';
import { addServeCommand } from './cliServe';
import { addPredictCommand } from './cliPredict';
import { addPipelineCommands } from './cliPipeline';
import { addDriftCommands } from './cliDrift';
import { seedDemoDrift } from './engine/drift/demo';

const program = new Command();
program.name('mlops').description('MLOps Workbench: local-first experiment tracking, MLflow-compatible').version('0.1.0')
  .option('-w, --workspace <dir>', 'workspace folder (holds .mlops/)', process.env.MLOPS_WORKSPACE ?? process.cwd());

const ws = () => path.resolve(program.opts<{ workspace: string }>().workspace);
/** Opens the workspace's store; only `init` (and the server, the demo) create one: a mistyped -w is an error, not a new store. */
function withEngine<T>(fn: (e: Engine) => T, create = false): T {
  const e = Engine.open(ws(), { git: false, create });
  try { return fn(e); } finally { e.close(); }
}
const print = (o: unknown): void => { process.stdout.write(`${typeof o === 'string' ? o : JSON.stringify(o, null, 2)}\n`); };
const int = (name: string) => (v: string) => {
  if (!/^-?\d+$/.test(v)) throw new CommanderError(2, 'mlops.invalidArgument', `${name} must be an integer, got '${v}'`);
  return Number(v);
};

program.command('init').description('create .mlops/ (tracking store and artifact folder) in the workspace')
  .action(() => withEngine(e => print(`initialised ${e.store.paths.db}`), true));

program.command('server').description('serve the MLflow REST API for the workspace on 127.0.0.1')
  .option('-p, --port <n>', 'port (0 picks a free one)', int('port'), 5000)
  .addOption(new Option('--host <addr>', 'bind address (loopback unless you mean it)').default('127.0.0.1'))
  .option('--allow-host <name...>', 'extra Host header names to accept when bound beyond loopback')
  .option('--token [token]', 'require a bearer token (generated when no value; default $MLFLOW_TRACKING_TOKEN)')
  .action(async (o: { port: number; host: string; allowHost?: string[]; token?: string | boolean }) => {
    addLogSink(stderrSink);
    const token = o.token === true ? newToken() : typeof o.token === 'string' ? o.token : process.env.MLFLOW_TRACKING_TOKEN || undefined;
    const s = await startServer(ws(), { port: o.port, host: o.host, token, allowedHosts: o.allowHost });
    // Handlers first, then the "listening" line: a supervisor may signal us the moment it reads that line.
    let closing = false;
    const stop = () => { if (closing) return; closing = true; void s.close().then(() => process.exit(0)); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    print(JSON.stringify({ event: 'listening', ...s.info, token: undefined, tokenRequired: !!token }));
    if (o.token === true) process.stderr.write(`bearer token: ${token}\n`);
    process.stdin.on('end', () => { if (process.env.MLOPS_EXIT_ON_STDIN_CLOSE) stop(); });
  });

const experiments = program.command('experiments').description('list, create and delete experiments');
experiments.command('list').description('list experiments with their run counts').option('--all', 'include deleted experiments').option('--json', 'JSON output')
  .action((o: { all?: boolean; json?: boolean }) => withEngine(e => {
    const { experiments: list } = e.experiments.search({ viewType: o.all ? 'ALL' : 'ACTIVE_ONLY', maxResults: 50000 });
    if (o.json) return print(list);
    for (const x of list) print(`${x.experiment_id.padStart(4)}  ${x.name}${x.lifecycle_stage === 'deleted' ? '  (deleted)' : ''}  runs=${e.store.runs.countByExperiment(x.experiment_id)}`);
  }));
experiments.command('create <name>').description('create an experiment; prints its id').option('--artifact-location <uri>')
  .action((name: string, o: { artifactLocation?: string }) => withEngine(e => print(e.experiments.create(name, o.artifactLocation, []))));
experiments.command('delete <id>').description('mark an experiment deleted (restorable, as in MLflow)').action((id: string) => withEngine(e => { e.experiments.delete(id); print(`deleted experiment ${id}`); }));

const runs = program.command('runs').description('list and show runs');
runs.command('list').description('search runs with MLflow\'s filter grammar')
  .option('-e, --experiment <idOrName...>', 'experiment id(s) or name(s) (default: all active)')
  .option('-f, --filter <expr>', "MLflow filter, e.g. \"metrics.acc > 0.9 AND params.model = 'cnn'\"")
  .option('-o, --order-by <clause...>', 'e.g. "metrics.acc DESC"')
  .option('-n, --max <n>', 'maximum runs', int('max'), 100)
  .option('--json', 'JSON output')
  .action((o: { experiment?: string[]; filter?: string; orderBy?: string[]; max: number; json?: boolean }) => withEngine(e => {
    const ids = o.experiment?.length
      ? o.experiment.map(x => (/^\d+$/.test(x) ? e.experiments.get(x) : e.experiments.getByName(x)).experiment_id)
      : e.experiments.search({ viewType: 'ACTIVE_ONLY', maxResults: 50000 }).experiments.map(x => x.experiment_id);
    const res = e.search.search({ experimentIds: ids, filter: o.filter, orderBy: o.orderBy, maxResults: o.max });
    print(o.json ? res.runs : formatRunsTable(res.runs));
  }));
runs.command('show <runId>').description('one run: params, latest metrics, tags, dataset inputs').option('--json', 'JSON output')
  .action((id: string, o: { json?: boolean }) => withEngine(e => { const r = e.runs.get(id); print(o.json ? r : formatRun(r)); }));

const logCmd = program.command('log').description('log a metric, param or tag into a run');
logCmd.command('metric <runId> <key> <value>').description('append a metric value (NaN, Infinity accepted) at a step').option('-s, --step <n>', 'step', int('step'), 0)
  .action((runId: string, key: string, value: string, o: { step: number }) => withEngine(e => {
    const v = Number(value);
    if (value.trim() === '' || (Number.isNaN(v) && value !== 'NaN')) throw new CommanderError(2, 'mlops.invalidArgument', `metric value must be a number, got '${value}'`);
    e.runData.logMetric(runId, { key, value: v, step: o.step, timestamp: Date.now() });
  }));
logCmd.command('param <runId> <key> <value>').description('log a param (immutable: a different value is an error)').action((runId: string, key: string, value: string) => withEngine(e => e.runData.logParam(runId, key, value)));
logCmd.command('tag <runId> <key> <value>').description('set a tag (overwrites)').action((runId: string, key: string, value: string) => withEngine(e => e.runData.setTag(runId, key, value)));

program.command('demo').description('seed the workspace with demo experiments and runs (long metric histories, one still running), a registered ONNX model, a dvc.yaml pipeline and drift monitors')
  .option('--points <n>', 'metric points per run', int('points'), 2000)
  .option('--files-only', 'only add the pipeline and drift files that are missing (never overwrites)')
  .action(async (o: { points: number; filesOnly?: boolean }) => {
    const files = () => ({ pipelineFiles: seedDemoPipeline(ws()).written.length, driftFiles: seedDemoDrift(ws()).written.length });
    if (o.filesOnly) return print(files());
    const e = Engine.open(ws(), { git: false });
    try {
      const seeded = seedDemo(e, { points: o.points });
      print({ ...seeded, modelVersions: await seedDemoRegistry(e), ...files() });
    } finally {
      e.close();
    }
  });

addRegistryCommands(program, () => Engine.open(ws(), { git: false }), print);
addServeCommand(program, ws, print);
addPredictCommand(program, () => Engine.open(ws(), { git: false }), print);
addPipelineCommands(program, ws, print);
addDriftCommands(program, ws, print);

program.exitOverride();
program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') process.exit(0);
    if (e.code === 'mlops.invalidArgument') process.stderr.write(`mlops: ${e.message}\n`);
    process.exit(e.exitCode || 2);
  }
  const msg = e instanceof MlflowError ? `${e.code}: ${e.message}` : e instanceof StoreError ? e.message : (e as Error).message;
  process.stderr.write(`mlops: ${msg}\n`);
  process.exit(1);
});
