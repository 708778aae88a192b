// HTTP for one endpoint on 127.0.0.1: MLflow's scoring protocol (/invocations), /predict, /ping, /health,
// /version, /metadata, /metrics (Prometheus) and /stats (for the VS Code view).
import http from 'node:http';
import { hostAllowed } from '../server/security';
import { VERSION } from '../server/handlers/meta';
import type { Endpoint } from './endpoint';

export const MAX_BODY_BYTES = 16 * 1024 * 1024;

function send(res: http.ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = type === 'application/json' ? JSON.stringify(body) : String(body);
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export async function serveEndpoint(endpoint: Endpoint, opts: { port?: number; host?: string }): Promise<{ server: http.Server; port: number; url: string }> {
  const server = http.createServer((req, res) => {
    if (!hostAllowed(req)) return send(res, 403, { error_code: 'PERMISSION_DENIED', message: `Host header '${req.headers.host ?? ''}' is not allowed` });
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET') {
      switch (path) {
        case '/ping': return send(res, 200, '', 'text/plain');
        case '/health': return send(res, 200, 'OK', 'text/plain');
        case '/version': return send(res, 200, { server: VERSION, model_version: endpoint.loaded.version ?? null });
        case '/metadata': return send(res, 200, endpoint.metadata());
        case '/metrics': return send(res, 200, endpoint.metrics.render(endpoint.loaded.name ?? endpoint.opts.ref), 'text/plain; version=0.0.4');
        case '/stats': return send(res, 200, { ...endpoint.metrics.summary(), version: endpoint.loaded.version ?? null, ref: endpoint.opts.ref });
      }
    }
    if (req.method !== 'POST' || (path !== '/invocations' && path !== '/predict')) {
      req.resume();
      return send(res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: `No endpoint ${req.method} ${path}; POST /invocations or /predict` });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) { tooBig = true; req.removeAllListeners('data'); req.resume(); return; }
      chunks.push(c);
    });
    req.on('end', () => {
      if (tooBig) {
        endpoint.metrics.request(endpoint.loaded.label, 0, 400); // a failed scoring request like any other 400
        res.setHeader('Connection', 'close');
        return send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: `request body exceeds ${MAX_BODY_BYTES} bytes; split it or use batch prediction (mlops predict)` });
      }
      endpoint.invoke(String(req.headers['content-type'] ?? 'application/json'), Buffer.concat(chunks).toString('utf8'))
        .then(r => send(res, r.status, r.body), e => send(res, 500, { error_code: 'INTERNAL_ERROR', message: (e as Error).message }));
    });
    req.on('error', () => res.destroy());
  });
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve()); });
  const port = (server.address() as { port: number }).port;
  return { server, port, url: `http://127.0.0.1:${port}` };
}
