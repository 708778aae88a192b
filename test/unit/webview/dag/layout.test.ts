import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layers, layout } from '../../../../webview/dag/layout';

const demo = [
  { name: 'prepare', upstream: [] },
  { name: 'train', upstream: ['prepare'] },
  { name: 'evaluate', upstream: ['train', 'prepare'] },
];

test('a stage sits one layer below its deepest upstream stage', () => {
  assert.deepEqual(Object.fromEntries(layers(demo)), { prepare: 0, train: 1, evaluate: 2 });
  const diamond = [{ name: 'a', upstream: [] }, { name: 'b', upstream: ['a'] }, { name: 'c', upstream: ['a'] }, { name: 'd', upstream: ['b', 'c'] }];
  assert.deepEqual(Object.fromEntries(layers(diamond)), { a: 0, b: 1, c: 1, d: 2 });
});

test('unknown upstream names and cycles do not hang or throw', () => {
  const l = layers([{ name: 'x', upstream: ['y', 'ghost'] }, { name: 'y', upstream: ['x'] }, { name: 'self', upstream: ['self'] }]);
  assert.equal(l.size, 3);
  assert.equal(l.get('self'), 0);
});

test('boxes do not overlap; layers go top to bottom; every edge is drawn', () => {
  const wide = [{ name: 'src', upstream: [] }, ...Array.from({ length: 5 }, (_, i) => ({ name: `s${i}`, upstream: ['src'] })), { name: 'sink', upstream: ['s0', 's4'] }];
  const g = layout(wide);
  const row = g.boxes.filter(b => b.layer === 1).sort((a, b) => a.x - b.x);
  for (let i = 1; i < row.length; i++) assert.ok(row[i]!.x >= row[i - 1]!.x + row[i - 1]!.w, 'no overlap in a layer');
  assert.ok(g.boxes.every(b => b.x >= 0 && b.x + b.w <= g.width && b.y + b.h <= g.height), 'inside the drawing');
  assert.equal(g.edges.length, 7);
  const src = g.boxes.find(b => b.name === 'src')!;
  const sink = g.boxes.find(b => b.name === 'sink')!;
  assert.ok(src.y < row[0]!.y && row[0]!.y < sink.y);
});

test('an edge that skips a layer goes round the box in its way', () => {
  const g = layout(demo);
  const train = g.boxes.find(b => b.name === 'train')!;
  const skip = g.edges.find(e => e.from === 'prepare' && e.to === 'evaluate')!;
  const xs = [...skip.d.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map(m => Number(m[1]));
  assert.ok(Math.max(...xs) > train.x + train.w, `lane right of train: ${skip.d}`);
  assert.ok(g.width >= Math.max(...xs), 'the lane is inside the drawing');
});
