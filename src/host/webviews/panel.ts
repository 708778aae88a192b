// A webview panel with a strict CSP (nonce scripts, no eval/inline), theme CSS, typed messages,
// and a "ready" handshake: nothing is posted before the webview says it is ready.
import * as vscode from 'vscode';
import crypto from 'node:crypto';
import { Disposable } from '../disposable';
import type { PanelState } from '../../shared/protocol';

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: string, title: string): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const media = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', ...p));
  const csp = [
    "default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `img-src ${webview.cspSource} data:`, `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta property="csp-nonce" content="${nonce}">
<link rel="stylesheet" href="${media('webview.css')}"><title>${title}</title></head>
<body><div id="app"></div><script nonce="${nonce}" src="${media('dist', `${bundle}.js`)}"></script></body></html>`;
}

export class Panel<ToHost extends { type: string }, ToWebview> extends Disposable {
  private ready = false;
  private queue: ToWebview[] = [];
  private readonly _onMessage = this.track(new vscode.EventEmitter<ToHost>());
  readonly onMessage = this._onMessage.event;
  private readonly _onReady = this.track(new vscode.EventEmitter<void>());
  readonly onReady = this._onReady.event;

  constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, bundle: string, public state: PanelState) {
    super();
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')] };
    panel.webview.html = panelHtml(panel.webview, extensionUri, bundle, panel.title);
    this.track(panel.webview.onDidReceiveMessage((m: ToHost) => {
      if (m.type === 'ready') {
        this.ready = true;
        for (const q of this.queue.splice(0)) void panel.webview.postMessage(q);
        this._onReady.fire();
      }
      this._onMessage.fire(m);
    }));
    this.track(panel.onDidDispose(() => this.dispose()));
  }

  post(message: ToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.queue.push(message);
  }
}
