// Starts the engine's tracking server for a workspace and publishes .mlops/server.json (mode 0600).
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from './engine';
import { TrackingServer, type ServerOptions } from './server/server';
import { log } from './log';

export interface ServerInfo {
  url: string;
  port: number;
  pid: number;
  token?: string;
  workspace: string;
  startedAt: number;
}

export interface RunningServer {
  info: ServerInfo;
  engine: Engine;
  close(): Promise<void>;
}

export function serverInfoPath(workspace: string): string {
  return path.join(path.resolve(workspace), '.mlops', 'server.json');
}

/** Reads .mlops/server.json; undefined when missing, unreadable, or its process is gone. */
export function readServerInfo(workspace: string): ServerInfo | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(serverInfoPath(workspace), 'utf8')) as ServerInfo;
    process.kill(info.pid, 0);
    return info;
  } catch {
    return undefined;
  }
}

export async function startServer(workspace: string, opts: ServerOptions = {}): Promise<RunningServer> {
  const engine = Engine.open(workspace);
  const server = new TrackingServer(engine, opts);
  let addr;
  try {
    addr = await server.listen();
  } catch (e) {
    engine.close();
    throw e;
  }
  const info: ServerInfo = { url: addr.url, port: addr.port, pid: process.pid, workspace: path.resolve(workspace), startedAt: Date.now(), ...(opts.token ? { token: opts.token } : {}) };
  const file = serverInfoPath(workspace);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(info, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
  log.info(`tracking server for ${info.workspace} listening on ${info.url}`);
  return {
    info, engine,
    async close() {
      await server.close();
      try {
        const cur = JSON.parse(fs.readFileSync(file, 'utf8')) as ServerInfo;
        if (cur.pid === process.pid) fs.rmSync(file, { force: true });
      } catch { /* already gone */ }
      engine.close();
    },
  };
}
