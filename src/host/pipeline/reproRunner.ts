// Runs `mlops repro` (dist/cli.js on the editor's own Node) as a child process shown in an "MLOps Pipeline"
// pseudoterminal: output streamed, Ctrl+C / Cancel / closing the terminal send SIGTERM (the CLI then kills the
// stage process trees and marks their runs KILLED), exit code reported. One run at a time.
import * as vscode from 'vscode';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Disposable } from '../disposable';
import { reproArgs, refuseUntrusted, type ReproRequest } from './reproArgs';

export interface ReproResult { code: number | null; cancelled: boolean; ms: number }

const KILL_AFTER_MS = 10_000;

/** The request with the mlops.pipeline.* settings filled in where it leaves them open (read at each run). */
export function withSettings(req: ReproRequest): ReproRequest {
  const cfg = vscode.workspace.getConfiguration('mlops.pipeline');
  return { ...req, experiment: req.experiment ?? cfg.get<string>('experiment', ''), jobs: req.jobs ?? cfg.get<number>('jobs', 1) };
}

/** The terminal side: buffers until VS Code opens it, \n → \r\n, Ctrl+C interrupts, any key closes it once finished. */
class ReproPty implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  private readonly closer = new vscode.EventEmitter<void>();
  readonly onDidWrite = this.writer.event;
  readonly onDidClose = this.closer.event;
  private pending: string[] = [];
  private opened = false;
  finished = false;

  constructor(private readonly interrupt: () => void, private readonly closed: () => void) {}

  open(): void {
    this.opened = true;
    for (const t of this.pending.splice(0)) this.writer.fire(t);
  }

  close(): void {
    this.closed();
  }

  handleInput(data: string): void {
    if (this.finished) this.closer.fire();
    else if (data.includes('\x03')) this.interrupt();
  }

  write(text: string): void {
    const t = text.replace(/\r?\n/g, '\r\n');
    if (this.opened) this.writer.fire(t); else this.pending.push(t);
  }
}

export class PipelineRunner extends Disposable {
  private child?: ChildProcess;
  private cancelled = false;
  private terminal?: vscode.Terminal;
  private readonly _onDidChangeRunning = this.track(new vscode.EventEmitter<boolean>());
  readonly onDidChangeRunning = this._onDidChangeRunning.event;
  private readonly _onLine = this.track(new vscode.EventEmitter<string>());
  /** The last line the CLI printed (progress messages). */
  readonly onLine = this._onLine.event;

  constructor(private readonly extensionPath: string, private readonly workspace: string, private readonly out: vscode.LogOutputChannel) {
    super();
    this.track({ dispose: () => { this.cancel(); this.terminal?.dispose(); } });
  }

  get running(): boolean {
    return !!this.child;
  }

  /** Starts the CLI with the mlops.pipeline.* settings; refused in an untrusted workspace (stage commands are arbitrary code) or while a run is going. */
  start(trackingUri: string, token: string | undefined, req: ReproRequest, trusted: boolean): Promise<ReproResult> {
    refuseUntrusted(trusted);
    if (this.child) throw new Error('A pipeline run is already in progress: cancel it first (MLOps: Cancel Pipeline Run)');
    const args = reproArgs(path.join(this.extensionPath, 'dist', 'cli.js'), this.workspace, trackingUri, withSettings(req));
    const shown = `mlops ${args.slice(args.indexOf('repro')).join(' ')}`;
    this.terminal?.dispose();
    // The terminal's callbacks act on this run's child only (an old terminal may close after a new run started).
    const stopThis = () => { if (this.child && this.child === proc) this.cancel(); };
    const pty = new ReproPty(stopThis, () => { stopThis(); if (this.terminal === terminal) this.terminal = undefined; });
    const terminal = vscode.window.createTerminal({ name: 'MLOps Pipeline', pty, iconPath: new vscode.ThemeIcon('type-hierarchy') });
    this.terminal = terminal;
    terminal.show(true);
    pty.write(`\x1b[1m$ ${shown}\x1b[0m\n`);
    this.out.info(`pipeline: ${shown}`);
    const t0 = Date.now();
    this.cancelled = false;
    const proc = spawn(process.execPath, args, {
      cwd: this.workspace, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32',
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', MLFLOW_TRACKING_URI: trackingUri, ...(token ? { MLFLOW_TRACKING_TOKEN: token } : {}) },
    });
    this.child = proc;
    this._onDidChangeRunning.fire(true);
    const lines = (d: string) => { const last = d.trim().split('\n').pop(); if (last) this._onLine.fire(last); };
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => { pty.write(d); lines(d); });
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
      pty.write(d);
      lines(d);
      for (const l of d.split('\n').filter(Boolean)) this.out.info(`[repro] ${l}`);
    });
    return new Promise(resolve => {
      const finish = (code: number | null, note: string) => {
        if (this.child !== proc) return;
        this.child = undefined;
        const result = { code, cancelled: this.cancelled || code === 130, ms: Date.now() - t0 };
        pty.finished = true;
        pty.write(`\n\x1b[2m[${note} after ${(result.ms / 1000).toFixed(1)} s — press any key to close]\x1b[0m\n`);
        this.out.info(`pipeline: ${note} (${shown})`);
        this._onDidChangeRunning.fire(false);
        resolve(result);
      };
      proc.on('error', e => { pty.write(`\n${e.message}\n`); finish(null, `could not start: ${e.message}`); });
      proc.on('close', (code, signal) => finish(code ?? (signal ? 130 : null), signal ? `killed by ${signal}` : `exited with code ${code}`));
    });
  }

  /** SIGTERM to the CLI (it stops its stages); the whole process group is killed if it lingers. */
  cancel(): boolean {
    const child = this.child;
    if (!child || child.exitCode !== null) return false;
    this.cancelled = true;
    child.kill('SIGTERM');
    setTimeout(() => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      this.out.warn('pipeline: the CLI did not stop within 10 s; killing its process group');
      try { process.kill(process.platform === 'win32' ? child.pid! : -child.pid!, 'SIGKILL'); } catch { /* gone */ }
    }, KILL_AFTER_MS).unref();
    return true;
  }

  showTerminal(): void {
    this.terminal?.show();
  }
}
