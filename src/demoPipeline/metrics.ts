// Binary classification metrics on p = P(label 1): accuracy (label = argmax, ties to 0 as ONNX ArgMax),
// log loss, and the ROC curve with its area (trapezoids, so tied scores count half).
export interface RocPoint { fpr: number; tpr: number; threshold: number }

export function accuracy(y: number[], p: number[]): number {
  return y.filter((v, i) => (p[i] > 0.5 ? 1 : 0) === v).length / y.length;
}

export function logLoss(y: number[], p: number[], eps = 1e-15): number {
  return -y.reduce((s, v, i) => s + Math.log(Math.min(1 - eps, Math.max(eps, v ? p[i] : 1 - p[i]))), 0) / y.length;
}

/** One point per distinct score, highest first (row i counts as positive when p[i] ≥ threshold), from (0,0) to (1,1).
 *  The (0,0) point's threshold is the top score + 1 (as scikit-learn before 1.3): finite, so every reader can parse it. */
export function roc(y: number[], p: number[]): RocPoint[] {
  const pos = y.filter(v => v === 1).length;
  const neg = y.length - pos;
  if (!pos || !neg) throw new Error(`the ROC curve needs both classes in the test set (${pos} positive, ${neg} negative rows)`);
  const order = p.map((_, i) => i).sort((a, b) => p[b] - p[a]);
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: p[order[0]] + 1 }];
  let tp = 0;
  let fp = 0;
  order.forEach((i, k) => {
    if (y[i] === 1) tp++; else fp++;
    if (k === order.length - 1 || p[order[k + 1]] !== p[i]) points.push({ fpr: fp / neg, tpr: tp / pos, threshold: p[i] });
  });
  return points;
}

export function auc(points: RocPoint[]): number {
  let area = 0;
  for (let k = 1; k < points.length; k++) area += (points[k].fpr - points[k - 1].fpr) * (points[k].tpr + points[k - 1].tpr) / 2;
  return area;
}
