// HTTP to a remote MLflow server's REST API for registry pushes: bearer or basic auth, bounded retries with
// exponential backoff on 429/5xx/network errors, and errors that name the remote and the step that failed.
import { MlflowError, invalid } from '../errors';

export interface RemoteTarget {
  /** The remote tracking URI, e.g. https://mlflow.example.com or http://127.0.0.1:5000. */
  uri: string;
  token?: string;
  username?: string;
  password?: string;
}
export interface RetryPolicy {
  /** Attempts per request, the first included. */
  tries: number;
  /** Delay before the first retry; doubles on each further one. */
  baseMs: number;
}
export const DEFAULT_RETRY: RetryPolicy = { tries: 5, baseMs: 250 };

/** What MLflow's own client retries: rate limits and server/gateway errors (status 0 = no HTTP answer). */
const TRANSIENT = new Set([0, 429, 500, 502, 503, 504]);

/** A push step failed on the remote. Locally it is INVALID_STATE: the remote's 401 or 404 is not ours to answer. */
export class RemoteError extends MlflowError {
  constructor(readonly remote: string, readonly step: string, readonly httpStatus: number, readonly remoteCode: string, readonly detail: string, tries: number) {
    super('INVALID_STATE', `push to ${remote} failed at step '${step}': ${detail}${tries > 1 ? ` (after ${tries} tries)` : ''}`);
    this.name = 'RemoteError';
  }
}

interface Answer { ok: boolean; status: number; code: string; message: string; json?: unknown }

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function hint(a: Answer): string {
  if (a.status === 401 || a.status === 403) return ' (check the token or username/password: MLFLOW_TRACKING_TOKEN, MLFLOW_TRACKING_USERNAME, MLFLOW_TRACKING_PASSWORD)';
  if (a.code === 'ENDPOINT_NOT_FOUND' || (a.status === 404 && !a.json)) return ' (is this an MLflow server with the model registry and artifact proxy?)';
  return '';
}

/** The remote has no mlflow-artifacts proxy: no such route (404 without MLflow's error body, 501, ENDPOINT_NOT_FOUND), or MLflow's own 503 "disabled due to the mlflow server running with `--no-serve-artifacts`". */
function noProxy(a: Answer): boolean {
  return a.code === 'ENDPOINT_NOT_FOUND' || a.status === 501 || (a.status === 404 && a.code !== 'RESOURCE_DOES_NOT_EXIST')
    || (a.status === 503 && /serve-artifacts/.test(a.message));
}

export class RemoteClient {
  /** The remote's base URL without a trailing slash. */
  readonly base: string;
  /** host[:port], as used in the local `mlops.pushed.<host>` tag. */
  readonly host: string;
  private readonly auth?: string;

