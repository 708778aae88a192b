// What every demo pipeline script shares: the run wrapper (a failure is one line on stderr and exit code 1,
// never a stack trace), params.yaml lookups whose errors name the key, and writing files into new folders.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export function runScript(name: string, main: () => void | Promise<void>): void {
  Promise.resolve().then(main).catch((e: unknown) => {
    process.stderr.write(`${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}

export interface Params {
  /** A number in [min, max] (or (min, max) when `open`), optionally an integer. */
  num(key: string, min: number, max: number, opts?: { open?: boolean; integer?: boolean }): number;
  str(key: string, fallback?: string): string;
}

/** The `section` mapping of params.yaml in the working directory (the stage's wdir). */
export function readParams(section: string, file = 'params.yaml'): Params {
  if (!fs.existsSync(file)) throw new Error(`${file} not found in ${process.cwd()}`);
  let doc: unknown;
  try { doc = parse(fs.readFileSync(file, 'utf8')); } catch (e) {
    throw new Error(`${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const p = (doc as Record<string, unknown> | null)?.[section];
  if (p === null || typeof p !== 'object' || Array.isArray(p)) throw new Error(`${file}: '${section}' must be a mapping of parameters`);
  const values = p as Record<string, unknown>;
  const fail = (key: string, want: string) => new Error(`${file}: ${section}.${key} must be ${want}, got ${JSON.stringify(values[key]) ?? 'nothing'}`);
  return {
    num(key, min, max, { open = false, integer = false } = {}) {
      const v = values[key];
      const ok = typeof v === 'number' && (open ? v > min && v < max : v >= min && v <= max) && (!integer || Number.isInteger(v));
      if (!ok) throw fail(key, `${integer ? 'an integer' : 'a number'} in ${open ? '(' : '['}${min}, ${max}${open ? ')' : ']'}`);
      return v;
    },
    str(key, fallback) {
      const v = values[key] ?? fallback;
      if (typeof v !== 'string' || !v) throw fail(key, 'a non-empty string');
      return v;
    },
  };
}

export function writeFile(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
}
