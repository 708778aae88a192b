// Where a file:line:col error (pipeline definition, monitors.yaml) is drawn in the editor.
import * as vscode from 'vscode';
import fs from 'node:fs';

/** From the error's column to the end of its line's text (one character when the file cannot be read). */
export function rangeAt(file: string, line: number, col: number): vscode.Range {
  const l = Math.max(0, line - 1);
  const c = Math.max(0, col - 1);
  let end = c + 1;
  try {
    end = Math.max(c + 1, (fs.readFileSync(file, 'utf8').split(/\r?\n/)[l] ?? '').trimEnd().length);
  } catch { /* keep one character */ }
  return new vscode.Range(l, c, l, end);
}
