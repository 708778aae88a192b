// The DAG panel's styles: theme colours only, one colour per stage state. Injected as a <style> carrying the
// page's CSP nonce (the panel's CSP allows no inline styles otherwise).
const CSS = `
.dag-header { display: flex; align-items: center; gap: 12px; padding: 12px 0 6px; flex-wrap: wrap; }
.dag-legend { display: flex; gap: 12px; flex-wrap: wrap; color: var(--vscode-descriptionForeground); font-size: 0.9em; }
.dag-legend span::before { content: ''; display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 5px; background: var(--state); }
.dag-scroll { overflow: auto; max-height: calc(100vh - 260px); min-height: 120px; border: 1px solid var(--vscode-panel-border, transparent); border-radius: 3px; }
.dag-svg { display: block; margin: 0 auto; }
.state-up-to-date { --state: var(--vscode-testing-iconPassed, var(--vscode-charts-green)); }
.state-changed { --state: var(--vscode-editorWarning-foreground, var(--vscode-charts-yellow)); }
.state-never-run { --state: var(--vscode-descriptionForeground); }
.state-frozen { --state: var(--vscode-disabledForeground, var(--vscode-descriptionForeground)); }
.state-running { --state: var(--vscode-charts-blue, var(--vscode-focusBorder)); }
.state-failed { --state: var(--vscode-testing-iconFailed, var(--vscode-errorForeground)); }
.dag-node { cursor: pointer; }
.dag-node rect { fill: var(--vscode-editorWidget-background, var(--vscode-editor-background)); stroke: var(--state); stroke-width: 1.5; }
.dag-node.state-never-run rect { stroke-dasharray: 4 3; }
.dag-node.state-running rect { stroke-dasharray: 6 3; animation: dag-run 0.8s linear infinite; }
@keyframes dag-run { to { stroke-dashoffset: -18; } }
@media (prefers-reduced-motion: reduce) { .dag-node.state-running rect { animation: none; } }
.dag-node .dot { fill: var(--state); }
.dag-node .name { fill: var(--vscode-foreground); font-weight: 600; font-size: 12px; }
.dag-node .status { fill: var(--vscode-descriptionForeground); font-size: 11px; }
.dag-node.selected rect { stroke-width: 3; fill: var(--vscode-list-inactiveSelectionBackground, var(--vscode-editorWidget-background)); }
.dag-node:focus { outline: none; }
.dag-node:focus-visible rect { stroke: var(--vscode-focusBorder); stroke-width: 3; }
.dag-edge { fill: none; stroke: var(--vscode-descriptionForeground); stroke-opacity: 0.7; stroke-width: 1.3; }
.dag-arrow { fill: var(--vscode-descriptionForeground); }
.dag-detail { margin-top: 12px; }
.dag-detail pre { white-space: pre-wrap; margin: 6px 0; padding: 6px 8px; background: var(--vscode-textCodeBlock-background); border-radius: 3px; }
.dag-detail ul { margin: 6px 0; padding-left: 18px; }
.dag-actions { display: flex; gap: 8px; margin-top: 8px; }
`;

export function injectStyle(): void {
  const nonce = document.querySelector('meta[property="csp-nonce"]')?.getAttribute('content') ?? '';
  const el = document.createElement('style');
  el.setAttribute('nonce', nonce);
  el.textContent = CSS;
  document.head.appendChild(el);
}
