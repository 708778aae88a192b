// A table of malformed requests against one real server: each must get the exact 4xx status and
// error_code, a message naming the offending field, and must write nothing (every table's content hash
// and the artifact folder listing are compared after each case).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startTestServer, type TestServer } from '../../../helpers/workspace';

interface Case {
  name: string;
  method: string;
  /** `runs/get` style (prefixed with /api/2.0/mlflow/) or a full path starting with '/'. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send with node:http exactly as written (fetch would normalise the path). */
  raw?: boolean;
  status: number;
  code: string;
  /** Text the message must contain (the offending field), or a pattern. */
  field?: string | RegExp;
}

const IPV = 'INVALID_PARAMETER_VALUE';
const NOPE = 'RESOURCE_DOES_NOT_EXIST';
const ENF = 'ENDPOINT_NOT_FOUND';
const AR = '/api/2.0/mlflow-artifacts/artifacts';

function tableHashes(s: TestServer): Record<string, string> {
  const db = s.engine.store.db;
  const out: Record<string, string> = {};
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  for (const t of tables) {
    const rows = db.prepare(`SELECT * FROM "${t.replace(/"/g, '""')}"`).raw().all();
    const text = JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
    out[t] = crypto.createHash('sha256').update(text).digest('hex');
  }
  return out;
}

function artifactListing(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) { out.push(`${r}/`); walk(path.join(dir, d.name), r); } else {
        const data = fs.readFileSync(path.join(dir, d.name));
        out.push(`${r} ${data.length} ${crypto.createHash('sha256').update(data).digest('hex')}`);
      }
    }
  };
  walk(root, '');
  return out;
}

