// Supervises the engine (`dist/cli.js server`) as a child process of the extension host:
// stderr → LogOutputChannel, start-up failures shown once with "Show Output", restarts without crash loops.
import * as vscode from 'vscode';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Disposable } from '../disposable';

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

  constructor(private readonly extensionPath: string, private readonly workspace: string, private readonly out: vscode.LogOutputChannel,
    private readonly options: () => { port: number; token?: string }) {
    super();
  }

  private set(state: EngineState): void {
    this.state = state;
    this._onState.fire(state);
  }

  /** Starts the engine and resolves with its URL once it listens. */
  async start(): Promise<EngineInfo> {
    if (this.child && this.info) return this.info;
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
      child.on('error', e => { this.out.error(`engine failed to start: ${e.message}`); this.fail(e.message); reject(e); });
      child.on('exit', (code, signal) => {
        const wasRunning = this.state === 'running';
        this.child = undefined;
        this.info = undefined;
        if (this.stopping) { this.set('stopped'); return; }
        const msg = `engine exited (${signal ?? `code ${code}`}) after ${Date.now() - started} ms`;
        this.out.error(msg);
        if (!wasRunning) { this.fail(msg); reject(new Error(`${msg}; see the MLOps Workbench output`)); return; }
        this.crashes = [...this.crashes.filter(t => Date.now() - t < 60_000), Date.now()];
        if (this.crashes.length >= 3) { this.fail('engine crashed 3 times in a minute; not restarting'); return; }
        this.out.warn('restarting engine after a crash');
        void this.start().catch(() => undefined);
      });
    });
  }

  private fail(message: string): void {
    this.set('failed');
    if (this.failureShown) return;
    this.failureShown = true;
    void vscode.window.showErrorMessage(`MLOps: the tracking server could not start — ${message}`, 'Show Output')
      .then(a => { if (a) this.out.show(); });
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
