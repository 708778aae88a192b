// The drift panel's styles: theme colours only. Injected as a <style> carrying the page's CSP nonce (the panel's
// CSP allows no inline styles otherwise).
const CSS = `
.drift-header { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; padding: 12px 0 4px; }
.drift-header h2 { margin: 0; }
.verdict { padding: 2px 8px; border-radius: 10px; font-weight: 600; font-size: 0.9em; border: 1px solid var(--verdict); color: var(--verdict); }
.verdict.drift, tr.col-row.drifted { --verdict: var(--vscode-testing-iconFailed, var(--vscode-errorForeground)); }
.verdict.ok { --verdict: var(--vscode-testing-iconPassed, var(--vscode-charts-green)); }
.verdict.alert { --verdict: var(--vscode-list-warningForeground, var(--vscode-editorWarning-foreground)); }
.drift-sources { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
.drift-sources .k { color: var(--vscode-descriptionForeground); }
.drift-sources a { cursor: pointer; color: var(--vscode-textLink-foreground); }
.drift-summary { margin: 6px 0 10px; }
.drift-summary .muted, .muted { color: var(--vscode-descriptionForeground); }
.drift-actions { display: flex; gap: 8px; margin: 6px 0 12px; }
.drift-section { margin: 18px 0 6px; font-size: 1.1em; font-weight: 600; }
.table-scroll { overflow-x: auto; }
.drift-table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
.drift-table th, .drift-table td { text-align: right; padding: 3px 8px; border-bottom: 1px solid var(--vscode-panel-border, rgba(128,128,128,0.25)); white-space: nowrap; }
.drift-table th:first-child, .drift-table td:first-child, .drift-table th.l, .drift-table td.l { text-align: left; }
.drift-table thead th { position: sticky; top: 0; background: var(--vscode-editor-background); color: var(--vscode-descriptionForeground); font-weight: 600; }
tr.col-row { cursor: pointer; }
tr.col-row:hover { background: var(--vscode-list-hoverBackground); }
tr.col-row.drifted { background: color-mix(in srgb, var(--verdict) 14%, transparent); }
tr.col-row.drifted td.verdict-cell { color: var(--verdict); font-weight: 600; }
tr.col-row:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.twisty { display: inline-block; width: 1em; color: var(--vscode-descriptionForeground); }
tr.col-detail > td { padding: 8px 8px 14px 24px; text-align: left; white-space: normal; }
.col-charts, .col-notes { position: sticky; left: 24px; width: calc(100vw - 80px); box-sizing: border-box; }
.col-charts { display: flex; gap: 16px; flex-wrap: wrap; }
.chart-box { flex: 1 1 420px; min-width: 320px; max-width: 760px; }
.chart-box h4 { margin: 0 0 4px; font-weight: 600; color: var(--vscode-descriptionForeground); }
.chart-box .canvas-wrap { position: relative; height: 220px; }
.col-notes { margin: 6px 0 0; padding-left: 36px; }
.quality-table td.alert { color: var(--vscode-editorWarning-foreground, var(--vscode-charts-yellow)); }
.schema-list { margin: 4px 0; padding-left: 18px; }
.history-box .canvas-wrap { position: relative; height: 280px; }
`;

export function injectStyle(): void {
  const nonce = document.querySelector('meta[property="csp-nonce"]')?.getAttribute('content') ?? '';
  const el = document.createElement('style');
  el.setAttribute('nonce', nonce);
  el.textContent = CSS;
  document.head.appendChild(el);
}
