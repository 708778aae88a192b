// Series → chart points: x axis choice, EMA smoothing, log-scale safety. Pure functions.
import type { Series } from '../../src/shared/protocol';
import { formatDuration, formatNumber } from '../common/format';

export type XAxisMode = 'step' | 'wall' | 'relative';
export interface XY {
  x: number;
  y: number;
}

export const X_AXIS_LABELS: Record<XAxisMode, string> = { step: 'Step', wall: 'Wall time', relative: 'Relative time' };

/**
 * Points of one series for the chosen x axis. Smoothing is TensorBoard's debiased EMA (weight 0..0.99)
 * over finite values; with a log y axis, values ≤ 0 become gaps. Output is sorted by x (chart.js
 * `normalized: true` requires it).
 */
export function toPoints(s: Series, mode: XAxisMode, runStart: number | undefined, smoothing: number, logY: boolean): XY[] {
  const pts = s.points;
  const origin = runStart || (pts.length ? Math.min(...pts.slice(0, 50).map(p => p[2])) : 0);
  const out: XY[] = new Array(pts.length);
  let ema = 0;
  let n = 0;
  let sorted = true;
  for (let i = 0; i < pts.length; i++) {
    const [step, value, ts] = pts[i];
    const x = mode === 'step' ? step : mode === 'wall' ? ts : (ts - origin) / 1000;
    let y = value;
    if (Number.isFinite(value) && smoothing > 0) {
      ema = ema * smoothing + (1 - smoothing) * value;
      n++;
      y = ema / (1 - Math.pow(smoothing, n));
    }
    if (!Number.isFinite(y) || (logY && y <= 0)) y = NaN;
    out[i] = { x, y };
    if (i && x < out[i - 1].x) sorted = false;
  }
  if (!sorted) out.sort((a, b) => a.x - b.x);
  return out;
}

/** Tick/tooltip label for an x value; `span` is the visible x range (for choosing the unit). */
export function formatX(mode: XAxisMode, v: number, span: number): string {
  if (mode === 'step') return formatNumber(v);
  if (mode === 'relative') {
    if (span > 2 * 3600) return `${formatNumber(Number((v / 3600).toFixed(2)))}h`;
    if (span > 120) return `${formatNumber(Number((v / 60).toFixed(1)))}m`;
    return span > 10 ? `${Math.round(v)}s` : formatDuration(v * 1000) || '0s';
  }
  const d = new Date(v);
  const hm = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: span < 600_000 ? '2-digit' : undefined });
  return span > 86_400_000 ? `${d.toLocaleDateString([], { month: 'short', day: 'numeric' })} ${hm}` : hm;
}
