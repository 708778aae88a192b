// Loopback-only defences: Host header allow-list (DNS rebinding), CORS for localhost origins, bearer token.
import type http from 'node:http';
import crypto from 'node:crypto';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function hostname(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  return hostHeader.split(':')[0].toLowerCase();
}

export function hostAllowed(req: http.IncomingMessage, extra: readonly string[] = []): boolean {
  const h = req.headers.host;
  if (!h) return false;
  const name = hostname(h);
  return LOCAL_HOSTS.has(name) || extra.includes(name);
}

/** undefined = no Origin header (not a browser cross-origin call); true/false = allowed or not. */
export function originAllowed(req: http.IncomingMessage): boolean | undefined {
  const origin = req.headers.origin;
  if (!origin) return undefined;
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && LOCAL_HOSTS.has(u.hostname.toLowerCase());
  } catch {
    return false;
  }
}

export function tokenAllowed(req: http.IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const auth = req.headers.authorization ?? '';
  let given = '';
  if (auth.startsWith('Bearer ')) given = auth.slice(7).trim();
  else if (auth.startsWith('Basic ')) given = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':').slice(1).join(':');
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export function newToken(): string {
  return crypto.randomBytes(24).toString('base64url');
}
