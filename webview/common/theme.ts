// Theme colours from VS Code's --vscode-* CSS variables, and a run palette that stays distinct for 100+ runs.

export function cssVar(name: string, fallback = ''): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export function isLightTheme(): boolean {
  const c = document.body.classList;
  return c.contains('vscode-light') || c.contains('vscode-high-contrast-light');
}

export interface ThemeColors {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  fontFamily: string;
  fontSize: number;
  selection: string;
}

export function themeColors(): ThemeColors {
  return {
    foreground: cssVar('--vscode-foreground', 'gray'),
    muted: cssVar('--vscode-descriptionForeground', cssVar('--vscode-foreground', 'gray')),
    grid: cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', 'rgba(128,128,128,0.3)')),
    background: cssVar('--vscode-editorHoverWidget-background', cssVar('--vscode-editor-background', 'transparent')),
    fontFamily: cssVar('--vscode-font-family', 'sans-serif'),
    fontSize: parseFloat(cssVar('--vscode-font-size', '13')) || 13,
    selection: cssVar('--vscode-editor-selectionBackground', 'rgba(128,128,128,0.3)'),
  };
}

/**
 * Colour of the i-th run: hues step by the golden angle so neighbours differ most, and lightness cycles
 * through four bands (i mod 4) so the runs whose hues come round again (i ± 21, 34, 55, 89) still differ.
 */
export function runColor(i: number, alpha = 1): string {
  const hue = (i * 137.508) % 360;
  const light = isLightTheme();
  const l = (light ? 44 : 64) + ((i % 4) - 1.5) * 7;
  const s = light ? 70 : 72;
  return `hsla(${hue.toFixed(1)}, ${s}%, ${l}%, ${alpha})`;
}

/** Calls `fn` when VS Code switches theme (it swaps the body's vscode-* class and the variables on <html>). */
export function onThemeChange(fn: () => void): void {
  let pending = 0;
  const observer = new MutationObserver(() => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(fn);
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}
