// activate(): build one Extension object, push it to context.subscriptions; nothing else.
import type * as vscode from 'vscode';
import { Extension, type MlopsApi } from './host/extensionMain';

export function activate(context: vscode.ExtensionContext): MlopsApi {
  const ext = new Extension(context);
  context.subscriptions.push(ext);
  return ext.api();
}

export function deactivate(): void {
  /* the Extension is disposed with context.subscriptions (engine stopped there) */
}