/** A request sent byte-for-byte as given (no URL normalisation, any Host header). */
function rawRequest(s: TestServer, method: string, p: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: s.info.port, method, path: p, headers: { 'Content-Type': 'application/json', ...headers } }, res => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', c => (text += c));
      res.on('end', () => { let b: unknown = text; try { b = JSON.parse(text); } catch { /* text */ } resolve({ status: res.statusCode ?? 0, body: b }); });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function cases(E: string, R: string, M: string): Case[] {
  const m = (i: number) => ({ key: 'm', value: i, timestamp: 1000 + i, step: i });
  const many = (n: number, f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => f(i));
  const R101 = many(101, i => `r${i}`);
  const p = (v: unknown) => ({ run_id: R, key: 'k1', ...(v as object) });
  return [
    // Bodies that are not a JSON object.
    { name: 'bad JSON', method: 'POST', path: 'experiments/create', body: '{"name": "x"', status: 400, code: IPV, field: /Malformed JSON/ },
    { name: 'JSON with trailing garbage', method: 'POST', path: 'runs/create', body: `{"experiment_id": "${E}"} xx`, status: 400, code: IPV, field: /Malformed JSON/ },
    { name: 'JSON array body', method: 'POST', path: 'runs/log-batch', body: `[{"run_id": "${R}"}]`, status: 400, code: IPV, field: /JSON object/ },
    { name: 'JSON number body', method: 'POST', path: 'experiments/create', body: '42', status: 400, code: IPV, field: /JSON object/ },
    { name: 'JSON null body', method: 'POST', path: 'runs/set-tag', body: 'null', status: 400, code: IPV, field: /JSON object/ },
    { name: 'JSON true body', method: 'POST', path: 'runs/set-tag', body: 'true', status: 400, code: IPV, field: /JSON object/ },
    { name: 'JSON string body', method: 'POST', path: 'experiments/create', body: '"hello"', status: 400, code: IPV, field: /JSON object/ },
    { name: 'body over 1 MB', method: 'POST', path: 'runs/log-batch', body: JSON.stringify({ run_id: R, pad: 'x'.repeat(1024 * 1024 + 10) }), status: 400, code: IPV, field: /exceeds/ },
    // Experiments: wrong types and missing fields.
    { name: 'experiment name as number', method: 'POST', path: 'experiments/create', body: { name: 12345 }, status: 400, code: IPV, field: "'name'" },
    { name: 'experiment name as object', method: 'POST', path: 'experiments/create', body: { name: { a: 1 } }, status: 400, code: IPV, field: "'name'" },
    { name: 'experiment name as list', method: 'POST', path: 'experiments/create', body: { name: ['a'] }, status: 400, code: IPV, field: "'name'" },
    { name: 'experiment name missing', method: 'POST', path: 'experiments/create', body: {}, status: 400, code: IPV, field: "'name'" },
    { name: 'experiment name blank', method: 'POST', path: 'experiments/create', body: { name: '   ' }, status: 400, code: IPV, field: /name/ },
    { name: 'experiment name 501 chars', method: 'POST', path: 'experiments/create', body: { name: 'n'.repeat(501) }, status: 400, code: IPV, field: /name/ },
    { name: 'experiment name taken', method: 'POST', path: 'experiments/create', body: { name: 'bad-input-seed' }, status: 400, code: 'RESOURCE_ALREADY_EXISTS', field: 'bad-input-seed' },
    { name: 'experiment tags not a list', method: 'POST', path: 'experiments/create', body: { name: 'n1', tags: { key: 'a', value: 'b' } }, status: 400, code: IPV, field: "'tags'" },
    { name: 'experiment tag without key', method: 'POST', path: 'experiments/create', body: { name: 'n2', tags: [{ value: 'b' }] }, status: 400, code: IPV, field: "'tags[0].key'" },
    { name: 'experiment tag is a string', method: 'POST', path: 'experiments/create', body: { name: 'n3', tags: ['a'] }, status: 400, code: IPV, field: "'tags[0]'" },
    { name: 'experiments/get without id', method: 'GET', path: 'experiments/get', status: 400, code: IPV, field: "'experiment_id'" },
    { name: 'experiments/get unknown id', method: 'GET', path: 'experiments/get?experiment_id=424242', status: 404, code: NOPE, field: '424242' },
    { name: 'experiments/get non-numeric id', method: 'GET', path: 'experiments/get?experiment_id=abc', status: 404, code: NOPE, field: 'abc' },
    { name: 'get-by-name unknown', method: 'GET', path: 'experiments/get-by-name?experiment_name=nobody', status: 404, code: NOPE, field: 'nobody' },
    { name: 'delete unknown experiment', method: 'POST', path: 'experiments/delete', body: { experiment_id: '424242' }, status: 404, code: NOPE, field: '424242' },
    { name: 'delete default experiment', method: 'POST', path: 'experiments/delete', body: { experiment_id: '0' }, status: 400, code: IPV, field: /default/ },
    { name: 'restore an active experiment', method: 'POST', path: 'experiments/restore', body: { experiment_id: E }, status: 404, code: NOPE, field: E },
    { name: 'rename without new_name', method: 'POST', path: 'experiments/update', body: { experiment_id: E }, status: 400, code: IPV, field: "'new_name'" },
    { name: 'rename unknown experiment', method: 'POST', path: 'experiments/update', body: { experiment_id: '424242', new_name: 'z' }, status: 404, code: NOPE, field: '424242' },
    { name: 'experiment tag without key', method: 'POST', path: 'experiments/set-experiment-tag', body: { experiment_id: E, value: 'v' }, status: 400, code: IPV, field: "'key'" },
    { name: 'experiment tag on unknown experiment', method: 'POST', path: 'experiments/set-experiment-tag', body: { experiment_id: '424242', key: 'k', value: 'v' }, status: 404, code: NOPE, field: '424242' },
    { name: 'delete missing experiment tag', method: 'POST', path: 'experiments/delete-experiment-tag', body: { experiment_id: E, key: 'absent' }, status: 404, code: NOPE, field: 'absent' },
    { name: 'search experiments max_results 0', method: 'POST', path: 'experiments/search', body: { max_results: 0 }, status: 400, code: IPV, field: "'max_results'" },
    { name: 'search experiments max_results -1', method: 'POST', path: 'experiments/search', body: { max_results: -1 }, status: 400, code: IPV, field: "'max_results'" },
    { name: 'search experiments max_results 50001', method: 'POST', path: 'experiments/search', body: { max_results: 50001 }, status: 400, code: IPV, field: "'max_results'" },
    { name: 'search experiments max_results "x"', method: 'GET', path: 'experiments/search?max_results=x', status: 400, code: IPV, field: "'max_results'" },
    { name: 'search experiments view_type BOGUS', method: 'POST', path: 'experiments/search', body: { view_type: 'BOGUS' }, status: 400, code: IPV, field: "'view_type'" },
    { name: 'search experiments view_type BOGUS (GET)', method: 'GET', path: 'experiments/search?view_type=BOGUS', status: 400, code: IPV, field: "'view_type'" },
    { name: 'search experiments bad filter', method: 'POST', path: 'experiments/search', body: { filter: "name = 'x' OR name = 'y'" }, status: 400, code: IPV, field: /OR/ },
    { name: 'search experiments bad page_token', method: 'POST', path: 'experiments/search', body: { page_token: '%%%' }, status: 400, code: IPV, field: /page token/ },
    // Runs.
    { name: 'create run on unknown experiment', method: 'POST', path: 'runs/create', body: { experiment_id: '424242' }, status: 404, code: NOPE, field: '424242' },
    { name: 'create run tags not a list', method: 'POST', path: 'runs/create', body: { experiment_id: E, tags: 'x' }, status: 400, code: IPV, field: "'tags'" },
    { name: 'create run tag without key', method: 'POST', path: 'runs/create', body: { experiment_id: E, tags: [{ value: 'v' }] }, status: 400, code: IPV, field: "'tags[0].key'" },
    { name: 'create run start_time "x"', method: 'POST', path: 'runs/create', body: { experiment_id: E, start_time: 'x' }, status: 400, code: IPV, field: "'start_time'" },
    { name: 'create run run_name as object', method: 'POST', path: 'runs/create', body: { experiment_id: E, run_name: { a: 1 } }, status: 400, code: IPV, field: "'run_name'" },
    { name: 'runs/get without run_id', method: 'GET', path: 'runs/get', status: 400, code: IPV, field: "'run_id'" },
    { name: 'runs/get unknown run', method: 'GET', path: 'runs/get?run_id=deadbeef', status: 404, code: NOPE, field: 'deadbeef' },
    { name: 'runs/get run_id with path characters', method: 'GET', path: 'runs/get?run_id=../etc', status: 400, code: IPV, field: "'run_id'" },
    { name: 'update run status DONE', method: 'POST', path: 'runs/update', body: { run_id: R, status: 'DONE' }, status: 400, code: IPV, field: "'status'" },
    { name: 'update run end_time 1.5', method: 'POST', path: 'runs/update', body: { run_id: R, end_time: 1.5 }, status: 400, code: IPV, field: "'end_time'" },
    { name: 'update unknown run', method: 'POST', path: 'runs/update', body: { run_id: 'deadbeef', status: 'FINISHED' }, status: 404, code: NOPE, field: 'deadbeef' },
    { name: 'delete unknown run', method: 'POST', path: 'runs/delete', body: { run_id: 'deadbeef' }, status: 404, code: NOPE, field: 'deadbeef' },
    // Metrics.
    { name: 'metric without run_id', method: 'POST', path: 'runs/log-metric', body: { key: 'm', value: 1, timestamp: 1 }, status: 400, code: IPV, field: "'run_id'" },
    { name: 'metric run_id as object', method: 'POST', path: 'runs/log-metric', body: { run_id: { id: R }, key: 'm', value: 1, timestamp: 1 }, status: 400, code: IPV, field: "'run_id'" },
    { name: 'metric on unknown run', method: 'POST', path: 'runs/log-metric', body: { run_id: 'deadbeef', key: 'm', value: 1, timestamp: 1 }, status: 404, code: NOPE, field: 'deadbeef' },
    { name: 'metric without key', method: 'POST', path: 'runs/log-metric', body: { run_id: R, value: 1, timestamp: 1 }, status: 400, code: IPV, field: "'key'" },
    { name: 'metric value "abc"', method: 'POST', path: 'runs/log-metric', body: { run_id: R, key: 'm', value: 'abc', timestamp: 1 }, status: 400, code: IPV, field: "'value'" },
    { name: 'metric value object', method: 'POST', path: 'runs/log-metric', body: { run_id: R, key: 'm', value: {}, timestamp: 1 }, status: 400, code: IPV, field: "'value'" },
    { name: 'metric value missing', method: 'POST', path: 'runs/log-metric', body: { run_id: R, key: 'm', timestamp: 1 }, status: 400, code: IPV, field: "'value'" },
    { name: 'metric timestamp "x"', method: 'POST', path: 'runs/log-metric', body: { run_id: R, key: 'm', value: 1, timestamp: 'x' }, status: 400, code: IPV, field: "'timestamp'" },
    { name: 'metric timestamp negative', method: 'POST', path: 'runs/log-metric', body: { run_id: R, key: 'm', value: 1, timestamp: -1 }, status: 400, code: IPV, field: /timestamp/i },
    { name: 'metric timestamp 1.5', method: 'POST', path: 'runs/log-metric', body: { run_id: R, key: 'm', value: 1, timestamp: 1.5 }, status: 400, code: IPV, field: "'timestamp'" },
    { name: 'metric timestamp missing', method: 'POST', path: 'runs/log-metric', body: { run_id: R, key: 'm', value: 1 }, status: 400, code: IPV, field: "'timestamp'" },
    { name: 'metric step "abc"', method: 'POST', path: 'runs/log-metric', body: { run_id: R, key: 'm', value: 1, timestamp: 1, step: 'abc' }, status: 400, code: IPV, field: "'step'" },
    { name: 'metric step 2.5', method: 'POST', path: 'runs/log-metric', body: { run_id: R, key: 'm', value: 1, timestamp: 1, step: 2.5 }, status: 400, code: IPV, field: "'step'" },
    { name: 'metric key with illegal characters', method: 'POST', path: 'runs/log-metric', body: { run_id: R, key: 'a*b', value: 1, timestamp: 1 }, status: 400, code: IPV, field: 'a*b' },
    // Params and tags.
    { name: 'param key 251 chars', method: 'POST', path: 'runs/log-parameter', body: { run_id: R, key: 'k'.repeat(251), value: 'v' }, status: 400, code: IPV, field: /250/ },
    { name: 'param key with illegal characters', method: 'POST', path: 'runs/log-parameter', body: { run_id: R, key: 'bad!key', value: 'v' }, status: 400, code: IPV, field: 'bad!key' },
    { name: "param key with '..'", method: 'POST', path: 'runs/log-parameter', body: { run_id: R, key: 'a/../b', value: 'v' }, status: 400, code: IPV, field: 'a/../b' },
    { name: 'param value over 6000 bytes', method: 'POST', path: 'runs/log-parameter', body: { run_id: R, key: 'big', value: 'v'.repeat(6001) }, status: 400, code: IPV, field: /6000/ },
    { name: 'param value over 6000 bytes (multibyte)', method: 'POST', path: 'runs/log-parameter', body: { run_id: R, key: 'big', value: 'é'.repeat(3001) }, status: 400, code: IPV, field: /6000/ },
    { name: 'param value as object', method: 'POST', path: 'runs/log-parameter', body: p({ value: { a: 1 } }), status: 400, code: IPV, field: "'value'" },
    { name: 'changed param value', method: 'POST', path: 'runs/log-parameter', body: p({ value: 'other' }), status: 400, code: IPV, field: 'k1' },
    { name: 'param without key', method: 'POST', path: 'runs/log-parameter', body: { run_id: R, value: 'v' }, status: 400, code: IPV, field: "'key'" },
    { name: 'tag without key', method: 'POST', path: 'runs/set-tag', body: { run_id: R, value: 'v' }, status: 400, code: IPV, field: "'key'" },
    { name: 'tag value as list', method: 'POST', path: 'runs/set-tag', body: { run_id: R, key: 't', value: ['v'] }, status: 400, code: IPV, field: "'value'" },
    { name: "tag key '..'", method: 'POST', path: 'runs/set-tag', body: { run_id: R, key: '..', value: 'v' }, status: 400, code: IPV, field: "'..'" },
    { name: 'tag on unknown run', method: 'POST', path: 'runs/set-tag', body: { run_id: 'deadbeef', key: 't', value: 'v' }, status: 404, code: NOPE, field: 'deadbeef' },
    { name: 'delete missing run tag', method: 'POST', path: 'runs/delete-tag', body: { run_id: R, key: 'absent' }, status: 404, code: NOPE, field: 'absent' },
    { name: 'delete-tag without key', method: 'POST', path: 'runs/delete-tag', body: { run_id: R }, status: 400, code: IPV, field: "'key'" },
    // log-batch: all or nothing.
    { name: 'batch metrics not a list', method: 'POST', path: 'runs/log-batch', body: { run_id: R, metrics: { key: 'm' } }, status: 400, code: IPV, field: "'metrics'" },
    { name: 'batch with a bad second metric', method: 'POST', path: 'runs/log-batch', body: { run_id: R, metrics: [m(1), { ...m(2), value: 'abc' }] }, status: 400, code: IPV, field: "'metrics[1].value'" },
    { name: 'batch with a negative timestamp', method: 'POST', path: 'runs/log-batch', body: { run_id: R, metrics: [m(1), { ...m(2), timestamp: -5 }] }, status: 400, code: IPV, field: /timestamp/ },
    { name: 'batch of 1001 metrics', method: 'POST', path: 'runs/log-batch', body: { run_id: R, metrics: many(1001, m) }, status: 400, code: IPV, field: /1000 metrics/ },
    { name: 'batch of 101 params', method: 'POST', path: 'runs/log-batch', body: { run_id: R, params: many(101, i => ({ key: `p${i}`, value: 'v' })) }, status: 400, code: IPV, field: /100 params/ },
    { name: 'batch of 101 tags', method: 'POST', path: 'runs/log-batch', body: { run_id: R, tags: many(101, i => ({ key: `t${i}`, value: 'v' })) }, status: 400, code: IPV, field: /100 tags/ },
    { name: 'batch of 1000 metrics + 1 param', method: 'POST', path: 'runs/log-batch', body: { run_id: R, metrics: many(1000, m), params: [{ key: 'x', value: '1' }] }, status: 400, code: IPV, field: /in total/ },
    { name: 'batch with duplicate param keys', method: 'POST', path: 'runs/log-batch', body: { run_id: R, params: [{ key: 'dup', value: '1' }, { key: 'dup', value: '2' }] }, status: 400, code: IPV, field: 'dup' },
    { name: 'batch with a changed param after good metrics', method: 'POST', path: 'runs/log-batch', body: { run_id: R, metrics: [m(1)], params: [{ key: 'new', value: '1' }, { key: 'k1', value: 'x' }] }, status: 400, code: IPV, field: 'k1' },
    { name: 'batch param without key', method: 'POST', path: 'runs/log-batch', body: { run_id: R, params: [{ value: '1' }] }, status: 400, code: IPV, field: "'params[0].key'" },
    { name: 'batch tag with illegal key', method: 'POST', path: 'runs/log-batch', body: { run_id: R, metrics: [m(1)], tags: [{ key: 'a\nb', value: '1' }] }, status: 400, code: IPV, field: /Tag name/ },
    { name: 'batch on unknown run', method: 'POST', path: 'runs/log-batch', body: { run_id: 'deadbeef', metrics: [m(1)] }, status: 404, code: NOPE, field: 'deadbeef' },
    // log-model, inputs, outputs.
    { name: 'log-model without model_json', method: 'POST', path: 'runs/log-model', body: { run_id: R }, status: 400, code: IPV, field: "'model_json'" },
    { name: 'log-model model_json not JSON', method: 'POST', path: 'runs/log-model', body: { run_id: R, model_json: '{' }, status: 400, code: IPV, field: /model_json/ },
    { name: 'log-model model_json missing fields', method: 'POST', path: 'runs/log-model', body: { run_id: R, model_json: '{}' }, status: 400, code: IPV, field: 'artifact_path' },
    { name: 'log-inputs without dataset', method: 'POST', path: 'runs/log-inputs', body: { run_id: R, datasets: [{}] }, status: 400, code: IPV, field: "'dataset'" },
    { name: 'log-inputs dataset without digest', method: 'POST', path: 'runs/log-inputs', body: { run_id: R, datasets: [{ dataset: { name: 'd', source_type: 'local', source: 's' } }] }, status: 400, code: IPV, field: 'datasets[0].dataset.digest' },
    { name: 'outputs without models', method: 'POST', path: 'runs/outputs', body: { run_id: R }, status: 400, code: IPV, field: "'models'" },
    // Search runs.
    { name: 'search runs max_results 0', method: 'POST', path: 'runs/search', body: { experiment_ids: [E], max_results: 0 }, status: 400, code: IPV, field: "'max_results'" },
    { name: 'search runs max_results 50001', method: 'POST', path: 'runs/search', body: { experiment_ids: [E], max_results: 50001 }, status: 400, code: IPV, field: "'max_results'" },
    { name: 'search runs max_results "x"', method: 'POST', path: 'runs/search', body: { experiment_ids: [E], max_results: 'x' }, status: 400, code: IPV, field: "'max_results'" },
    { name: 'search runs view type BOGUS', method: 'POST', path: 'runs/search', body: { experiment_ids: [E], run_view_type: 'BOGUS' }, status: 400, code: IPV, field: "'run_view_type'" },
    { name: 'search runs non-numeric experiment id', method: 'POST', path: 'runs/search', body: { experiment_ids: ['abc'] }, status: 400, code: IPV, field: 'abc' },
    { name: 'search runs with 64 metric terms (SQLite join limit)', method: 'POST', path: 'runs/search',
      body: { experiment_ids: [E], filter: Array.from({ length: 64 }, (_, i) => `metrics.m${i} > 0`).join(' AND ') }, status: 400, code: IPV, field: /too many comparisons/ },
    { name: 'search runs with 11 order_by clauses', method: 'POST', path: 'runs/search',
      body: { experiment_ids: [E], order_by: Array.from({ length: 11 }, (_, i) => `metrics.m${i}`) }, status: 400, code: IPV, field: /too many order_by/ },
    { name: 'search experiments with 1,000 terms', method: 'POST', path: 'experiments/search',
      body: { filter: Array.from({ length: 1000 }, (_, i) => `name = 'e${i}'`).join(' AND ') }, status: 400, code: IPV, field: /too many comparisons/ },
    { name: 'experiment artifact_location with a query', method: 'POST', path: 'experiments/create', body: { name: 'loc1', artifact_location: 'file:///etc?x=' }, status: 400, code: IPV, field: /fragments or params/ },
    { name: 'experiment artifact_location with a fragment', method: 'POST', path: 'experiments/create', body: { name: 'loc2', artifact_location: '/tmp/a#b' }, status: 400, code: IPV, field: /fragments or params/ },
    { name: 'experiment artifact_location bad percent-encoding', method: 'POST', path: 'experiments/create', body: { name: 'loc3', artifact_location: 'file:///tmp/%E0%A4%A/x' }, status: 400, code: IPV, field: /percent-encoding/ },
    { name: 'experiment artifact_location on a remote host', method: 'POST', path: 'experiments/create', body: { name: 'loc4', artifact_location: 'file://host:99/x' }, status: 400, code: IPV, field: /remote host|Malformed/ },
    ...[
      ['missing value', 'metrics.acc >'], ['OR', 'metrics.a > 1 OR metrics.b < 2'], ['unterminated string', "params.x = 'abc"],
      ['unknown entity', 'foo.bar = 1'], ['unknown attribute', "attributes.bogus = 'x'"], ['LIKE on a metric', "metrics.acc LIKE 'x'"],
      ['> on a tag', "tags.t > 'a'"], ['string for a metric', "metrics.acc = 'high'"], ['stray character', 'metrics.acc > 1 ;'],
    ].map(([what, filter]): Case => ({ name: `search runs filter: ${what}`, method: 'POST', path: 'runs/search', body: { experiment_ids: [E], filter }, status: 400, code: IPV, field: /Invalid search expression/ })),
    { name: 'search runs bad order_by direction', method: 'POST', path: 'runs/search', body: { experiment_ids: [E], order_by: ['metrics.acc SIDEWAYS'] }, status: 400, code: IPV, field: /order_by/ },
    { name: 'search runs order_by unknown entity', method: 'POST', path: 'runs/search', body: { experiment_ids: [E], order_by: ['bogus.x'] }, status: 400, code: IPV, field: 'bogus' },
    { name: 'search runs bad page_token', method: 'POST', path: 'runs/search', body: { experiment_ids: [E], page_token: 'not-a-token' }, status: 400, code: IPV, field: /page token/ },
    { name: 'search runs negative offset token', method: 'POST', path: 'runs/search', body: { experiment_ids: [E], page_token: Buffer.from('{"offset":-1}').toString('base64') }, status: 400, code: IPV, field: /page token/ },
    // Metric history.
    { name: 'history without metric_key', method: 'GET', path: `metrics/get-history?run_id=${R}`, status: 400, code: IPV, field: "'metric_key'" },
    { name: 'history max_results 0', method: 'GET', path: `metrics/get-history?run_id=${R}&metric_key=m&max_results=0`, status: 400, code: IPV, field: 'max_results' },
    { name: 'history bad page_token', method: 'GET', path: `metrics/get-history?run_id=${R}&metric_key=m&page_token=zzz`, status: 400, code: IPV, field: /page token/ },
    { name: 'bulk-interval without run_ids', method: 'GET', path: 'metrics/get-history-bulk-interval?metric_key=m', status: 400, code: IPV, field: "'run_ids'" },
    { name: 'bulk-interval with 101 run_ids', method: 'GET', path: `metrics/get-history-bulk-interval?metric_key=m&${R101.map(r => `run_ids=${r}`).join('&')}`, status: 400, code: IPV, field: /run_ids/ },
    { name: 'bulk-interval max_results 2501', method: 'GET', path: `metrics/get-history-bulk-interval?metric_key=m&run_ids=${R}&max_results=2501`, status: 400, code: IPV, field: 'max_results' },
    { name: 'bulk-interval only start_step', method: 'GET', path: `metrics/get-history-bulk-interval?metric_key=m&run_ids=${R}&start_step=3`, status: 400, code: IPV, field: /start step/ },
    { name: 'bulk-interval start after end', method: 'GET', path: `metrics/get-history-bulk-interval?metric_key=m&run_ids=${R}&start_step=9&end_step=3`, status: 400, code: IPV, field: /end_step/ },
    // Artifacts: traversal in every spelling.
    { name: 'artifact list ../x', method: 'GET', path: `${AR}?path=../x`, status: 400, code: IPV, field: "'..'" },
    { name: 'artifact list /etc', method: 'GET', path: `${AR}?path=/etc`, status: 400, code: IPV, field: /absolute/ },
    { name: 'run artifact list ../x', method: 'GET', path: `artifacts/list?run_id=${R}&path=../../x`, status: 400, code: IPV, field: "'..'" },
    { name: 'artifact put ../x (raw)', method: 'PUT', path: `${AR}/../x`, raw: true, body: 'data', status: 404, code: ENF },
    { name: 'artifact put %2e%2e/x', method: 'PUT', path: `${AR}/%2e%2e/x`, raw: true, body: 'data', status: 404, code: ENF },
    { name: 'artifact put %2e%2e%2fx', method: 'PUT', path: `${AR}/%2e%2e%2fx`, body: 'data', status: 400, code: IPV, field: "'..'" },
    { name: 'artifact put %252e%252e/x', method: 'PUT', path: `${AR}/%252e%252e/x`, body: 'data', status: 400, code: IPV, field: /encoded/ },
    { name: 'artifact get %252e%252e%252f', method: 'GET', path: `${AR}/%252e%252e%252fetc%252fpasswd`, status: 400, code: IPV, field: /encoded/ },
    { name: 'artifact put absolute /etc/passwd', method: 'PUT', path: `${AR}//etc/passwd`, body: 'data', status: 400, code: IPV, field: /absolute/ },
    { name: 'artifact get absolute /etc/passwd', method: 'GET', path: `${AR}//etc/passwd`, status: 400, code: IPV, field: /absolute/ },
    { name: 'artifact put backslash', method: 'PUT', path: `${AR}/..%5cx`, body: 'data', status: 400, code: IPV, field: /backslash/ },
    { name: 'artifact put NUL', method: 'PUT', path: `${AR}/a%00b`, body: 'data', status: 400, code: IPV, field: /NUL/ },
    { name: 'artifact delete ../../x', method: 'DELETE', path: `${AR}/%2e%2e%2f%2e%2e%2fx`, status: 400, code: IPV, field: "'..'" },
    { name: 'body nested 5,000 levels deep', method: 'POST', path: 'experiments/create', body: `{"name": ${'['.repeat(5000)}${']'.repeat(5000)}}`, status: 400, code: IPV, field: /nests deeper than 64 levels/ },
    { name: 'page token with offset 1e20', method: 'GET', path: `experiments/search?page_token=${Buffer.from('{"offset":1e20}').toString('base64')}`, status: 400, code: IPV, field: /page token/ },
    { name: 'artifact delete missing file', method: 'DELETE', path: `${AR}/0/absent.txt`, status: 404, code: NOPE, field: 'absent.txt' },
    // Logged models.
    { name: 'finalize with bad status', method: 'PATCH', path: `logged-models/${M}`, body: { status: 'DONE' }, status: 400, code: IPV, field: "'status'" },
    { name: 'finalize with status 99', method: 'PATCH', path: `logged-models/${M}`, body: { status: 99 }, status: 400, code: IPV, field: "'status'" },
    { name: 'finalize unknown model', method: 'PATCH', path: 'logged-models/m-nope', body: { status: 'LOGGED_MODEL_READY' }, status: 404, code: NOPE, field: 'm-nope' },
    { name: 'delete missing model tag', method: 'DELETE', path: `logged-models/${M}/tags/absent`, status: 404, code: NOPE, field: 'absent' },
    { name: 'model without experiment_id', method: 'POST', path: 'logged-models', body: { name: 'x' }, status: 400, code: IPV, field: "'experiment_id'" },
    { name: 'model name with a slash', method: 'POST', path: 'logged-models', body: { experiment_id: E, name: 'a/b' }, status: 400, code: IPV, field: 'a/b' },
    { name: 'model params not a list', method: 'POST', path: `logged-models/${M}/params`, body: { params: 'x' }, status: 400, code: IPV, field: "'params'" },
    { name: 'model tag with illegal key', method: 'PATCH', path: `logged-models/${M}/tags`, body: { tags: [{ key: 'a?b', value: '1' }] }, status: 400, code: IPV, field: 'a?b' },
    { name: 'search models without experiment_ids', method: 'POST', path: 'logged-models/search', body: {}, status: 400, code: IPV, field: "'experiment_ids'" },
    { name: 'search models order_by not objects', method: 'POST', path: 'logged-models/search', body: { experiment_ids: [E], order_by: ['name'] }, status: 400, code: IPV, field: "'order_by[0]'" },
    // Transport: host, origin, routing, encoding.
    { name: 'foreign Host header', method: 'POST', path: '/api/2.0/mlflow/experiments/create', raw: true, body: '{"name":"rebound"}', headers: { Host: 'evil.example:5000' }, status: 403, code: 'PERMISSION_DENIED', field: 'evil.example' },
    { name: 'foreign Origin header', method: 'POST', path: 'experiments/create', body: { name: 'cors' }, headers: { Origin: 'https://evil.example' }, status: 403, code: 'PERMISSION_DENIED', field: 'evil.example' },
    { name: 'unknown endpoint', method: 'GET', path: 'runs/frobnicate', status: 404, code: ENF, field: 'runs/frobnicate' },
    { name: 'unknown root path', method: 'POST', path: '/nope', body: {}, status: 404, code: ENF, field: '/nope' },
    { name: 'GET on a POST endpoint', method: 'GET', path: 'runs/create', status: 404, code: ENF, field: 'GET' },
    { name: 'DELETE on a POST endpoint', method: 'DELETE', path: 'experiments/create', status: 404, code: ENF, field: 'DELETE' },
    { name: 'PUT on a patterned endpoint', method: 'PUT', path: `logged-models/${M}`, body: {}, status: 404, code: ENF, field: 'PUT' },
    { name: 'malformed percent-encoding', method: 'GET', path: '/api/2.0/mlflow/runs/get%E0%A4%A', status: 400, code: IPV, field: /percent-encoding/ },
    { name: 'malformed percent-encoding in a param', method: 'DELETE', path: `/api/2.0/mlflow/logged-models/${M}/tags/%ZZ`, status: 400, code: IPV, field: /percent-encoding/ },
  ];
}

