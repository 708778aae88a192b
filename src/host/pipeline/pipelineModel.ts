// What the Pipeline view, the CodeLens, the diagnostics and the DAG panel show: every dvc.yaml with its stages'
// status. Refreshed on the engine's change feed, on file changes that matter (dvc.yaml, params, deps, outs;
// debounced), and every second while a stage runs.
import * as vscode from 'vscode';
import path from 'node:path';
import { Disposable } from '../disposable';
import type { EngineClient } from '../engineClient';
import { listPipelines, pathsOf, pipelineStatus, type DefinitionErrorDto, type PipelineStageDto } from './pipelineClient';

export interface PipelineInfo {
  /** dvc.yaml relative to the workspace (the engine's key for it). */
  file: string;
  uri: vscode.Uri;
  /** In DAG order. */
  stages: PipelineStageDto[];
  error?: DefinitionErrorDto & { uri: vscode.Uri };
}

const FILE_DELAY_MS = 400;
const ENGINE_DELAY_MS = 1000;
const EXCLUDE = '**/{node_modules,.git,.mlops,.venv,__pycache__}/**';
const isPipelineFile = (p: string) => /^dvc\.ya?ml$/.test(path.basename(p));

export class PipelineModel extends Disposable {
  pipelines: PipelineInfo[] = [];
  /** Why the engine could not be asked (the view shows it as an item, never a pop-up). */
  problem?: string;
  /** dvc.yaml files in the workspace, known before the engine runs. */
  files: vscode.Uri[] = [];
  private client?: EngineClient;
  private clientSub?: vscode.Disposable;
  private timer?: NodeJS.Timeout;
  private poll?: NodeJS.Timeout;
  private loading?: Promise<void>;
  private again = false;
  private runningHere = false;
  /** Absolute files and folders whose changes can change a status. */
  private watched: string[] = [];
  private exists?: boolean;
  private readonly _onDidChange = this.track(new vscode.EventEmitter<void>());
  readonly onDidChange = this._onDidChange.event;

  constructor(private readonly workspace: string | undefined) {
    super();
    this.track({ dispose: () => { clearTimeout(this.timer); clearInterval(this.poll); this.clientSub?.dispose(); } });
    if (!workspace) return;
    const w = this.track(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(workspace, '**/*')));
    this.track(w.onDidCreate(u => this.fileChanged(u, true)));
    this.track(w.onDidDelete(u => this.fileChanged(u, true)));
    this.track(w.onDidChange(u => this.fileChanged(u, false)));
    void this.findFiles();
  }

  get hasClient(): boolean {
    return !!this.client;
  }

  setClient(client: EngineClient | undefined): void {
    this.clientSub?.dispose();
    this.client = client;
    // Metric and registry writes never change a stage's status; stage runs and locks arrive as run changes.
    this.clientSub = client?.onChange(e => { if (e.kind !== 'metric' && e.kind !== 'registry' && e.kind !== 'model') this.schedule(ENGINE_DELAY_MS); });
    void this.refresh();
  }

  /** The extension's own `mlops repro` is going: poll every second until it ends. */
  setRunning(running: boolean): void {
    this.runningHere = running;
    this.updatePolling();
    void this.refresh();
  }

  find(file: string, stage: string): PipelineStageDto | undefined {
    return this.pipelines.find(p => p.file === file)?.stages.find(s => s.name === stage);
  }

  byUri(uri: vscode.Uri): PipelineInfo | undefined {
    return this.pipelines.find(p => p.uri.fsPath === uri.fsPath);
  }

  /** At most one refresh per `ms`, however many events arrive (a steady stream never starves it). */
  schedule(ms = FILE_DELAY_MS): void {
    if (this.timer) return;
    this.timer = setTimeout(() => { this.timer = undefined; void this.refresh(); }, ms);
  }

  /** Reloads everything; concurrent calls share one load (and one more after it if asked meanwhile). */
  refresh(): Promise<void> {
    if (this.loading) { this.again = true; return this.loading; }
    this.loading = (async () => {
      try {
        do { this.again = false; await this.load(); } while (this.again && !this.isDisposed);
      } finally { this.loading = undefined; }
    })();
    return this.loading;
  }

  private async load(): Promise<void> {
    const c = this.client;
    if (!c) {
      this.pipelines = [];
      this.problem = undefined;
    } else {
      try {
        const out: PipelineInfo[] = [];
        for (const item of await listPipelines(c)) {
          const st: { order?: string[]; stages?: PipelineStageDto[]; error?: DefinitionErrorDto } = item.error ? { error: item.error } : await pipelineStatus(c, item.file);
          const order = st.order ?? [];
          const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length);
          out.push({
            file: item.file, uri: this.abs(item.file),
            stages: [...st.stages ?? []].sort((a, b) => rank(a.name) - rank(b.name)),
            error: st.error ? { ...st.error, uri: this.abs(st.error.file || item.file) } : undefined,
          });
        }
        this.pipelines = out;
        this.problem = undefined;
      } catch (e) {
        this.problem = (e as Error).message;
      }
    }
    this.watched = this.pipelines.flatMap(p => {
      const root = path.dirname(p.uri.fsPath);
      return p.stages.flatMap(s => [...s.deps, ...pathsOf(s.outs), ...s.params.map(x => x.file)]
        .map(d => path.resolve(root, d)));
    });
    this.updatePolling();
    this.updateContext();
    this._onDidChange.fire();
  }

  /** `mlops.pipelineExists` drives the view's welcome content. */
  private updateContext(): void {
    const exists = this.files.length > 0 || this.pipelines.length > 0;
    if (exists !== this.exists) void vscode.commands.executeCommand('setContext', 'mlops.pipelineExists', (this.exists = exists));
  }

  private updatePolling(): void {
    const busy = this.runningHere || this.pipelines.some(p => p.stages.some(s => s.status.state === 'running'));
    if (busy && !this.poll) this.poll = setInterval(() => void this.refresh(), 1000);
    if (!busy && this.poll) { clearInterval(this.poll); this.poll = undefined; }
  }

  private abs(file: string): vscode.Uri {
    return vscode.Uri.file(path.resolve(this.workspace ?? '/', file));
  }

  private fileChanged(uri: vscode.Uri, createdOrDeleted: boolean): void {
    const p = uri.fsPath;
    if (p.includes(`${path.sep}.mlops${path.sep}`) || p.includes(`${path.sep}.git${path.sep}`)) return; // the store's own writes
    const under = (w: string) => w.startsWith(p + path.sep); // a folder created or deleted as a whole
    if (isPipelineFile(p) || (createdOrDeleted && this.pipelines.some(x => under(x.uri.fsPath)))) {
      if (createdOrDeleted) void this.findFiles();
      return this.schedule();
    }
    if (path.basename(p) === 'params.yaml' || this.watched.some(w => p === w || p.startsWith(w + path.sep) || (createdOrDeleted && under(w)))) this.schedule();
  }

  private async findFiles(): Promise<void> {
    this.files = await vscode.workspace.findFiles('**/dvc.{yaml,yml}', EXCLUDE, 100);
    this.updateContext();
    this._onDidChange.fire();
  }
}
