// The extension object: wires the engine process, its client, views, webviews and commands.
import * as vscode from 'vscode';
import fs from 'node:fs';
import path from 'node:path';
import { Disposable } from './disposable';
import { EngineProcess } from './process/engineProcess';
import { EngineClient } from './engineClient';
import { ExperimentsTree, type Node } from './views/experimentsTree';
import { ServerStatusBar } from './statusBar';
import { registerCommand } from './commands/registry';
import { registerRunCommands } from './commands/runCommands';
import { applyTerminalEnv } from './notebookLogging';
import { RunCardMessaging } from './notebookRenderer';
import { ModelsTree } from './views/modelsTree';
import { registerRegistryCommands } from './commands/registryCommands';
import { registerServingCommands } from './commands/servingCommands';
import { EndpointsTree } from './views/endpointsTree';
import { EndpointProcess } from './process/endpointProcess';
import { PipelineFeature } from './pipeline/pipelineFeature';
import { registerPipelineCommands } from './commands/pipelineCommands';
import { DriftFeature } from './drift/driftFeature';
import { registerDriftCommands } from './commands/driftCommands';
import type { Run } from '../shared/dto';

export interface MlopsApi {
  readonly trackingUri: string | undefined;
  startRun(opts?: { experimentName?: string; runName?: string; tags?: Record<string, string> }): Promise<Run['info']>;
  logMetric(runId: string, key: string, value: number, step?: number): void;
  logParams(runId: string, params: Record<string, string | number | boolean>): void;
  endRun(runId: string, status?: 'FINISHED' | 'FAILED' | 'KILLED'): Promise<void>;
  /** Resolves when the tracking server is up (for tests and other extensions). */
  ready(): Promise<string>;
  /** For the extension-host test suite only. */
  readonly __test: { tree: ExperimentsTree; models: ModelsTree; endpoints: EndpointsTree; runCards: RunCardMessaging; activationMs: number; pipeline: PipelineFeature; drift: DriftFeature };
}

const TOKEN_KEY = 'mlops.server.token';

export class Extension extends Disposable {
  readonly out = this.track(vscode.window.createOutputChannel('MLOps Workbench', { log: true }));
  readonly workspace: string | undefined;
  readonly engine?: EngineProcess;
  readonly tree: ExperimentsTree;
  readonly treeView: vscode.TreeView<Node>;
  readonly models: ModelsTree;
  readonly endpoints: EndpointsTree;
  readonly pipeline: PipelineFeature;
  readonly drift: DriftFeature;
  client?: EngineClient;
  private token?: string;
  private startPromise?: Promise<string>;
  private readonly _onClient = this.track(new vscode.EventEmitter<EngineClient | undefined>());
  readonly runCards: RunCardMessaging;
  readonly activationMs: number;

  constructor(readonly context: vscode.ExtensionContext) {
    super();
    const t0 = Date.now();
    this.workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const cfg = () => vscode.workspace.getConfiguration('mlops');
    this.tree = this.track(new ExperimentsTree(() => cfg().get('tree.pageSize', 200), () => cfg().get('tree.keyMetric', '')));
    this.treeView = this.track(vscode.window.createTreeView('mlops.experiments', { treeDataProvider: this.tree, canSelectMany: true, showCollapseAll: true }));
    this.models = this.track(new ModelsTree());
    this.drift = this.track(new DriftFeature(context.extensionUri, this.workspace, this.out, () => this.ensureClient()));
    this.endpoints = this.track(new EndpointsTree(this.drift.model));
    this.track(vscode.window.createTreeView('mlops.endpoints', { treeDataProvider: this.endpoints }));
    const serving = this.track(vscode.window.createStatusBarItem('mlops.endpoints', vscode.StatusBarAlignment.Left, 49));
    serving.name = 'MLOps Endpoints';
    serving.command = 'workbench.view.extension.mlops';
    this.track(this.endpoints.onDidChangeTreeData(() => {
      const n = this.endpoints.endpoints.filter(e => e.state === 'running').length;
      serving.text = `$(radio-tower) ${n} endpoint${n === 1 ? '' : 's'}`;
      serving.tooltip = this.endpoints.endpoints.map(e => `${e.ref} ${e.url ?? ''} ${e.state}`).join('\n');
      if (n) serving.show(); else serving.hide();
    }));
    this.track(vscode.window.createTreeView('mlops.models', { treeDataProvider: this.models, showCollapseAll: true }));
    this.pipeline = this.track(new PipelineFeature(context.extensionPath, this.workspace, this.out));
    if (this.workspace) {
      this.engine = this.track(new EngineProcess(context.extensionPath, this.workspace, this.out, () => ({ port: cfg().get('server.port', 0), token: this.token })));
      this.track(new ServerStatusBar(this.engine));
      this.track(this.engine.onState(s => {
        if (s === 'running' && this.engine?.info) this.connect(this.engine.info.url);
        else if (s !== 'starting') this.connect(undefined);
      }));
    }
    this.runCards = this.track(new RunCardMessaging(() => this.ensureClient(), this._onClient.event));
    registerRunCommands(this);
    registerRegistryCommands(this);
    registerServingCommands(this);
    registerPipelineCommands(this, this.pipeline);
    registerDriftCommands(this, this.drift);
    if (this.workspace) this.watchExternalEndpoints(this.workspace);
    this.track(registerCommand('mlops.output.show', this.out, () => this.out.show()));
    this.track(vscode.workspace.onDidChangeConfiguration(e => {
      // A running engine, or one that failed (perhaps for the setting just fixed), restarts with the new settings.
      if (e.affectsConfiguration('mlops.server') && (this.engine?.state === 'running' || this.engine?.state === 'failed')) void this.restart().catch(() => undefined);
      if (e.affectsConfiguration('mlops.tree')) this.tree.refresh();
    }));
    this.track(vscode.workspace.onDidGrantWorkspaceTrust(() => void this.autoStart()));
    this.updateStoreContext();
    void this.autoStart();
    this.activationMs = Date.now() - t0;
    this.out.info(`activated in ${this.activationMs} ms (workspace ${this.workspace ?? 'none'})`);
  }

