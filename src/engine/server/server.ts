// node:http server for the MLflow REST API on 127.0.0.1. Never crashes on a client's mistake.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { MlflowError, StoreError } from '../errors';
import { log } from '../log';
import type { Engine } from '../engine';
import { Decoder, parseJsonBody, queryFields, type Fields } from './decode';
import { Router } from './routes';
import type { Reply } from './context';
import { hostAllowed, originAllowed, tokenAllowed } from './security';
import { LIMITS } from '../tracking/validate';
import type { Change } from '../store/store';

export interface ServerOptions {
  port?: number;
  host?: string;
  token?: string;
  /** Extra Host header names to accept (only when explicitly configured for non-loopback use). */
  allowedHosts?: string[];
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, extra: http.OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

function sendError(res: http.ServerResponse, e: unknown, extra: http.OutgoingHttpHeaders = {}): void {
  if (e instanceof MlflowError) return sendJson(res, e.status, e.toJSON(), extra);
  const err = e as Error & { code?: string };
  if (err?.code === 'SQLITE_BUSY' || err?.code === 'SQLITE_LOCKED') {
    return sendJson(res, 503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'The tracking store is busy; retry' }, extra);
  }
  log.error(`internal error: ${err?.stack ?? String(e)}`);
  const message = e instanceof StoreError ? e.message : `Internal error: ${err?.message ?? String(e)}`;
  sendJson(res, 500, { error_code: 'INTERNAL_ERROR', message }, extra);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new MlflowError('INVALID_PARAMETER_VALUE', `Request body exceeds the limit of ${limit} bytes`));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export class TrackingServer {
  readonly router = new Router();
  private server?: http.Server;
  private readonly sse = new Set<http.ServerResponse>();
  private poll?: NodeJS.Timeout;
  private readonly onChange = (c: Change) => this.broadcast(c);

  constructor(readonly engine: Engine, private readonly opts: ServerOptions = {}) {}

  async listen(): Promise<{ port: number; url: string }> {
    const host = this.opts.host ?? '127.0.0.1';
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 65_000;
    this.server.on('clientError', (_e, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port ?? 0, host, () => resolve());
    });
    this.engine.store.events.on('change', this.onChange);
    // Writes from other processes (CLI, a pipeline stage's engine, an endpoint) show up as a moved data_version and
    // are announced as "anything may have changed". This process's own writes already sent their precise event:
    // comparing data_version (not the change counter, which they move) keeps them from reloading whole trees.
    let last = this.engine.store.dataVersion();
    this.poll = setInterval(() => {
      const dv = this.engine.store.dataVersion();
      if (dv !== last && this.sse.size) this.broadcast({ kind: 'run', id: '*', version: this.engine.store.changeVersion() });
      last = dv;
    }, 500);
    this.poll.unref();
    const port = (this.server.address() as { port: number }).port;
    return { port, url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}` };
  }

  private broadcast(c: Change): void {
    const line = `data: ${JSON.stringify(c)}\n\n`;
    for (const res of this.sse) res.write(line);
  }

  async close(): Promise<void> {
    clearInterval(this.poll);
    this.engine.store.events.off('change', this.onChange);
    for (const res of this.sse) res.end();
    this.sse.clear();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>(r => this.server!.close(() => r()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const cors: http.OutgoingHttpHeaders = {};
    try {
      if (!hostAllowed(req, this.opts.allowedHosts)) {
        return sendJson(res, 403, { error_code: 'PERMISSION_DENIED', message: `Host header '${req.headers.host ?? ''}' is not allowed (DNS rebinding protection)` });
      }
      const origin = originAllowed(req);
      if (origin === false) return sendJson(res, 403, { error_code: 'PERMISSION_DENIED', message: `Cross-origin request from '${req.headers.origin}' is not allowed` });
      if (origin) {
        cors['Access-Control-Allow-Origin'] = req.headers.origin!;
        cors['Vary'] = 'Origin';
        if (req.method === 'OPTIONS') {
          res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE', 'Access-Control-Allow-Headers': 'Content-Type, Authorization', 'Access-Control-Max-Age': '600' });
          return void res.end();
        }
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      let pathname: string;
      try { pathname = decodeURIComponent(url.pathname); } catch { throw new MlflowError('INVALID_PARAMETER_VALUE', 'Malformed percent-encoding in the request path'); }
      if (pathname !== '/health' && !tokenAllowed(req, this.opts.token)) {
        return sendJson(res, 401, { error_code: 'UNAUTHENTICATED', message: 'A valid bearer token is required (MLFLOW_TRACKING_TOKEN)' }, { ...cors, 'WWW-Authenticate': 'Bearer' });
      }
      if (req.method === 'GET' && (pathname === '/api/2.0/mlops/events' || pathname === '/ajax-api/2.0/mlops/events')) return this.events(req, res, cors);
      const m = this.router.match(req.method ?? 'GET', pathname);
      if (!('route' in m)) {
        req.resume();
        return sendJson(res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: m.allowed ? `Method ${req.method} is not supported for ${pathname}` : `No API endpoint ${req.method} ${pathname}` }, cors);
      }
      let fields: Fields = queryFields(url.searchParams);
      if (!m.route.rawBody && req.method !== 'GET') {
        const body = parseJsonBody(await readBody(req, LIMITS.bodyBytes));
        fields = { ...fields, ...body };
      }
      const reply: Reply = await m.route.handler({ engine: this.engine, d: new Decoder(fields), params: m.params, req });
      if ('kind' in reply && reply.kind === 'file') {
        res.writeHead(200, { ...cors, 'Content-Type': 'application/octet-stream', 'Content-Length': String(reply.size),
          'Content-Disposition': `attachment; filename="${path.basename(String(reply.file)).replace(/"/g, '')}"`, 'X-Content-Type-Options': 'nosniff' });
        fs.createReadStream(String(reply.file)).on('error', () => res.destroy()).pipe(res);
        return;
      }
      if ('kind' in reply && reply.kind === 'text') {
        res.writeHead(200, { ...cors, 'Content-Type': 'text/plain; charset=utf-8' });
        return void res.end(String(reply.body));
      }
      sendJson(res, 200, reply, cors);
    } catch (e) {
      if (!res.headersSent) sendError(res, e, req.complete ? cors : { ...cors, Connection: 'close' });
      else res.destroy();
    }
  }

  private events(req: http.IncomingMessage, res: http.ServerResponse, cors: http.OutgoingHttpHeaders): void {
    res.writeHead(200, { ...cors, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.write(`data: ${JSON.stringify({ kind: 'hello', id: '', version: this.engine.store.changeVersion() })}\n\n`);
    this.sse.add(res);
    const ping = setInterval(() => res.write(': ping\n\n'), 15000);
    req.on('close', () => { clearInterval(ping); this.sse.delete(res); });
  }
}
