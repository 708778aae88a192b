// chart.js, tree-shaken to what the panels use, with defaults taken from the VS Code theme.
import {
  Chart, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, ScatterController, Tooltip,
} from 'chart.js';
import { themeColors } from './theme';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip);

/** Applies the current theme to chart.js defaults; live charts pick it up when their options are next set. */
export function applyChartTheme(): void {
  const t = themeColors();
  Chart.defaults.color = t.foreground;
  Chart.defaults.borderColor = t.grid;
  Chart.defaults.font.family = t.fontFamily;
  Chart.defaults.font.size = Math.max(10, t.fontSize - 2);
  const tip = Chart.defaults.plugins.tooltip;
  tip.backgroundColor = t.background;
  tip.titleColor = tip.bodyColor = t.foreground;
  tip.borderColor = t.grid;
  tip.borderWidth = 1;
}

export { Chart };
