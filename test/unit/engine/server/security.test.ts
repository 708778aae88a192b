// Loopback defences and the routes outside the tracking API: Host allow-list, CORS for localhost
// origins, bearer token, /health, /version, unknown routes and the /ajax-api prefix. Real HTTP.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { startTestServer, type TestServer } from '../../../helpers/workspace';

interface RawReply { status: number; headers: http.IncomingHttpHeaders; body: string }

/** A request with full control of the headers (fetch will not let us forge Host). */
function raw(s: TestServer, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: s.info.port, method, path, headers }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function stop(s: TestServer): Promise<void> {
  await s.close();
  fs.rmSync(s.ws, { recursive: true, force: true });
}

describe('server security and meta routes (no token)', () => {
  let s: TestServer;
  before(async () => { s = await startTestServer(); });
  after(async () => { await stop(s); });

  test('a foreign Host header is refused with 403 PERMISSION_DENIED (DNS rebinding)', async () => {
    const r = await raw(s, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', { Host: 'evil.example.com' });
    assert.equal(r.status, 403);
    assert.equal(JSON.parse(r.body).error_code, 'PERMISSION_DENIED');
    const withPort = await raw(s, 'GET', '/health', { Host: `attacker.test:${s.info.port}` });
    assert.equal(withPort.status, 403);
  });

  test('loopback Host names (localhost, 127.0.0.1, [::1]) with a port are accepted', async () => {
    for (const host of [`localhost:${s.info.port}`, `127.0.0.1:${s.info.port}`, `[::1]:${s.info.port}`, 'LOCALHOST']) {
      const r = await raw(s, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', { Host: host });
      assert.equal(r.status, 200, host);
      assert.equal(JSON.parse(r.body).experiment.name, 'Default');
    }
  });

  test('a foreign Origin is refused with 403 and gets no CORS header', async () => {
    for (const origin of ['https://evil.example.com', 'http://localhost.evil.com', 'null', 'file://']) {
      const r = await raw(s, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', { Origin: origin });
      assert.equal(r.status, 403, origin);
      assert.equal(JSON.parse(r.body).error_code, 'PERMISSION_DENIED');
      assert.equal(r.headers['access-control-allow-origin'], undefined);
    }
  });

  test('a localhost Origin gets Access-Control-Allow-Origin echoed back', async () => {
    const origin = 'http://localhost:3000';
    const r = await raw(s, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', { Origin: origin });
    assert.equal(r.status, 200);
    assert.equal(r.headers['access-control-allow-origin'], origin);
    assert.match(String(r.headers.vary), /Origin/);
    const err = await raw(s, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=999', { Origin: 'http://127.0.0.1:5173' });
    assert.equal(err.status, 404);
    assert.equal(err.headers['access-control-allow-origin'], 'http://127.0.0.1:5173', 'errors carry CORS headers too');
  });

  test('OPTIONS preflight from a localhost Origin answers 204 with allowed methods and headers', async () => {
    const r = await raw(s, 'OPTIONS', '/api/2.0/mlflow/runs/create', {
      Origin: 'http://localhost:8080', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type',
    });
    assert.equal(r.status, 204);
    assert.equal(r.body, '');
    assert.equal(r.headers['access-control-allow-origin'], 'http://localhost:8080');
    for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) assert.match(String(r.headers['access-control-allow-methods']), new RegExp(m));
    assert.match(String(r.headers['access-control-allow-headers']), /Content-Type/i);
    assert.match(String(r.headers['access-control-allow-headers']), /Authorization/i);
  });

  test('GET /health answers the plain text OK', async () => {
    const res = await fetch(`${s.url}/health`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(await res.text(), 'OK');
  });

  test('GET /version answers the version as text; /api/2.0/mlops/version a numeric change version', async () => {
    const v = await s.call('GET', '/version');
    assert.equal(v.status, 200);
    assert.match(String(v.body), /^\d+\.\d+\.\d+/);
    const before = await s.call('GET', '/api/2.0/mlops/version');
    assert.equal(before.status, 200);
    assert.equal(typeof before.body.version, 'number');
    await s.call('POST', 'experiments/create', { name: 'bump-version' });
    const after = await s.call('GET', '/ajax-api/2.0/mlops/version');
    assert.ok(after.body.version > before.body.version, 'a write moves the change version');
  });

  test('an unknown route answers 404 ENDPOINT_NOT_FOUND as JSON', async () => {
    for (const p of ['/api/2.0/mlflow/no-such-thing', '/api/2.0/mlflow/runs/get-everything', '/nope', '/api/2.1/mlflow/runs/get']) {
      const r = await s.call('GET', p);
      assert.equal(r.status, 404, p);
      assert.equal(r.body.error_code, 'ENDPOINT_NOT_FOUND');
      assert.equal(typeof r.body.message, 'string');
    }
  });

  test('a known path with the wrong method answers 404 ENDPOINT_NOT_FOUND naming the method', async () => {
    const r = await s.call('GET', 'runs/create');
    assert.equal(r.status, 404);
    assert.equal(r.body.error_code, 'ENDPOINT_NOT_FOUND');
    assert.match(r.body.message, /GET/);
  });

  test('the /ajax-api/2.0 prefix serves the same API as /api/2.0', async () => {
    const created = await s.call('POST', '/ajax-api/2.0/mlflow/experiments/create', { name: 'via-ajax' });
    assert.equal(created.status, 200);
    assert.equal(typeof created.body.experiment_id, 'string');
    const got = await s.call('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${created.body.experiment_id}`);
    assert.equal(got.body.experiment.name, 'via-ajax');
    const byName = await s.call('GET', '/ajax-api/2.0/mlflow/experiments/get-by-name?experiment_name=via-ajax');
    assert.equal(byName.body.experiment.experiment_id, created.body.experiment_id);
  });

  test('a malformed JSON body answers 400 INVALID_PARAMETER_VALUE, and the server keeps serving', async () => {
    const r = await s.call('POST', 'experiments/create', '{"name": ');
    assert.equal(r.status, 400);
    assert.equal(r.body.error_code, 'INVALID_PARAMETER_VALUE');
    const arr = await s.call('POST', 'experiments/create', '[1,2]');
    assert.equal(arr.status, 400);
    assert.equal((await s.call('GET', '/health')).body, 'OK');
  });

  test('a double-encoded JSON body is accepted, as MLflow does', async () => {
    const r = await s.call('POST', 'experiments/create', JSON.stringify(JSON.stringify({ name: 'double-encoded' })));
    assert.equal(r.status, 200);
    assert.equal(typeof r.body.experiment_id, 'string');
  });
});

describe('server with a bearer token', () => {
  const token = 'secret-token-123';
  let s: TestServer;
  before(async () => { s = await startTestServer({ token }); });
  after(async () => { await stop(s); });

  test('without Authorization the API answers 401 UNAUTHENTICATED with WWW-Authenticate', async () => {
    const r = await raw(s, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0');
    assert.equal(r.status, 401);
    assert.equal(JSON.parse(r.body).error_code, 'UNAUTHENTICATED');
    assert.match(String(r.headers['www-authenticate']), /Bearer/);
  });

  test('a wrong bearer token answers 401', async () => {
    for (const auth of ['Bearer wrong', `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, token, 'Bearer ']) {
      const r = await s.call('GET', 'experiments/get?experiment_id=0', undefined, { Authorization: auth });
      assert.equal(r.status, 401, auth);
      assert.equal(r.body.error_code, 'UNAUTHENTICATED');
    }
  });

  test('Authorization: Bearer <token> is accepted (200)', async () => {
    const r = await s.call('GET', 'experiments/get?experiment_id=0', undefined, { Authorization: `Bearer ${token}` });
    assert.equal(r.status, 200);
    assert.equal(r.body.experiment.experiment_id, '0');
    const post = await s.call('POST', 'experiments/create', { name: 'authed' }, { Authorization: `Bearer ${token}` });
    assert.equal(post.status, 200);
  });

  test('basic auth with the token as password is accepted (mlflow username/password)', async () => {
    const basic = Buffer.from(`user:${token}`).toString('base64');
    const r = await s.call('GET', 'experiments/get?experiment_id=0', undefined, { Authorization: `Basic ${basic}` });
    assert.equal(r.status, 200);
  });

  test('/health needs no token; /version does', async () => {
    const h = await raw(s, 'GET', '/health');
    assert.equal(h.status, 200);
    assert.equal(h.body, 'OK');
    assert.equal((await raw(s, 'GET', '/version')).status, 401);
  });

  test('the Host check runs before the token check', async () => {
    const r = await raw(s, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', { Host: 'evil.example.com', Authorization: `Bearer ${token}` });
    assert.equal(r.status, 403);
  });
});