  constructor(target: RemoteTarget, private readonly retry: RetryPolicy = DEFAULT_RETRY) {
    let url: URL;
    try { url = new URL(target.uri); } catch { throw invalid(`Invalid remote URI '${target.uri}': expected http(s)://host[:port]`); }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`Invalid remote URI '${target.uri}': only http and https are supported`);
    this.base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    this.host = url.host;
    // As MLflow's client: username + password (basic) win over a token (bearer).
    const basic = `Basic ${Buffer.from(`${target.username ?? ''}:${target.password ?? ''}`).toString('base64')}`;
    if (target.username && target.password) this.auth = basic;
    else if (target.token) this.auth = `Bearer ${target.token}`;
    else if (target.username || target.password) this.auth = basic;
  }

  /**
   * A registry call (`path` under /api/2.0/mlflow/), retried on transient failures. `beforeRetry` runs before
   * each retry; a value it returns ends the call (a create that reached the remote although its answer was lost).
   */
  async call<T>(step: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body: Record<string, unknown> = {},
    beforeRetry?: () => Promise<T | undefined>): Promise<T> {
    let url = `${this.base}/api/2.0/mlflow/${path}`;
    if (method === 'GET') {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(body)) if (v !== undefined) q.append(k, String(v));
      url += `?${q}`;
    }
    const init = { method, headers: { 'Content-Type': 'application/json' }, body: method === 'GET' ? undefined : JSON.stringify(body) };
    return this.send<T>(step, url, init, 120_000, { beforeRetry });
  }

  /**
   * Whether the remote serves the mlflow-artifacts proxy, from one read-only listing under `artifactPath`. No: a 404
   * that is not MLflow's "no such resource", a 501, ENDPOINT_NOT_FOUND, or the 503 of `mlflow server --no-serve-artifacts`.
   */
  async hasArtifactProxy(step: string, artifactPath: string): Promise<boolean> {
    const url = `${this.base}/api/2.0/mlflow-artifacts/artifacts?${new URLSearchParams({ path: artifactPath })}`;
    return this.send<boolean>(step, url, { method: 'GET' }, 120_000, {
      settle: a => (noProxy(a) ? false : a.code === 'RESOURCE_DOES_NOT_EXIST' ? true : undefined),
    }).then(r => r !== false);
  }

  /**
   * Uploads one file through the remote's mlflow-artifacts proxy (PUT is idempotent, so retries are safe);
   * false when the remote answers that it has no proxy.
   */
  async upload(step: string, artifactPath: string, file: () => Promise<Blob>): Promise<boolean> {
    const url = `${this.base}/api/2.0/mlflow-artifacts/artifacts/${artifactPath.split('/').map(encodeURIComponent).join('/')}`;
    const r = await this.send<unknown>(step, url, async () => ({ method: 'PUT', headers: { 'Content-Type': 'application/octet-stream' }, body: await file() }), 3_600_000,
      { settle: a => (noProxy(a) ? false : undefined) });
    return r !== false;
  }

  /** `settle` turns a failed answer into a result (never retried); `beforeRetry` may end the call before a retry. */
  private async send<T>(step: string, url: string, init: RequestInit | (() => Promise<RequestInit>), timeoutMs: number,
    { beforeRetry, settle }: { beforeRetry?: () => Promise<T | undefined>; settle?: (a: Answer) => T | undefined } = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const req = typeof init === 'function' ? await init() : init;
      const a = await this.once(url, req, timeoutMs);
      if (a.ok) return a.json as T;
      const settled = settle?.(a);
      if (settled !== undefined) return settled;
      if (!TRANSIENT.has(a.status) || attempt >= this.retry.tries) {
        const detail = a.status === 0 ? `cannot reach ${this.base}: ${a.message}` : `HTTP ${a.status} ${a.code}: ${a.message}${hint(a)}`;
        throw new RemoteError(this.base, step, a.status, a.code, detail, attempt);
      }
      await sleep(this.retry.baseMs * 2 ** (attempt - 1));
      if (beforeRetry) {
        const found = await beforeRetry();
        if (found !== undefined) return found;
      }
    }
  }

  private async once(url: string, init: RequestInit, timeoutMs: number): Promise<Answer> {
    const headers = { ...(init.headers as Record<string, string>), ...(this.auth ? { Authorization: this.auth } : {}) };
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      text = await res.text();
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      return { ok: false, status: 0, code: 'UNAVAILABLE', message: cause?.code ?? cause?.message ?? (e as Error).message };
    }
    let json: unknown;
    try { json = text ? JSON.parse(text) : {}; } catch { /* not JSON */ }
    const isObject = typeof json === 'object' && json !== null && !Array.isArray(json);
    if (res.status >= 300 && res.status < 400) {
      return { ok: false, status: res.status, code: 'REDIRECT', message: `redirected to ${res.headers.get('location') ?? '?'}; use that address as the remote URI` };
    }
    if (res.status >= 200 && res.status < 300) {
      return isObject ? { ok: true, status: res.status, code: '', message: '', json }
        : { ok: false, status: res.status, code: 'BAD_RESPONSE', message: `expected a JSON object, got '${text.slice(0, 80)}'` };
    }
    const err = (isObject ? json : {}) as { error_code?: string; message?: string };
    return { ok: false, status: res.status, code: err.error_code ?? `HTTP_${res.status}`, message: err.message ?? (text.slice(0, 200) || res.statusText), json };
  }
}
