// One serving endpoint = one child process (`dist/cli.js serve`): a model crash never takes the editor or the
// tracking server down. Its stderr goes to the output channel; /stats is polled for the Endpoints view.
import * as vscode from 'vscode';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Disposable } from '../disposable';

export interface EndpointStats { requests: number; errors: number; rps: number; p50_ms: number; p99_ms: number; version: string | null }
export type EndpointState = 'starting' | 'running' | 'stopped' | 'failed';

export class EndpointProcess extends Disposable {
  private child?: ChildProcess;
  state: EndpointState = 'stopped';
  url?: string;
  version?: string | null;
  name?: string | null;
  stats?: EndpointStats;
  error?: string;
  private readonly _onChange = this.track(new vscode.EventEmitter<void>());
  readonly onChange = this._onChange.event;
  private timer?: NodeJS.Timeout;
  /** pid of an endpoint started outside VS Code (`mlops serve` in a terminal), found in .mlops/endpoints/. */
  externalPid?: number;

  get pid(): number | undefined {
    return this.child?.pid ?? this.externalPid;
  }

  /** An endpoint someone started with `mlops serve`: shown and polled, stopped by signalling its pid. */
  static external(info: { url: string; ref: string; pid: number; name: string | null; version: string | null }, extensionPath: string, workspace: string, out: vscode.LogOutputChannel): EndpointProcess {
    const e = new EndpointProcess(info.ref, extensionPath, workspace, out, () => []);
    Object.assign(e, { url: info.url, name: info.name, version: info.version, state: 'running', externalPid: info.pid });
    e.timer = setInterval(() => void e.poll(), 1000);
    return e;
  }

  constructor(readonly ref: string, private readonly extensionPath: string, private readonly workspace: string, private readonly out: vscode.LogOutputChannel,
    private readonly args: () => string[]) {
    super();
    this.track({ dispose: () => { clearInterval(this.timer); this.kill(); } });
  }

  start(): Promise<string> {
    this.state = 'starting';
    this.error = undefined;
    this._onChange.fire();
    const child = spawn(process.execPath, [path.join(this.extensionPath, 'dist', 'cli.js'), '--workspace', this.workspace, 'serve', this.ref, '--port', '0', ...this.args()],
      { cwd: this.workspace, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { for (const l of d.split('\n').filter(Boolean)) this.out.info(`[serve ${this.ref}] ${l}`); });
    return new Promise((resolve, reject) => {
      let buf = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        buf += d;
        const line = buf.split('\n').find(l => l.includes('"listening"'));
        if (line && this.state === 'starting') {
          const info = JSON.parse(line) as { url: string; version: string | null; name: string | null };
          Object.assign(this, { url: info.url, version: info.version, name: info.name, state: 'running' });
          this.timer = setInterval(() => void this.poll(), 1000);
          this._onChange.fire();
          resolve(info.url);
        }
      });
      child.on('exit', code => {
        clearInterval(this.timer);
        const was = this.state;
        this.child = undefined;
        this.state = was === 'running' || was === 'starting' ? (code === 0 ? 'stopped' : 'failed') : 'stopped';
        if (this.state === 'failed') this.error = `exited with code ${code}`;
        this._onChange.fire();
        if (was === 'starting') reject(new Error(`the endpoint for ${this.ref} did not start (code ${code}); see the MLOps Workbench output`));
      });
    });
  }

  private async poll(): Promise<void> {
    try {
      this.stats = await (await fetch(`${this.url}/stats`)).json() as EndpointStats;
      this.version = this.stats.version;
      this._onChange.fire();
    } catch { /* restarting */ }
  }

  kill(): void {
    if (this.child && this.child.exitCode === null) { this.state = 'stopped'; this.child.kill('SIGTERM'); }
    if (this.externalPid && this.state === 'running') {
      this.state = 'stopped';
      try { process.kill(this.externalPid, 'SIGTERM'); } catch { /* already gone */ }
    }
  }

  async restart(): Promise<string> {
    if (this.externalPid) throw new Error('This endpoint was started outside VS Code (mlops serve): restart it there');
    const child = this.child;
    if (child) await new Promise<void>(r => { child.once('exit', () => r()); this.kill(); });
    return this.start();
  }
}
