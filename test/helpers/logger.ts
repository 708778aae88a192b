// A client process for the concurrency test: logs into one run for `seconds` via single log-metric calls
// and buffered batches, then prints {"acked": n, "errors": [...]} and exits 0 if no error surfaced.
import { TrackingClient } from '../../src/client/trackingClient';

async function main(): Promise<void> {
  const [url, runId, key, secondsArg] = process.argv.slice(2);
  const seconds = Number(secondsArg);
  const client = new TrackingClient({ trackingUri: url, flushIntervalMs: 50 });
  const errors: string[] = [];
  let step = 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    try {
      if (step % 2 === 0) {
        await client.http.call('POST', 'runs/log-metric', { run_id: runId, key, value: step, step, timestamp: Date.now() });
        step++;
      } else {
        for (let i = 0; i < 50; i++, step++) client.logMetric(runId, key, step, step);
        await client.flush();
      }
    } catch (e) {
      errors.push((e as Error).message);
      break;
    }
  }
  await client.close().catch(e => errors.push((e as Error).message));
  process.stdout.write(JSON.stringify({ acked: step, errors }) + '\n');
  process.exit(errors.length ? 1 : 0);
}
void main();