  get storeExists(): boolean {
    return !!this.workspace && fs.existsSync(path.join(this.workspace, '.mlops', 'tracking.db'));
  }

  updateStoreContext(): void {
    void vscode.commands.executeCommand('setContext', 'mlops.storeExists', this.storeExists);
  }

  private async autoStart(): Promise<void> {
    if (!this.storeExists || !vscode.workspace.isTrusted) return;
    if (!vscode.workspace.getConfiguration('mlops').get('server.autoStart', true)) return;
    await this.start().catch(() => undefined); // failures are shown once by EngineProcess
  }

  /** Starts the engine (once) and resolves with its URL. */
  start(): Promise<string> {
    if (!this.engine) return Promise.reject(new Error('Open a folder first: the tracking store lives in the workspace'));
    if (!vscode.workspace.isTrusted) return Promise.reject(new Error('The tracking server does not start in an untrusted workspace'));
    if (this.engine.state === 'running' && this.engine.info) return Promise.resolve(this.engine.info.url);
    this.startPromise ??= (async () => {
      try {
        await this.resolveToken();
        const info = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'MLOps: starting tracking server' }, () => this.engine!.start());
        this.updateStoreContext();
        return info.url;
      } finally {
        this.startPromise = undefined;
      }
    })();
    return this.startPromise;
  }

  /** Restarts with the current settings (port, token on or off); clears the crash count and shows a new failure again. */
  async restart(): Promise<string> {
    if (!this.engine) throw new Error('Open a folder first');
    if (!vscode.workspace.isTrusted) throw new Error('The tracking server does not start in an untrusted workspace');
    await this.resolveToken();
    return (await this.engine.restart()).url;
  }

  private async resolveToken(): Promise<void> {
    this.token = vscode.workspace.getConfiguration('mlops').get('server.requireToken', false) ? await this.ensureToken() : undefined;
  }

  /** Endpoints started with `mlops serve` (recorded in .mlops/endpoints/) appear in the Endpoints view too. */
  private watchExternalEndpoints(workspace: string): void {
    const dir = path.join(workspace, '.mlops', 'endpoints');
    const scan = () => {
      const records = (fs.existsSync(dir) ? fs.readdirSync(dir) : []).filter(f => f.endsWith('.json')).flatMap(f => {
        try {
          const r = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { url: string; ref: string; pid: number; name: string | null; version: string | null };
          process.kill(r.pid, 0);
          return [r];
        } catch { return []; }
      });
      this.endpoints.sync(records, r => EndpointProcess.external(r, this.context.extensionPath, workspace, this.out));
    };
    const watcher = this.track(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(workspace, '.mlops/endpoints/*.json')));
    this.track(watcher.onDidCreate(scan));
    this.track(watcher.onDidDelete(scan));
    const timer = setInterval(scan, 5000); // processes killed hard leave their record behind
    this.track({ dispose: () => clearInterval(timer) });
    scan();
  }

  private async ensureToken(): Promise<string> {
    let t = await this.context.secrets.get(TOKEN_KEY);
    if (!t) {
      t = (await import('node:crypto')).randomBytes(24).toString('base64url');
      await this.context.secrets.store(TOKEN_KEY, t);
    }
    return t;
  }

  private connect(url: string | undefined): void {
    this.client?.dispose();
    this.client = url ? new EngineClient(url, this.token) : undefined;
    this.tree.setClient(this.client);
    this.models.setClient(this.client);
    this.pipeline.model.setClient(this.client);
    this.drift.model.setClient(this.client);
    this._onClient.fire(this.client);
    applyTerminalEnv(this.context.environmentVariableCollection, url, this.token);
  }

  /** The client, starting the engine when needed. */
  async ensureClient(): Promise<EngineClient> {
    if (!this.client) await this.start();
    if (!this.client) throw new Error('The tracking server is not running');
    return this.client;
  }

  api(): MlopsApi {
    const self = this;
    const clientOrThrow = () => { if (!this.client) throw new Error('The tracking server is not running'); return this.client.client; };
    return {
      get trackingUri() { return self.client?.url; },
      startRun: async o => (await this.ensureClient()).client.startRun(o),
      logMetric: (id, k, v, s) => clientOrThrow().logMetric(id, k, v, s),
      logParams: (id, p) => clientOrThrow().logParams(id, p),
      endRun: async (id, st) => (await this.ensureClient()).client.endRun(id, st),
      ready: () => this.start(),
      __test: { tree: this.tree, models: this.models, endpoints: this.endpoints, runCards: this.runCards, activationMs: this.activationMs, pipeline: this.pipeline, drift: this.drift },
    };
  }
}

export type { Node };
