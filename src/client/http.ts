// Minimal JSON-over-HTTP for the MLflow REST API (Node ≥ 22 fetch keeps connections alive).
import type { ErrorCode } from '../engine/errors';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: ErrorCode | string, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface HttpOptions {
  trackingUri: string;
  token?: string;
  /** Retries for 429/503/network errors (exponential backoff from 50 ms). */
  retries?: number;
}

export class Http {
  readonly base: string;
  constructor(private readonly opts: HttpOptions) {
    this.base = opts.trackingUri.replace(/\/+$/, '');
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let url = `${this.base}${path.startsWith('/') ? path : `/api/2.0/mlflow/${path}`}`;
    if (method === 'GET' && body && typeof body === 'object') {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
        if (v === undefined) continue;
        for (const x of Array.isArray(v) ? v : [v]) q.append(k, String(x));
      }
      url += `?${q}`;
      body = undefined;
    }
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (this.opts.token) headers.Authorization = `Bearer ${this.opts.token}`;
    const retries = this.opts.retries ?? 4;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      } catch (e) {
        if (attempt < retries) { await new Promise(r => setTimeout(r, 50 * 2 ** attempt)); continue; }
        throw new ApiError(0, 'UNAVAILABLE', `cannot reach ${this.base}: ${(e as Error).message}`);
      }
      const text = await res.text();
      if (res.ok) return (text ? JSON.parse(text) : {}) as T;
      if ((res.status === 429 || res.status === 503) && attempt < retries) { await new Promise(r => setTimeout(r, 50 * 2 ** attempt)); continue; }
      let err: { error_code?: string; message?: string } = {};
      try { err = JSON.parse(text) as typeof err; } catch { /* not JSON */ }
      throw new ApiError(res.status, err.error_code ?? `HTTP_${res.status}`, err.message ?? (text || res.statusText));
    }
  }
}
