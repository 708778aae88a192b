// One ONNX Runtime session with its signature; runs named tensors. Session options come from settings.
import fs from 'node:fs';
import path from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { TensorSignature } from '../../shared/dto';

export interface SessionOptions {
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

export type Ort = typeof import('onnxruntime-node');
let ortModule: Ort | undefined;
export async function ort(): Promise<Ort> {
  return (ortModule ??= await import('onnxruntime-node'));
}

export class ModelSession {
  private constructor(readonly file: string, readonly session: InferenceSession, readonly inputs: TensorSignature[], readonly outputs: TensorSignature[],
    readonly ortLib: Ort) {}

  static async load(file: string, opts: SessionOptions = {}): Promise<ModelSession> {
    const lib = await ort();
    const session = await lib.InferenceSession.create(file, {
      ...(opts.intraOpNumThreads ? { intraOpNumThreads: opts.intraOpNumThreads } : {}),
      ...(opts.interOpNumThreads ? { interOpNumThreads: opts.interOpNumThreads } : {}),
      graphOptimizationLevel: opts.graphOptimizationLevel ?? 'all',
    });
    type Meta = { name: string; isTensor: boolean; type?: string; shape?: (number | string)[] };
    const sig = (l: readonly Meta[]) => l.map(m => ({ name: m.name, type: m.isTensor ? m.type ?? 'unknown' : 'non-tensor', shape: m.shape ?? [] }));
    return new ModelSession(file, session, sig(session.inputMetadata as readonly Meta[]), sig(session.outputMetadata as readonly Meta[]), lib);
  }

  /** True when every input and output has a leading dynamic (or -1) dimension: rows can be batched. */
  get batchable(): boolean {
    return [...this.inputs, ...this.outputs].every(s => s.shape.length > 0 && (typeof s.shape[0] === 'string' || s.shape[0] === -1));
  }

  run(feeds: Record<string, Tensor>): Promise<InferenceSession.ReturnType> {
    return this.session.run(feeds);
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** The first .onnx file at `dir` (a file, or a folder searched a few levels deep, in name order). */
export function findOnnxFile(dir: string, depth = 0): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  if (fs.statSync(dir).isFile()) return dir.endsWith('.onnx') ? dir : undefined;
  if (depth > 3) return undefined;
  for (const e of fs.readdirSync(dir).sort()) {
    const f = findOnnxFile(path.join(dir, e), depth + 1);
    if (f) return f;
  }
  return undefined;
}
