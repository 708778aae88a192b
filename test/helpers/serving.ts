// Serving test fixtures: the three ONNX models with their reference outputs, an Endpoint served in-process
// over real HTTP, a plain node:http client (it can set any Host header), a Prometheus text parser, and
// `mlops serve` as a child process.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Engine } from '../../src/engine/engine';
import { Endpoint, type EndpointOptions } from '../../src/engine/serving/endpoint';
import { serveEndpoint } from '../../src/engine/serving/server';
import { CLI, ROOT } from './engineProcess';

const FIXTURES = path.join(ROOT, 'test', 'fixtures');
export const IRIS = path.join(FIXTURES, 'iris-logreg.onnx');
export const MULTI = path.join(FIXTURES, 'multi-input.onnx');
export const ECHO = path.join(FIXTURES, 'string-echo.onnx');

/** Seven iris rows with the label and probabilities the model must give. */
export const iris = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'iris-logreg.testdata.json'), 'utf8')) as { input: number[][]; label: number[]; probabilities: number[][] };
/** Four rows of x (float32 [N,3]), scale (float64), count (int64), flag (bool) and the five outputs. */
export const multi = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'multi-input.testdata.json'), 'utf8')) as {
  inputs: { x: number[][]; scale: number[][]; count: number[][]; flag: boolean[][] };
  outputs: Record<'y' | 'scaled' | 'count_plus' | 'not_flag' | 'total', unknown[][]>;
};

export interface Reply { status: number; headers: http.IncomingHttpHeaders; text: string; body: any }

/** One HTTP request with node:http (any headers, including Host); JSON bodies are parsed. */
export function request(url: string, method: string, p: string, body?: string | Buffer, headers: Record<string, string> = {}, agent?: http.Agent): Promise<Reply> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: p, method, agent, headers: { ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}), ...headers } }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try { parsed = JSON.parse(text); } catch { /* text */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** POST a scoring request: objects are sent as JSON, strings as they are. */
export const invoke = (url: string, body: unknown, contentType = 'application/json', p = '/invocations', agent?: http.Agent) =>
  request(url, 'POST', p, typeof body === 'string' ? body : JSON.stringify(body), { 'Content-Type': contentType }, agent);

export const get = (url: string, p: string) => request(url, 'GET', p);

export interface Served {
  endpoint: Endpoint;
  server: http.Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts an Endpoint for `ref` and serves it on a free loopback port. */
export async function serve(ref: string, opts: Partial<EndpointOptions> = {}, engine?: Engine, id = 'test-endpoint'): Promise<Served> {
  const endpoint = new Endpoint(engine, { ref, ...opts }, id);
  await endpoint.start();
  const { server, port, url } = await serveEndpoint(endpoint, {});
  return {
    endpoint, server, port, url,
    close: async () => {
      server.close();
      server.closeAllConnections();
      await endpoint.close();
    },
  };
}

/** The iris predictions ({label, probabilities} by name) equal the reference for `rows` (float32 tolerance). */
export function assertIris(predictions: any, rows: number[] = iris.input.map((_, i) => i)): void {
  assert.deepEqual(Object.keys(predictions).sort(), ['label', 'probabilities']);
  assert.deepEqual(predictions.label, rows.map(i => iris.label[i]));
  assert.equal(predictions.probabilities.length, rows.length);
  rows.forEach((r, i) => iris.probabilities[r].forEach((p, j) => {
    assert.ok(Math.abs(predictions.probabilities[i][j] - p) < 1e-6, `row ${r} class ${j}: ${predictions.probabilities[i][j]} vs ${p}`);
  }));
}

/** A successful scoring reply's predictions. */
export function predictions(r: Reply): any {
  assert.equal(r.status, 200, `expected 200, got ${r.status} ${r.text}`);
  return r.body.predictions;
}

/** Prometheus text → value by `name{labels}` exactly as rendered. */
export function parseMetrics(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    m.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return m;
}

/** Sum of every sample of `name` whose labels include all of `labels`. */
export function metricSum(m: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const [k, v] of m) {
    if (!k.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([l, val]) => k.includes(`${l}="${val}"`))) sum += v;
  }
  return sum;
}

export interface ServeProcess { child: ChildProcess; url: string; port: number; info: Record<string, unknown>; stderr: () => string }

/** `mlops serve …` (dist/cli.js) as a child process, resolved at its "listening" line. */
export function spawnServe(ws: string, args: string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, '--workspace', ws, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', d => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`mlops serve did not start: ${err}`)); }, 15000);
    child.stdout!.on('data', d => {
      out += d;
      const line = out.split('\n').find(l => l.includes('"listening"'));
      if (!line) return;
      clearTimeout(timer);
      const info = JSON.parse(line) as { url: string; port: number };
      resolve({ child, url: info.url, port: info.port, info, stderr: () => err });
    });
    child.on('exit', code => { clearTimeout(timer); reject(new Error(`mlops serve exited with ${code}: ${err}`)); });
  });
}
