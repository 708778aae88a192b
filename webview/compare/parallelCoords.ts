// Parallel coordinates on a plain canvas: one vertical axis per numeric param/metric, one polyline per run.
// Hovering a line highlights that run and names it; clicking opens it.
import type { RunSummary } from '../../src/shared/protocol';
import { h } from '../common/dom';
import { formatNumber } from '../common/format';
import { runColor, themeColors } from '../common/theme';

export interface Axis {
  label: string;
  values: (number | undefined)[];
}
const HEIGHT = 340;
const PAD = { top: 44, bottom: 28, side: 60 };
const MIN_SPACING = 96;

export class ParallelCoords {
  readonly el: HTMLElement;
  private readonly canvas = h('canvas', { className: 'parallel-canvas', attrs: { role: 'img', 'aria-label': 'Parallel coordinates' } });
  private readonly tip = h('div', { className: 'chart-tip' });
  private runs: RunSummary[] = [];
  private axes: Axis[] = [];
  private lines: ([number, number] | undefined)[][] = [];
  private hover = -1;

  constructor(private readonly openRun: (runId: string) => void) {
    this.tip.hidden = true;
    this.el = h('div', { className: 'parallel' }, this.canvas, this.tip);
    new ResizeObserver(() => this.draw()).observe(this.el);
    this.canvas.addEventListener('mousemove', e => this.onMove(e));
    this.canvas.addEventListener('mouseleave', () => { this.hover = -1; this.tip.hidden = true; this.draw(); });
    this.canvas.addEventListener('click', () => { if (this.hover >= 0) this.openRun(this.runs[this.hover].runId); });
  }

  setData(runs: RunSummary[], axes: Axis[]): void {
    this.runs = runs;
    this.axes = axes;
    this.hover = -1;
    this.draw();
  }

  draw(): void {
    const n = this.axes.length;
    const width = Math.max(this.el.clientWidth, PAD.side * 2 + Math.max(0, n - 1) * MIN_SPACING);
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(HEIGHT * dpr);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${HEIGHT}px`;
    const g = this.canvas.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, HEIGHT);
    const t = themeColors();
    g.font = `${Math.max(10, t.fontSize - 1)}px ${t.fontFamily}`;
    const spacing = n > 1 ? (width - PAD.side * 2) / (n - 1) : 0;
    const xs = this.axes.map((_, i) => (n > 1 ? PAD.side + i * spacing : width / 2));
    const span = HEIGHT - PAD.top - PAD.bottom;
    // An axis spanning two or more decades of positive values (learning rates…) is drawn on a log scale.
    const ranges = this.axes.map(a => {
      const vs = a.values.filter((v): v is number => v !== undefined);
      const min = Math.min(...vs);
      const max = Math.max(...vs);
      return { min, max, log: min > 0 && max / min >= 100 };
    });
    const frac = (v: number, r: (typeof ranges)[number]) =>
      r.max <= r.min ? 0.5 : r.log ? Math.log(v / r.min) / Math.log(r.max / r.min) : (v - r.min) / (r.max - r.min);
    this.lines = this.runs.map((_, r) => this.axes.map((a, i) => {
      const v = a.values[r];
      return v === undefined ? undefined : [xs[i], PAD.top + (1 - frac(v, ranges[i])) * span];
    }));
    // Lines first, the hovered one last and on top.
    const order = this.runs.map((_, i) => i).filter(i => i !== this.hover);
    if (this.hover >= 0) order.push(this.hover);
    for (const r of order) {
      const dim = this.hover >= 0 && r !== this.hover;
      g.strokeStyle = runColor(r, dim ? 0.18 : 0.85);
      g.lineWidth = r === this.hover ? 3 : 1.5;
      g.beginPath();
      let pen = false;
      for (const p of this.lines[r]) {
        if (!p) { pen = false; continue; }
        if (pen) g.lineTo(p[0], p[1]); else g.moveTo(p[0], p[1]);
        pen = true;
      }
      g.stroke();
    }
    this.axes.forEach((a, i) => {
      g.strokeStyle = t.foreground;
      g.lineWidth = 1;
      g.beginPath();
      g.moveTo(xs[i], PAD.top);
      g.lineTo(xs[i], HEIGHT - PAD.bottom);
      g.stroke();
      g.textAlign = 'center';
      g.fillStyle = t.foreground;
      g.fillText(fit(g, a.label + (ranges[i].log ? ' (log)' : ''), Math.max(spacing, MIN_SPACING) - 10), xs[i], PAD.top - 22);
      g.fillStyle = t.muted;
      g.fillText(formatNumber(ranges[i].max), xs[i], PAD.top - 8);
      g.fillText(formatNumber(ranges[i].min), xs[i], HEIGHT - PAD.bottom + 16);
    });
  }

  private onMove(e: MouseEvent): void {
    const rect = this.canvas.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    let best = -1;
    let bestD = 8;
    this.lines.forEach((pts, r) => {
      for (let i = 1; i < pts.length; i++) {
        const a = pts[i - 1];
        const b = pts[i];
        if (a && b && x >= a[0] - 4 && x <= b[0] + 4) {
          const d = segmentDistance(x, y, a, b);
          if (d < bestD) { bestD = d; best = r; }
        }
      }
    });
    this.canvas.classList.toggle('clickable', best >= 0);
    if (best !== this.hover) { this.hover = best; this.draw(); }
    this.tip.hidden = best < 0;
    if (best >= 0) {
      this.tip.textContent = this.runs[best].name || this.runs[best].runId;
      this.tip.style.left = `${x + this.canvas.offsetLeft + 12}px`;
      this.tip.style.top = `${y + this.canvas.offsetTop + 12}px`;
    }
  }
}

function segmentDistance(x: number, y: number, a: [number, number], b: [number, number]): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = dx * dx + dy * dy;
  const t = len ? Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / len)) : 0;
  return Math.hypot(x - (a[0] + t * dx), y - (a[1] + t * dy));
}

function fit(g: CanvasRenderingContext2D, text: string, width: number): string {
  if (g.measureText(text).width <= width) return text;
  let s = text;
  while (s.length > 1 && g.measureText(`${s}…`).width > width) s = s.slice(0, -1);
  return `${s}…`;
}
