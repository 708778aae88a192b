// What a handler receives, and what it may answer besides a JSON object.
import type http from 'node:http';
import type { Engine } from '../engine';
import type { Decoder } from './decode';

export interface Ctx {
  engine: Engine;
  d: Decoder;
  params: Record<string, string>;
  req: http.IncomingMessage;
}
/** A file streamed back as-is (artifact downloads). */
export interface FileReply {
  kind: 'file';
  file: string;
  size: number;
}
/** A plain-text body (GET /health answers `OK`, as MLflow's does). */
export interface TextReply {
  kind: 'text';
  body: string;
}
export type Reply = Record<string, unknown> | FileReply | TextReply;
export type Handler = (ctx: Ctx) => Reply | Promise<Reply>;
