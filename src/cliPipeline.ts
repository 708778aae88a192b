// `mlops repro` and `mlops status`: run the pipeline stages that are not up to date (each execution a run),
// and show why each stage would run. Exit codes: 0 ok, 1 a stage failed or the definition is wrong, 130 cancelled.
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { Engine } from './engine/engine';
import { readServerInfo, startServer, type RunningServer } from './engine/serve';
import { findPipelines, loadPipeline } from './engine/pipeline/definition';
import { reproduce } from './engine/pipeline/executor';
import { pipelineStatus } from './engine/pipeline/status';
import { PipelineError, type Pipeline, type PipelineEvent, type StageStatus } from './engine/pipeline/types';

type Print = (o: unknown) => void;

const jobsArg = (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new CommanderError(2, 'mlops.invalidArgument', `--jobs must be a positive integer, got '${v}'`);
  return Number(v);
};
const shown = (file: string) => { const r = path.relative(process.cwd(), file); return r && !r.startsWith('..') ? r : file; };

/** --file relative to the workspace; default its dvc.yaml, or the only dvc.yaml below it. */
export function pipelineFile(ws: string, file?: string): string {
  if (file) return path.resolve(ws, file);
  const def = path.join(ws, 'dvc.yaml');
  if (fs.existsSync(def)) return def;
  const found = findPipelines(ws);
  if (found.length === 1) return found[0];
  if (!found.length) throw new PipelineError(`no dvc.yaml in ${ws}`, def);
  throw new PipelineError(`several pipelines, choose one with --file: ${found.map(f => path.relative(ws, f)).join(', ')}`, def);
}

/** Runs fn; a PipelineError prints "dvc.yaml:12:5: message" and exits 1. */
async function guarded(fn: () => Promise<number>): Promise<void> {
  let code: number;
  try {
    code = await fn();
  } catch (e) {
    if (!(e instanceof PipelineError)) throw e;
    process.stderr.write(`${shown(e.file)}:${e.line}:${e.col}: ${e.reason}\n`);
    code = 1;
  }
  process.exit(code);
}

const STATE_TEXT: Record<StageStatus['state'], string> = { 'up-to-date': 'up to date', changed: 'changed', 'never-run': 'never run', frozen: 'frozen', running: 'running', failed: 'failed' };
/** "train: changed — params changed: lr 0.01 → 0.02"; a failed stage says why first: "train: failed (exit code 3) — …". */
export function statusLine(s: StageStatus): string {
  const why = s.reasons.filter(r => r !== 'never run');
  const head = s.state === 'failed' && why[0]?.startsWith('failed: ') ? `failed (${why.shift()!.slice('failed: '.length)})` : STATE_TEXT[s.state];
  return `${s.stage}: ${head}${why.length && s.state !== 'up-to-date' ? ` — ${why.join('; ')}` : ''}`;
}

/** Prints executor events as a readable stream; stage output prefixed "[stage] " when stages run in parallel. */
function printer(jobs: number, dry: boolean) {
  const out = (s: string) => process.stdout.write(s);
  const partial = new Map<string, string>();
  const flush = (stage: string) => { const rest = partial.get(stage); if (rest) out(`[${stage}] ${rest}\n`); partial.delete(stage); };
  return (e: PipelineEvent) => {
    switch (e.type) {
      case 'plan':
        for (const s of e.stages) {
          if (dry) out(`${s.action === 'run' ? 'would run' : 'skip'} '${s.stage}': ${s.reasons.join('; ')}\n`);
          else if (s.action === 'skip') out(`Stage '${s.stage}' is ${s.reasons[0] === 'frozen' ? 'frozen' : 'up to date'}, skipping\n`);
        }
        break;
      case 'stage-skip': out(`Stage '${e.stage}' is ${e.reasons[0] === 'frozen' ? 'frozen' : 'up to date'}, skipping\n`); break;
      case 'stage-start': out(`Running stage '${e.stage}' (run ${e.runId}):\n${e.cmd.split('\n').map(c => `> ${c}\n`).join('')}`); break;
      case 'output': {
        const w = e.stream === 'stderr' ? (s: string) => process.stderr.write(s) : out;
        if (jobs <= 1) { w(e.text); break; }
        const lines = ((partial.get(e.stage) ?? '') + e.text).split('\n');
        partial.set(e.stage, lines.pop()!);
        for (const l of lines) w(`[${e.stage}] ${l}\n`);
        break;
      }
      case 'stage-end': {
        if (jobs > 1) flush(e.stage);
        const secs = `${(e.ms / 1000).toFixed(1)} s`;
        if (e.state === 'succeeded') out(`Stage '${e.stage}' finished in ${secs}\n`);
        else if (e.state === 'killed') out(`Stage '${e.stage}' killed after ${secs}\n`);
        else if (!e.runId && e.error) process.stderr.write(`Stage '${e.stage}' not run: ${e.error}\n`); // refused before starting
        else process.stderr.write(`Stage '${e.stage}' failed${e.error ? `: ${e.error}` : ''}\n`);
        break;
      }
      case 'done': break;
    }
  };
}

