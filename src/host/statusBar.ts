// Status bar: tracking server state and URI; click → copy URI, restart, show output.
import * as vscode from 'vscode';
import { Disposable } from './disposable';
import type { EngineProcess } from './process/engineProcess';

export class ServerStatusBar extends Disposable {
  private readonly item = this.track(vscode.window.createStatusBarItem('mlops.server', vscode.StatusBarAlignment.Left, 50));

  constructor(private readonly engine: EngineProcess) {
    super();
    this.item.name = 'MLOps Tracking Server';
    this.item.command = 'mlops.server.menu';
    this.track(engine.onState(() => this.update()));
    this.update();
    this.item.show();
  }

  private update(): void {
    const s = this.engine.state;
    const icon = { running: '$(radio-tower)', starting: '$(loading~spin)', stopped: '$(circle-slash)', failed: '$(error)' }[s];
    this.item.text = `${icon} MLOps ${s === 'running' && this.engine.info ? this.engine.info.url.replace(/^http:\/\//, '') : s}`;
    this.item.tooltip = s === 'running' ? `Tracking server: ${this.engine.info?.url}\nClick for actions` : `Tracking server ${s}`;
    this.item.backgroundColor = s === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    void vscode.commands.executeCommand('setContext', 'mlops.serverState', s);
  }
}

export async function serverMenu(): Promise<void> {
  const pick = await vscode.window.showQuickPick([
    { label: '$(copy) Copy Tracking URI', command: 'mlops.server.copyUri' },
    { label: '$(debug-restart) Restart Tracking Server', command: 'mlops.server.restart' },
    { label: '$(output) Show Output', command: 'mlops.output.show' },
  ], { title: 'MLOps Tracking Server' });
  if (pick) await vscode.commands.executeCommand(pick.command);
}
