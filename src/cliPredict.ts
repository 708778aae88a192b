// `mlops predict --model MODEL_REF --input FILE --output FILE`: batch prediction over a CSV, Arrow or Parquet file,
// recorded as a run. Progress goes to stderr, the one-line summary to stdout.
import { Command, CommanderError } from 'commander';
import path from 'node:path';
import type { Engine } from './engine/engine';
import { batchPredict, DEFAULT_CHUNK_ROWS } from './engine/serving/batchPredict';

type Print = (o: unknown) => void;
type Open = () => Engine;

const positive = (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new CommanderError(2, 'mlops.invalidArgument', `--chunk-rows must be a positive integer, got '${v}'`);
  return Number(v);
};
const count = (n: number) => Math.round(n).toLocaleString('en');

export function addPredictCommand(program: Command, open: Open, print: Print): void {
  program.command('predict').description('batch prediction: run a model over a table file (.csv, .arrow/.feather/.ipc, .parquet) into another, recorded as a run')
    .requiredOption('-m, --model <ref>', 'models:/name@alias, models:/name/Stage, models:/name/3, or a .onnx path')
    .requiredOption('-i, --input <file>', 'input table (.csv, .arrow, .feather, .ipc, .parquet)')
    .requiredOption('-o, --output <file>', 'output table, one column per model output (.csv, .arrow, .feather, .ipc, .parquet)')
    .option('--chunk-rows <n>', 'rows per ONNX Runtime call', positive, DEFAULT_CHUNK_ROWS)
    .option('--json', 'print the summary as JSON')
    .action(async (o: { model: string; input: string; output: string; chunkRows: number; json?: boolean }) => {
      const engine = open();
      const tty = process.stderr.isTTY;
      let last = 0;
      let shown = 0;
      const show = (done: number, total: number | undefined) => {
        const line = `predicted ${count(done)}${total ? ` / ${count(total)} rows (${Math.floor((100 * done) / total)}%)` : ' rows'}`;
        process.stderr.write(tty ? `\r${line}` : `${line}\n`);
        shown = done;
      };
      // At most four lines a second; the last count always.
      const progress = (done: number, total: number | undefined) => {
        const now = Date.now();
        if (now - last < 250 && done !== total) return;
        last = now;
        show(done, total);
      };
      try {
        const r = await batchPredict(engine, { model: o.model, input: o.input, output: o.output, chunkRows: o.chunkRows, onProgress: progress });
        if (shown !== r.rows) show(r.rows, undefined);
        if (tty) process.stderr.write('\n');
        if (o.json) return print(JSON.stringify({ rows: r.rows, seconds: r.seconds, rows_per_s: r.rowsPerSecond, run_id: r.runId, output: r.output, chunks: r.chunks }));
        print(`predicted ${count(r.rows)} rows in ${r.seconds.toFixed(2)} s (${count(r.rowsPerSecond)} rows/s) → ${path.relative(process.cwd(), r.output) || r.output}  run ${r.runId}`);
      } catch (e) {
        if (tty && last) process.stderr.write('\n');
        throw e;
      } finally {
        engine.close();
      }
    });
}
