// Layered layout of a stage graph, top to bottom: a stage's layer is the longest path from a source, stages in a
// layer ordered by the mean position of their upstream stages (fewer crossings), each layer centred.

export interface LayoutInput { name: string; upstream: string[] }
export interface Box { name: string; layer: number; x: number; y: number; w: number; h: number }
export interface Edge { from: string; to: string; d: string }
export interface Layout { boxes: Box[]; edges: Edge[]; width: number; height: number }

const H = 46;
const GAP_X = 28;
const GAP_Y = 48;
const PAD = 16;
const boxWidth = (name: string) => Math.min(260, Math.max(130, Math.round(name.length * 7.5) + 44));

/** Layer of each stage: 0 for sources, else 1 + the deepest upstream. Unknown names are ignored, cycles cut. */
export function layers(stages: LayoutInput[]): Map<string, number> {
  const byName = new Map(stages.map(s => [s.name, s]));
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (n: string): number => {
    const hit = memo.get(n);
    if (hit !== undefined) return hit;
    if (visiting.has(n)) return 0;
    visiting.add(n);
    const ups = (byName.get(n)?.upstream ?? []).filter(u => byName.has(u) && u !== n);
    const d = ups.length ? 1 + Math.max(...ups.map(depth)) : 0;
    visiting.delete(n);
    memo.set(n, d);
    return d;
  };
  for (const s of stages) depth(s.name);
  return memo;
}

export function layout(stages: LayoutInput[]): Layout {
  const layerOf = layers(stages);
  const rows: LayoutInput[][] = [];
  for (const s of stages) (rows[layerOf.get(s.name)!] ??= []).push(s);
  // Order each row by the mean relative position (0..1) of its upstream stages in the rows above.
  const rel = new Map<string, number>();
  rows.forEach((row, i) => {
    if (i > 0) {
      const key = (s: LayoutInput) => {
        const xs = s.upstream.map(u => rel.get(u)).filter((v): v is number => v !== undefined);
        return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0.5;
      };
      const keys = new Map(row.map((s, k) => [s.name, key(s) + k * 1e-6])); // stable for ties
      row.sort((a, b) => keys.get(a.name)! - keys.get(b.name)!);
    }
    row.forEach((s, k) => rel.set(s.name, row.length === 1 ? 0.5 : k / (row.length - 1)));
  });
  const rowWidth = (row: LayoutInput[]) => row.reduce((w, s) => w + boxWidth(s.name), 0) + GAP_X * Math.max(0, row.length - 1);
  const width = Math.max(0, ...rows.map(r => rowWidth(r ?? []))) + PAD * 2;
  const boxes: Box[] = [];
  rows.forEach((row, layer) => {
    let x = PAD + (width - PAD * 2 - rowWidth(row)) / 2;
    for (const s of row) {
      const w = boxWidth(s.name);
      boxes.push({ name: s.name, layer, x, y: PAD + layer * (H + GAP_Y), w, h: H });
      x += w + GAP_X;
    }
  });
  const at = new Map(boxes.map(b => [b.name, b]));
  let right = width - PAD;
  const edges: Edge[] = stages.flatMap(s => s.upstream.filter(u => at.has(u) && u !== s.name).map(u => {
    const a = at.get(u)!;
    const b = at.get(s.name)!;
    const x1 = a.x + a.w / 2, y1 = a.y + a.h, x2 = b.x + b.w / 2, y2 = b.y - 4;
    // An edge that skips layers goes round the boxes in its way, in a lane right of them.
    const between = boxes.filter(c => c.layer > a.layer && c.layer < b.layer);
    const blocking = between.filter(c => c.x - 6 < Math.max(x1, x2) && c.x + c.w + 6 > Math.min(x1, x2));
    if (!blocking.length) {
      const dy = Math.max(20, (y2 - y1) / 2);
      return { from: u, to: s.name, d: `M${x1},${y1} C${x1},${y1 + dy} ${x2},${y2 - dy} ${x2},${y2}` };
    }
    const lane = Math.max(...blocking.map(c => c.x + c.w)) + 18;
    right = Math.max(right, lane + 4);
    const top = Math.min(...between.map(c => c.y)), bottom = Math.max(...between.map(c => c.y + c.h)), g = GAP_Y / 2;
    return { from: u, to: s.name, d: `M${x1},${y1} C${x1},${y1 + g} ${lane},${top - g} ${lane},${top} L${lane},${bottom} C${lane},${bottom + g} ${x2},${y2 - g} ${x2},${y2}` };
  }));
  return { boxes, edges, width: right + PAD, height: PAD * 2 + rows.length * H + Math.max(0, rows.length - 1) * GAP_Y };
}
