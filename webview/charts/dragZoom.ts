// Drag-select an x range on a chart to zoom. A positioned <div> draws the band, so dragging never
// redraws the chart; window listeners live only for the duration of a drag.
import type { Chart } from 'chart.js';

export function attachDragZoom(chart: Chart, host: HTMLElement, onZoom: (min: number, max: number) => void): void {
  const band = document.createElement('div');
  band.className = 'zoom-band';
  band.hidden = true;
  host.appendChild(band);
  const canvas = chart.canvas;
  const localX = (e: MouseEvent) => e.clientX - canvas.getBoundingClientRect().left;
  const localY = (e: MouseEvent) => e.clientY - canvas.getBoundingClientRect().top;
  let start = 0;

  const move = (e: MouseEvent) => {
    const a = chart.chartArea;
    const x = Math.min(Math.max(localX(e), a.left), a.right);
    band.style.left = `${canvas.offsetLeft + Math.min(start, x)}px`;
    band.style.width = `${Math.abs(x - start)}px`;
    band.style.top = `${canvas.offsetTop + a.top}px`;
    band.style.height = `${a.bottom - a.top}px`;
    band.hidden = Math.abs(x - start) < 3;
  };
  const up = (e: MouseEvent) => {
    window.removeEventListener('mousemove', move);
    window.removeEventListener('mouseup', up);
    band.hidden = true;
    const a = chart.chartArea;
    const x = Math.min(Math.max(localX(e), a.left), a.right);
    if (Math.abs(x - start) < 5) return;
    const scale = chart.scales.x;
    const v1 = scale.getValueForPixel(Math.min(start, x));
    const v2 = scale.getValueForPixel(Math.max(start, x));
    if (v1 !== undefined && v2 !== undefined && v2 > v1) onZoom(v1, v2);
  };
  canvas.addEventListener('mousedown', e => {
    const a = chart.chartArea;
    const x = localX(e);
    const y = localY(e);
    if (e.button !== 0 || !a || x < a.left || x > a.right || y < a.top || y > a.bottom) return;
    e.preventDefault();
    start = x;
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  });
}
