// The mlflow-artifacts proxy (PUT/GET/list/DELETE) and artifacts/list over real HTTP and a real
// artifact folder, including path-traversal and symlink escapes.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../../../helpers/workspace';
import { fails, ok, type Reply } from '../../../helpers/replies';


describe('artifacts', () => {
  let s: TestServer;
  let exp: string;
  let run: string;
  let root: string; // <ws>/.mlops/artifacts
  let outside: string;
  let prefix: string; // the run's proxy path: <exp>/<run>/artifacts
  const url = (p: string) => `${s.url}/api/2.0/mlflow-artifacts/artifacts/${p}`;
  const put = async (p: string, data: Buffer | string): Promise<Reply> => {
    const res = await fetch(url(p), { method: 'PUT', body: typeof data === 'string' ? data : new Uint8Array(data), headers: { 'Content-Type': 'application/octet-stream' } });
    return { status: res.status, body: await res.json() };
  };
  /** Sends the path exactly as written (fetch would resolve dot segments itself). */
  const raw = (method: string, p: string, body?: string): Promise<Reply> => new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: s.info.port, method, path: p }, res => {
      let text = '';
      res.on('data', c => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || '{}') }));
    });
    req.on('error', reject);
    req.end(body);
  });
  const escaped = (name: string) => [path.join(s.ws, name), path.join(s.ws, '.mlops', name), path.join(outside, name), path.join(os.tmpdir(), name)]
    .filter(f => fs.existsSync(f));

  before(async () => {
    s = await startTestServer();
    root = path.join(s.ws, '.mlops', 'artifacts');
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-outside-'));
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'top secret');
    exp = (await ok(s.call('POST', 'experiments/create', { name: 'art' }))).experiment_id;
    const info = (await ok(s.call('POST', 'runs/create', { experiment_id: exp, start_time: 1 }))).run.info;
    run = info.run_id;
    assert.equal(info.artifact_uri, `mlflow-artifacts:/${exp}/${run}/artifacts`);
    prefix = `${exp}/${run}/artifacts`;
  });
  after(async () => {
    await s.close();
    fs.rmSync(s.ws, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  test('PUT raw bytes then GET returns them byte-identical, with download headers', async () => {
    const data = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 8)) & 0xff;
    assert.deepEqual(await ok(put(`${prefix}/dir/blob.bin`, data)), {});
    assert.deepEqual(await ok(put(`${prefix}/dir/file.txt`, 'hello artifacts\n')), {});
    const res = await fetch(url(`${prefix}/dir/blob.bin`));
    assert.equal(res.status, 200);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(data), 'byte-identical');
    assert.equal(res.headers.get('content-length'), String(data.length));
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="blob\.bin"/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(fs.readFileSync(path.join(root, prefix, 'dir', 'blob.bin')).equals(data), 'stored under .mlops/artifacts');
    const txt = await fetch(url(`${prefix}/dir/file.txt`));
    assert.equal(await txt.text(), 'hello artifacts\n');
  });

  test('PUT under an existing file, or with a segment over 255 bytes, is a 400 without server paths', async () => {
    await ok(put(`${prefix}/leaf.txt`, 'a file'));
    for (const p of [`${prefix}/leaf.txt/child.txt`, `${prefix}/${'a'.repeat(256)}`]) {
      const r = await put(p, 'x');
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.error_code, 'INVALID_PARAMETER_VALUE');
      assert.ok(!r.body.message.includes(root), `no server path in ${r.body.message}`);
    }
    assert.equal(fs.readFileSync(path.join(root, prefix, 'leaf.txt'), 'utf8'), 'a file');
  });

  test('PUT overwrites an existing file; an empty body makes an empty file', async () => {
    await ok(put(`${prefix}/over.txt`, 'first version'));
    await ok(put(`${prefix}/over.txt`, 'v2'));
    assert.equal(await (await fetch(url(`${prefix}/over.txt`))).text(), 'v2');
    await ok(put(`${prefix}/empty.txt`, ''));
    assert.equal(fs.statSync(path.join(root, prefix, 'empty.txt')).size, 0);
  });

  test('proxy list ?path= answers basenames, is_dir always present, file_size only for files', async () => {
    await ok(put(`${prefix}/listing/a.txt`, 'aaaa'));
    await ok(put(`${prefix}/listing/sub/b.txt`, 'b'));
    const b = await ok(s.call('GET', `/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(`${prefix}/listing`)}`));
    assert.deepEqual(b.files, [{ path: 'a.txt', is_dir: false, file_size: 4 }, { path: 'sub', is_dir: true }]);
    const top = await ok(s.call('GET', '/api/2.0/mlflow-artifacts/artifacts'));
    assert.ok(top.files.some((f: any) => f.path === exp && f.is_dir === true), 'no path lists the root');
    const none = await ok(s.call('GET', `/api/2.0/mlflow-artifacts/artifacts?path=${prefix}/no-such-dir`));
    assert.equal(none.files?.length ?? 0, 0);
  });

  test('artifacts/list answers run-relative paths and root_uri; run_uuid accepted; errors', async () => {
    await ok(put(`${prefix}/model/MLmodel`, 'flavors: {}'));
    await ok(put(`${prefix}/model/data/weights.bin`, Buffer.from([1, 2, 3])));
    const b = await ok(s.call('GET', `artifacts/list?run_id=${run}&path=model`));
    assert.equal(b.root_uri, `mlflow-artifacts:/${exp}/${run}/artifacts`);
    const sorted = [...b.files].sort((x: any, y: any) => (x.path < y.path ? -1 : 1));
    assert.deepEqual(sorted, [{ path: 'model/MLmodel', is_dir: false, file_size: 11 }, { path: 'model/data', is_dir: true }]);
    const deep = await ok(s.call('GET', `artifacts/list?run_uuid=${run}&path=model/data`));
    assert.deepEqual(deep.files, [{ path: 'model/data/weights.bin', is_dir: false, file_size: 3 }]);
    const top = await ok(s.call('GET', `artifacts/list?run_id=${run}`));
    assert.ok(top.files.some((f: any) => f.path === 'model' && f.is_dir === true));
    assert.ok(top.files.every((f: any) => typeof f.is_dir === 'boolean' && !f.path.includes('/')));
    const empty = await ok(s.call('GET', `artifacts/list?run_id=${run}&path=nothing-here`));
    assert.equal(empty.files?.length ?? 0, 0);
    await fails(s.call('GET', `artifacts/list?run_id=${'c'.repeat(32)}`), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(s.call('GET', 'artifacts/list?path=model'), 400, 'INVALID_PARAMETER_VALUE', /run_id/);
  });

  test('DELETE removes a file or a whole directory; GET or DELETE of a missing artifact is 404', async () => {
    await ok(put(`${prefix}/gone/x.txt`, 'x'));
    await ok(put(`${prefix}/gone/y/z.txt`, 'z'));
    assert.deepEqual(await ok(s.call('DELETE', `/api/2.0/mlflow-artifacts/artifacts/${prefix}/gone/x.txt`)), {});
    await fails(s.call('GET', `/api/2.0/mlflow-artifacts/artifacts/${prefix}/gone/x.txt`), 404, 'RESOURCE_DOES_NOT_EXIST');
    await ok(s.call('DELETE', `/api/2.0/mlflow-artifacts/artifacts/${prefix}/gone`));
    assert.equal(fs.existsSync(path.join(root, prefix, 'gone')), false);
    await fails(s.call('DELETE', `/api/2.0/mlflow-artifacts/artifacts/${prefix}/gone`), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(s.call('GET', `/api/2.0/mlflow-artifacts/artifacts/${prefix}`), 404, 'RESOURCE_DOES_NOT_EXIST', /does not exist/);
  });

  test('the /ajax-api/2.0 prefix serves the proxy too', async () => {
    const res = await fetch(`${s.url}/ajax-api/2.0/mlflow-artifacts/artifacts/${prefix}/dir/file.txt`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'hello artifacts\n');
  });

  test('".." and "%2e%2e" that reach the artifact path are 400 and write nothing outside', async () => {
    const attempts = ['..%2Fescape-1.txt', `${exp}%2F..%2F..%2F..%2Fescape-1.txt`, '%2e%2e%2fescape-1.txt', '%2E%2E%2Fescape-1.txt',
      'a%5C..%5C..%5Cescape-1.txt', '%252e%252e%252fescape-1.txt', `..%2F..%2F${path.basename(outside)}%2Fescape-1.txt`];
    for (const a of attempts) {
      await fails(put(a, 'pwned'), 400, 'INVALID_PARAMETER_VALUE');
      await fails(s.call('GET', `/api/2.0/mlflow-artifacts/artifacts/${a}`), 400, 'INVALID_PARAMETER_VALUE');
      await fails(s.call('DELETE', `/api/2.0/mlflow-artifacts/artifacts/${a}`), 400, 'INVALID_PARAMETER_VALUE');
    }
    for (const q of ['../..', '..', `${exp}/../../..`, '%2e%2e/x']) {
      await fails(s.call('GET', `/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(q)}`), 400, 'INVALID_PARAMETER_VALUE', q === '%2e%2e/x' ? /encoded/ : /'\.\.'/);
      await fails(s.call('GET', `artifacts/list?run_id=${run}&path=${encodeURIComponent(q)}`), 400, 'INVALID_PARAMETER_VALUE');
    }
    assert.deepEqual(escaped('escape-1.txt'), []);
  });

  test('raw dot segments in the URL are resolved before routing: escaping the prefix is 404, nothing written outside', async () => {
    for (const p of ['0/../../../../../escape-2.txt', '%2e%2e/%2e%2e/%2e%2e/escape-2.txt', '0/.%2e/.%2e/.%2e/.%2e/escape-2.txt']) {
      const r = await raw('PUT', `/api/2.0/mlflow-artifacts/artifacts/${p}`, 'pwned');
      assert.equal(r.status, 404, p);
      assert.equal(r.body.error_code, 'ENDPOINT_NOT_FOUND');
    }
    assert.deepEqual(escaped('escape-2.txt'), []);
  });

  test('absolute paths (leading slash, encoded slash, drive letters, ~) are 400', async () => {
    for (const a of ['%2Ftmp%2Fescape-3.txt', 'C:%5Cescape-3.txt', '~%2Fescape-3.txt']) await fails(put(a, 'x'), 400, 'INVALID_PARAMETER_VALUE');
    const r = await raw('PUT', `/api/2.0/mlflow-artifacts/artifacts//tmp/escape-3.txt`, 'x');
    assert.equal(r.status, 400);
    assert.match(r.body.message, /absolute/);
    await fails(s.call('GET', '/api/2.0/mlflow-artifacts/artifacts?path=%2Fetc'), 400, 'INVALID_PARAMETER_VALUE', /absolute/);
    await fails(s.call('GET', `artifacts/list?run_id=${run}&path=%2Fetc`), 400, 'INVALID_PARAMETER_VALUE');
    assert.deepEqual(escaped('escape-3.txt'), []);
  });

  test('a symlink inside the artifact root pointing outside is refused for PUT, GET, list and DELETE', async () => {
    fs.symlinkSync(outside, path.join(root, 'link-out'));
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'secret-link.txt'));
    await fails(put('link-out/evil.txt', 'pwned'), 400, 'INVALID_PARAMETER_VALUE', /outside the artifact root/);
    await fails(put('link-out/sub/dir/evil.txt', 'pwned'), 400, 'INVALID_PARAMETER_VALUE');
    await fails(put('secret-link.txt', 'overwritten'), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('GET', '/api/2.0/mlflow-artifacts/artifacts/link-out/secret.txt'), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('GET', '/api/2.0/mlflow-artifacts/artifacts/secret-link.txt'), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('GET', '/api/2.0/mlflow-artifacts/artifacts?path=link-out'), 400, 'INVALID_PARAMETER_VALUE');
    await fails(s.call('DELETE', '/api/2.0/mlflow-artifacts/artifacts/link-out/secret.txt'), 400, 'INVALID_PARAMETER_VALUE');
    assert.deepEqual(fs.readdirSync(outside), ['secret.txt'], 'nothing written or removed outside');
    assert.equal(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'top secret');
  });
});
