// `mlops serve MODEL_REF`: one endpoint in this process (a model crash never takes anything else down).
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { Engine } from './engine/engine';
import { Endpoint } from './engine/serving/endpoint';
import { serveEndpoint } from './engine/serving/server';
import { addLogSink, stderrSink } from './engine/log';

type Print = (o: unknown) => void;
const num = (name: string, int = true) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || Number.isNaN(n) || (int && !Number.isInteger(n)) || n < 0) throw new CommanderError(2, 'mlops.invalidArgument', `${name} must be a non-negative ${int ? 'integer' : 'number'}, got '${v}'`);
  return n;
};

export function endpointsDir(workspace: string): string {
  return path.join(workspace, '.mlops', 'endpoints');
}

export function addServeCommand(program: Command, workspace: () => string, print: Print): void {
  program.command('serve <modelRef>').description('serve a model (models:/name@alias, models:/name/Stage, models:/name/3, or a .onnx path) on 127.0.0.1')
    .option('-p, --port <n>', 'port (0 picks a free one)', num('port'), 0)
    .option('--max-batch <n>', 'micro-batching: most rows per ONNX Runtime call (1 disables)', num('max-batch'), 64)
    .option('--max-wait-ms <ms>', 'micro-batching: longest an idle model waits for more requests (0: batches form from requests that arrive while a run is in progress)', num('max-wait-ms', false), 0)
    .option('--threads <n>', 'ONNX Runtime intra-op threads (0 = default)', num('threads'), 0)
    .option('--graph-optimization <level>', 'disabled | basic | extended | all', 'all')
    .option('--log-sample <fraction>', 'share of requests written to the request log (.mlops store)', num('log-sample', false), 0.1)
    .action(async (ref: string, o: { port: number; maxBatch: number; maxWaitMs: number; threads: number; graphOptimization: string; logSample: number }) => {
      addLogSink(stderrSink);
      if (!['disabled', 'basic', 'extended', 'all'].includes(o.graphOptimization)) throw new CommanderError(2, 'mlops.invalidArgument', `--graph-optimization must be disabled, basic, extended or all`);
      const ws = workspace();
      const hasStore = fs.existsSync(path.join(ws, '.mlops', 'tracking.db'));
      const engine = ref.startsWith('models:/') || hasStore ? Engine.open(ws, { git: false }) : undefined;
      const id = `${ref}#${process.pid}`;
      const endpoint = new Endpoint(engine, { ref, maxBatch: o.maxBatch, maxWaitMs: o.maxWaitMs, logSample: o.logSample,
        session: { intraOpNumThreads: o.threads || undefined, graphOptimizationLevel: o.graphOptimization as 'all' } }, id);
      await endpoint.start();
      const { server, port, url } = await serveEndpoint(endpoint, { port: o.port });
      const record = engine ? path.join(endpointsDir(ws), `${port}.json`) : undefined;
      const info = { event: 'listening', url, port, pid: process.pid, ref, name: endpoint.loaded.name ?? null, version: endpoint.loaded.version ?? null, startedAt: Date.now() };
      if (record) { fs.mkdirSync(path.dirname(record), { recursive: true }); fs.writeFileSync(record, JSON.stringify(info)); }
      let closing = false;
      const stop = () => {
        if (closing) return;
        closing = true;
        server.close();
        server.closeAllConnections();
        void endpoint.close().finally(() => { if (record) fs.rmSync(record, { force: true }); engine?.close(); process.exit(0); });
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      print(JSON.stringify(info));
    });
}
