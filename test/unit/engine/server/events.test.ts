// GET /api/2.0/mlops/events (server-sent change events) over real HTTP: this server's own writes arrive as precise
// events (kind, run id, experiment id) and never as "anything changed"; a write by another connection (another
// process: the CLI, a pipeline stage, an endpoint) arrives as one "anything changed" event ({id: '*'}).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { openEngine, startTestServer } from '../../../helpers/workspace';

interface Event { kind: string; id: string; experimentId?: string; version: number }

/** Collects the events of one SSE connection until `close()`. */
async function listen(url: string): Promise<{ events: Event[]; close(): void }> {
  const abort = new AbortController();
  const res = await fetch(`${url}/api/2.0/mlops/events`, { signal: abort.signal });
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  const events: Event[] = [];
  void (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      const reader = res.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let at: number;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, at);
          buf = buf.slice(at + 2);
          if (block.startsWith('data: ')) events.push(JSON.parse(block.slice(6)) as Event);
        }
      }
    } catch { /* aborted */ }
  })();
  return { events, close: () => abort.abort() };
}

async function until(fn: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(20);
  }
}

test('own writes arrive as precise events only; another connection\'s write as one "anything changed"', async () => {
  const s = await startTestServer();
  const sse = await listen(s.url);
  try {
    await until(() => sse.events.some(e => e.kind === 'hello'), 2000);
    const { experiment_id } = (await s.call('POST', 'experiments/create', { name: 'ev' })).body;
    const runId = (await s.call('POST', 'runs/create', { experiment_id, start_time: Date.now() })).body.run.info.run_id;
    for (let i = 0; i < 5; i++) assert.equal((await s.call('POST', 'runs/log-metric', { run_id: runId, key: 'acc', value: i / 10, timestamp: Date.now(), step: i })).status, 200);
    await until(() => sse.events.filter(e => e.id === runId).length >= 6, 2000);
    assert.ok(sse.events.some(e => e.kind === 'experiment' && e.id === experiment_id));
    for (const e of sse.events.filter(x => x.id === runId)) {
      assert.ok(e.kind === 'run' || e.kind === 'metric', e.kind);
      assert.equal(e.experimentId, experiment_id);
    }
    await sleep(1200); // more than two polls of data_version
    assert.deepEqual(sse.events.filter(e => e.id === '*'), [], 'own writes never reload everything');

    const other = openEngine(s.ws); // a second connection, as another process would have
    try {
      other.runData.setTag(runId, 'from', 'elsewhere');
    } finally {
      other.close();
    }
    await until(() => sse.events.some(e => e.id === '*'), 2000);
    await sleep(700);
    assert.equal(sse.events.filter(e => e.id === '*').length, 1, 'one event per outside write');
  } finally {
    sse.close();
    await s.close();
  }
});
