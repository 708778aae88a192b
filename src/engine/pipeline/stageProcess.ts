// Runs one stage's commands, one after the other, each in a shell in the stage's folder. The shell is started as
// the leader of its own process group, so cancelling kills everything the stage started (children, grandchildren).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

export type OutputStream = 'stdout' | 'stderr';

export interface StageProcessOptions {
  cmds: string[];
  /** Absolute working directory. */
  cwd: string;
  /** Added to (and overriding) process.env, e.g. MLFLOW_TRACKING_URI / MLFLOW_EXPERIMENT_ID / MLFLOW_RUN_ID. */
  env?: Record<string, string>;
  /** Everything the commands print (plus a "$ cmd" line before each) is appended here. */
  logFile?: string;
  onOutput?: (stream: OutputStream, text: string) => void;
  /** Called with the shell's pid when each command starts. */
  onSpawn?: (pid: number, cmd: string) => void;
  signal?: AbortSignal;
  /** Time between SIGTERM and SIGKILL when cancelled (default 2000 ms). */
  graceMs?: number;
}

export interface StageProcessResult {
  /** Exit code of the last command that ran (null when it died of a signal or never started). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** True when cancelled through the AbortSignal. */
  killed: boolean;
  /** The command that failed, when one did. */
  failedCmd?: string;
  /** Why a command could not start (spawn error). */
  error?: string;
}

const isWindows = process.platform === 'win32';

/** process.env plus `extra`; PATH starts with this Node's folder when we run on plain Node, so `node` in a cmd is this Node. */
export function stageEnv(extra: Record<string, string> = {}, execPath = process.execPath): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (/^node(\.exe)?$/i.test(path.basename(execPath))) {
    const key = Object.keys(env).find(k => k.toUpperCase() === 'PATH') ?? 'PATH';
    const dir = path.dirname(execPath);
    const cur = env[key] ?? '';
    if (cur.split(path.delimiter)[0] !== dir) env[key] = cur ? `${dir}${path.delimiter}${cur}` : dir;
  }
  return env;
}

/** Sends a signal to the child's whole tree: the process group on POSIX, taskkill /T on Windows. */
function killTree(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  if (isWindows) {
    spawnSync('taskkill', ['/pid', String(child.pid), '/T', ...(sig === 'SIGKILL' ? ['/F'] : [])], { stdio: 'ignore', windowsHide: true });
    return;
  }
  try { process.kill(-child.pid, sig); } catch { /* group already gone */ }
}

/** Whether any live (non-zombie) process is left in the group. Zombies wait for a reaper we do not control. */
function groupAlive(pgid: number): boolean {
  if (isWindows) return false;
  try { process.kill(-pgid, 0); } catch { return false; }
  if (process.platform !== 'linux') return true;
  try {
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try { stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { continue; }
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') return true;
    }
    return false;
  } catch {
    return true;
  }
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

interface OneResult { code: number | null; signal: NodeJS.Signals | null; error?: string }

function runOne(cmd: string, opts: StageProcessOptions, env: NodeJS.ProcessEnv, write: (s: OutputStream, t: string) => void): Promise<OneResult> {
  return new Promise(resolve => {
    let child: ChildProcess;
    try {
      child = spawn(cmd, { cwd: opts.cwd, env, shell: true, detached: !isWindows, windowsHide: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ code: null, signal: null, error: (e as Error).message });
      return;
    }
    const grace = opts.graceMs ?? 2000;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      killTree(child, 'SIGTERM');
      killTimer = setTimeout(() => killTree(child, 'SIGKILL'), grace);
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });

    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    for (const s of ['stdout', 'stderr'] as const) {
      child[s]!.on('data', (b: Buffer) => { const t = decoders[s].write(b); if (t) write(s, t); });
    }
    let spawnError: string | undefined;
    child.on('error', e => { spawnError = e.message; });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid, cmd);

    child.on('exit', async (code, signal) => {
      opts.signal?.removeEventListener('abort', onAbort);
      const pgid = child.pid;
      if (opts.signal?.aborted && pgid !== undefined) {
        // The shell is gone; wait for the rest of its group (SIGKILL after the grace period).
        const until = Date.now() + grace + 1000;
        while (groupAlive(pgid) && Date.now() < until) await sleep(50);
      }
      // Background processes left behind may hold the pipes open: stop reading them shortly after the shell exits.
      const closed = new Promise<void>(r => child.once('close', () => r()));
      await Promise.race([closed, sleep(opts.signal?.aborted ? 200 : 500)]);
      child.stdout!.destroy();
      child.stderr!.destroy();
      for (const s of ['stdout', 'stderr'] as const) { const t = decoders[s].end(); if (t) write(s, t); }
      if (killTimer) clearTimeout(killTimer);
      resolve({ code, signal, error: spawnError });
    });
    child.on('error', () => { if (child.pid === undefined) resolve({ code: null, signal: null, error: spawnError }); });
  });
}

/** Runs the commands in order; stops at the first that fails or when cancelled. */
export async function runStageCommands(opts: StageProcessOptions): Promise<StageProcessResult> {
  const env = stageEnv(opts.env);
  let fd: number | undefined;
  if (opts.logFile) {
    fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
    fd = fs.openSync(opts.logFile, 'a');
  }
  const write = (s: OutputStream, t: string) => {
    if (fd !== undefined) fs.writeSync(fd, t);
    opts.onOutput?.(s, t);
  };
  try {
    if (!fs.existsSync(opts.cwd)) return { exitCode: null, signal: null, killed: false, failedCmd: opts.cmds[0], error: `working directory does not exist: ${opts.cwd}` };
    let last: OneResult = { code: 0, signal: null };
    for (const cmd of opts.cmds) {
      if (opts.signal?.aborted) return { exitCode: last.code, signal: last.signal, killed: true };
      if (fd !== undefined) fs.writeSync(fd, `$ ${cmd}\n`);
      last = await runOne(cmd, opts, env, write);
      if (opts.signal?.aborted) return { exitCode: last.code, signal: last.signal, killed: true, failedCmd: cmd };
      if (last.error || last.code !== 0) return { exitCode: last.code, signal: last.signal, killed: false, failedCmd: cmd, error: last.error };
    }
    return { exitCode: last.code, signal: last.signal, killed: false };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