interface ReproCli { force?: boolean; singleItem?: boolean; jobs: number; dry?: boolean; file?: string; experiment?: string; trackingUri?: string }

async function repro(ws: string, targets: string[], o: ReproCli): Promise<number> {
  const file = pipelineFile(ws, o.file);
  const p: Pipeline = loadPipeline(file, { workspace: ws });
  let server: RunningServer | undefined;
  const env: Record<string, string> = {};
  let trackingUri = o.trackingUri;
  if (!trackingUri && !o.dry) {
    const running = readServerInfo(ws);
    if (running) {
      trackingUri = running.url;
      if (running.token && !process.env.MLFLOW_TRACKING_TOKEN) env.MLFLOW_TRACKING_TOKEN = running.token;
    } else {
      server = await startServer(ws, { port: 0 });
      trackingUri = server.info.url;
    }
  }
  const engine = server?.engine ?? Engine.open(ws);
  const ac = new AbortController();
  let signals = 0;
  const onSignal = () => {
    if (++signals > 1) process.exit(130);
    process.stderr.write('cancelling: stopping running stages…\n');
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const r = await reproduce(engine, ws, p, {
      targets, single: o.singleItem, force: o.force, jobs: o.jobs, dry: o.dry, trackingUri: trackingUri ?? '',
      experimentName: o.experiment, env, signal: ac.signal, onEvent: printer(o.jobs, !!o.dry),
    });
    if (o.dry) {
      process.stdout.write(`dry run: ${r.notRun.length} would run, ${r.skipped.length} skipped\n`);
    } else {
      const extra = r.notRun.length ? `, ${r.notRun.length} not run` : '';
      process.stdout.write(`${r.ran.length} ran, ${r.skipped.length} skipped (up to date), ${r.failed.length} failed${extra}${r.cancelled ? ' — cancelled' : ''}\n`);
    }
    return r.cancelled ? 130 : r.ok ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (server) await server.close(); else engine.close();
  }
}

export function addPipelineCommands(program: Command, workspace: () => string, print: Print): void {
  program.command('repro [stages...]').description('run the pipeline stages (dvc.yaml) that are not up to date; each stage execution is a run')
    .option('-f, --force', 'run the selected stages even when up to date')
    .option('-s, --single-item', 'only the named stages, not their upstream')
    .option('-j, --jobs <n>', 'stages to run at once', jobsArg, 1)
    .option('--dry', 'print what would run; run nothing')
    .option('--file <dvc.yaml>', 'the pipeline file (relative to the workspace)')
    .option('--experiment <name>', 'experiment for the runs (default "pipeline: <file>")')
    .option('--tracking-uri <uri>', 'tracking server the stages log to (default: the workspace server, or one started for the run)')
    .action((stages: string[], o: ReproCli) => guarded(() => repro(workspace(), stages, o)));

  program.command('status').description('show which pipeline stages changed since their last successful run, and why')
    .option('--file <dvc.yaml>', 'the pipeline file (relative to the workspace)')
    .option('--json', 'JSON output')
    .action((o: { file?: string; json?: boolean }) => guarded(async () => {
      const ws = workspace();
      const p = loadPipeline(pipelineFile(ws, o.file), { workspace: ws });
      const engine = Engine.open(ws, { git: false });
      try {
        const { stages } = pipelineStatus(engine.store, ws, p);
        if (o.json) print({ file: path.relative(ws, p.file).split(path.sep).join('/'), stages });
        else print(stages.length ? stages.map(statusLine).join('\n') : 'no stages');
      } finally {
        engine.close();
      }
      return 0;
    }));
}
