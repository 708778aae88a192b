// Supervises the engine (`dist/cli.js server`) as a child process of the extension host:
// stderr → LogOutputChannel, start-up failures shown once with "Show Output", restarts without crash loops.
import * as vscode from 'vscode';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Disposable } from '../disposable';
import { ShownError } from '../commands/registry';

export type EngineState = 'stopped' | 'starting' | 'running' | 'failed';
export interface EngineInfo {
  url: string;
  port: number;
  token?: string;
}

export class EngineProcess extends Disposable {
  private child?: ChildProcess;
  private readonly _onState = this.track(new vscode.EventEmitter<EngineState>());
  readonly onState = this._onState.event;
  state: EngineState = 'stopped';
  info?: EngineInfo;
  private crashes: number[] = [];
  private stopping = false;
  private failureShown = false;
  private starting?: Promise<EngineInfo>;

  constructor(private readonly extensionPath: string, private readonly workspace: string, private readonly out: vscode.LogOutputChannel,
    private readonly options: () => { port: number; token?: string }) {
    super();
  }

  private set(state: EngineState): void {
    this.state = state;
    this._onState.fire(state);
  }

  /** Starts the engine and resolves with its URL once it listens. One start at a time: a second call joins it. */
  start(): Promise<EngineInfo> {
    if (this.child && this.info) return Promise.resolve(this.info);
    this.starting ??= this.spawnEngine().finally(() => { this.starting = undefined; });
    return this.starting;
  }

  private spawnEngine(): Promise<EngineInfo> {
    this.stopping = false;
    this.set('starting');
    const { port, token } = this.options();
    const cli = path.join(this.extensionPath, 'dist', 'cli.js');
    const args = [cli, '--workspace', this.workspace, 'server', '--port', String(port)];
    if (token) args.push('--token', token);
    this.out.info(`starting engine: ${path.basename(process.execPath)} ${args.join(' ').replace(token ?? '\0', '***')}`);
    const started = Date.now();
    const child = spawn(process.execPath, args, { cwd: this.workspace, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      for (const line of d.split('\n').filter(Boolean)) {
        if (line.includes('[error]')) this.out.error(line); else if (line.includes('[warn]')) this.out.warn(line); else this.out.info(line);
      }
    });
    return new Promise<EngineInfo>((resolve, reject) => {
      let buf = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        buf += d;
        const line = buf.split('\n').find(l => l.includes('"listening"'));
        if (line && this.state === 'starting') {
          const j = JSON.parse(line) as { url: string; port: number };
          this.info = { url: j.url, port: j.port, token };
          this.out.info(`engine listening on ${j.url} (pid ${child.pid}, ${Date.now() - started} ms)`);
          this.set('running');
          resolve(this.info);
        }
      });
      child.on('error', e => { this.out.error(`engine failed to start: ${e.message}`); reject(this.fail(e.message)); });
      child.on('exit', (code, signal) => {
        const wasRunning = this.state === 'running';
        this.child = undefined;
        this.info = undefined;
        if (this.stopping) { this.set('stopped'); return; }
        const msg = `engine exited (${signal ?? `code ${code}`}) after ${Date.now() - started} ms`;
        this.out.error(msg);
        if (!wasRunning) { reject(this.fail(msg)); return; }
        this.crashes = [...this.crashes.filter(t => Date.now() - t < 60_000), Date.now()];
        if (this.crashes.length >= 3) { this.fail('engine crashed 3 times in a minute; not restarting'); return; }
        this.out.warn('restarting engine after a crash');
        void this.start().catch(() => undefined);
      });
    });
  }

  /** Shows the failure once (until the next explicit restart) and returns the error for the caller: a ShownError when
   * this call showed it, so the command wrapper does not show it a second time. */
  private fail(message: string): Error {
    this.set('failed');
    const text = `the tracking server could not start — ${message}`;
    if (this.failureShown) return new Error(`${text}; see the MLOps Workbench output`);
    this.failureShown = true;
    void vscode.window.showErrorMessage(`MLOps: ${text}`, 'Show Output').then(a => { if (a) this.out.show(); });
    return new ShownError(text);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) { this.set('stopped'); return; }
    this.stopping = true;
    await new Promise<void>(resolve => {
      const t = setTimeout(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } resolve(); }, 3000);
      child.once('exit', () => { clearTimeout(t); resolve(); });
      child.kill('SIGTERM');
    });
  }

  async restart(): Promise<EngineInfo> {
    await this.stop();
    this.failureShown = false;
    this.crashes = [];
    return this.start();
  }

  override dispose(): void {
    this.stopping = true;
    if (this.child && this.child.exitCode === null) this.child.kill('SIGTERM');
    super.dispose();
  }
}
