// Assertions on API replies shared by the server tests.
import assert from 'node:assert/strict';

export type Reply = { status: number; body: any };

export async function ok(p: Promise<Reply>): Promise<any> {
  const r = await p;
  assert.equal(r.status, 200, `expected 200, got ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function fails(p: Promise<Reply>, status: number, code: string, message?: RegExp): Promise<void> {
  const r = await p;
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.error_code, code);
  if (message) assert.match(r.body.message, message);
}
