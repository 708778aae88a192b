// Temp workspaces with a real store, and an in-process server on a free port.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../src/engine/engine';
import { startServer, type RunningServer } from '../../src/engine/serve';
import type { ServerOptions } from '../../src/engine/server/server';

export function tempWorkspace(prefix = 'mlops-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function openEngine(ws = tempWorkspace()): Engine {
  return Engine.open(ws, { git: false });
}

export interface TestServer extends RunningServer {
  url: string;
  ws: string;
  /** JSON request; returns status and parsed body (or text). */
  call(method: string, apiPath: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
}

export async function startTestServer(opts: ServerOptions = {}, ws = tempWorkspace()): Promise<TestServer> {
  const s = await startServer(ws, { port: 0, ...opts });
  const url = s.info.url;
  const call = async (method: string, apiPath: string, body?: unknown, headers: Record<string, string> = {}) => {
    const full = apiPath.startsWith('/') ? url + apiPath : `${url}/api/2.0/mlflow/${apiPath}`;
    const res = await fetch(full, {
      method, headers: { 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = JSON.parse(text); } catch { /* text */ }
    return { status: res.status, body: parsed as any };
  };
  return { ...s, url, ws, call };
}
