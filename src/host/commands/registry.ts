// Every command goes through one wrapper: errors are logged and shown once, with "Show Output".
import * as vscode from 'vscode';

/** An error the user has already been shown (e.g. the engine's start-up failure): the wrapper only logs it. */
export class ShownError extends Error {}

export function registerCommand(id: string, out: vscode.LogOutputChannel, fn: (...args: any[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await fn(...args);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      out.error(`${id} failed: ${e instanceof Error && e.stack ? e.stack : msg}`);
      if (e instanceof ShownError) return undefined;
      void vscode.window.showErrorMessage(`MLOps: ${msg}`, 'Show Output').then(a => { if (a) out.show(); });
      return undefined;
    }
  });
}
