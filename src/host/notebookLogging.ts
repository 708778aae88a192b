// Notebook and terminal logging: MLFLOW_TRACKING_URI (and token) for terminals and the workspace .env.
import * as vscode from 'vscode';
import fs from 'node:fs';
import path from 'node:path';

export function applyTerminalEnv(collection: vscode.GlobalEnvironmentVariableCollection, url: string | undefined, token?: string): void {
  collection.clear();
  if (!url) return;
  collection.description = 'MLOps Workbench: mlflow logs into this workspace';
  collection.replace('MLFLOW_TRACKING_URI', url);
  if (token) collection.replace('MLFLOW_TRACKING_TOKEN', token);
}

/** Writes (or updates) MLFLOW_TRACKING_URI / MLFLOW_TRACKING_TOKEN in <workspace>/.env; other lines are kept. */
export function writeDotEnv(workspace: string, url: string, token?: string): string {
  const file = path.join(workspace, '.env');
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split(/\r?\n/) : [];
  const set = (k: string, v: string | undefined) => {
    const i = lines.findIndex(l => l.startsWith(`${k}=`));
    if (v === undefined) { if (i >= 0) lines.splice(i, 1); return; }
    if (i >= 0) lines[i] = `${k}=${v}`; else lines.push(`${k}=${v}`);
  };
  set('MLFLOW_TRACKING_URI', url);
  set('MLFLOW_TRACKING_TOKEN', token);
  fs.writeFileSync(file, `${lines.filter((l, i) => l !== '' || i < lines.length - 1).join('\n').trimEnd()}\n`, { mode: 0o600 });
  return file;
}