test('malformed requests get exact 4xx errors and write nothing', async t => {
  const s = await startTestServer();
  t.after(() => s.close());
  // Seed: an experiment, a run with a param and a metric, a logged model with a tag, one artifact.
  const E = (await s.call('POST', 'experiments/create', { name: 'bad-input-seed' })).body.experiment_id as string;
  const R = (await s.call('POST', 'runs/create', { experiment_id: E })).body.run.info.run_id as string;
  assert.equal((await s.call('POST', 'runs/log-batch', { run_id: R, params: [{ key: 'k1', value: 'v1' }], metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }] })).status, 200);
  const M = (await s.call('POST', 'logged-models', { experiment_id: E, name: 'seed-model', tags: [{ key: 't', value: '1' }] })).body.model.info.model_id as string;
  assert.equal((await s.call('PUT', `${AR}/0/seed.txt`, 'seed')).status, 200);
  const root = s.engine.store.paths.artifacts;
  let before = { tables: tableHashes(s), files: artifactListing(root) };
  assert.ok(Object.keys(before.tables).length >= 10, 'every table is hashed');

  const table = cases(E, R, M);
  assert.ok(table.length >= 60, `at least 60 cases (have ${table.length})`);
  for (const c of table) {
    await t.test(c.name, async () => {
      const res = c.raw
        ? await rawRequest(s, c.method, c.path, typeof c.body === 'string' ? c.body : c.body === undefined ? undefined : JSON.stringify(c.body), c.headers)
        : await s.call(c.method, c.path, c.body, c.headers);
      // Snapshot first; on a write, re-baseline so only the offending case fails.
      const after = { tables: tableHashes(s), files: artifactListing(root) };
      const changed = Object.keys(after.tables).filter(k => after.tables[k] !== before.tables[k]);
      const filesBefore = before.files;
      before = after;
      assert.notEqual(res.status, 500, `never 500: ${JSON.stringify(res.body)}`);
      assert.equal(res.status, c.status, `status for ${c.method} ${c.path.slice(0, 80)}: ${JSON.stringify(res.body).slice(0, 300)}`);
      assert.equal(typeof res.body, 'object', 'error body is JSON');
      assert.equal(res.body.error_code, c.code);
      assert.equal(typeof res.body.message, 'string');
      assert.ok(res.body.message.length > 0, 'message is non-empty');
      if (typeof c.field === 'string') assert.ok(res.body.message.includes(c.field), `message names ${c.field}: ${res.body.message}`);
      else if (c.field) assert.match(res.body.message, c.field);
      assert.deepEqual(changed, [], 'no table changed');
      assert.deepEqual(after.files, filesBefore, 'no artifact written or removed');
    });
  }

  const health = await s.call('GET', '/health');
  assert.equal(health.status, 200);
  assert.equal(health.body, 'OK');
  // The seeded data is still readable and intact.
  const run = (await s.call('GET', `runs/get?run_id=${R}`)).body.run;
  assert.deepEqual(run.data.params, [{ key: 'k1', value: 'v1' }]);
});
