// Binary logistic regression on standardised features, trained by full-batch gradient descent with an L2 penalty
// on the weights (not the bias). Float64 throughout; the ONNX export rounds the result to float32.
export interface Scaler { features: string[]; mean: number[]; std: number[] }
export interface LogReg { weights: number[]; bias: number }
export interface TrainOptions { lr: number; epochs: number; l2: number }

/** Column means and population standard deviations (a constant column gets std 1). */
export function fitScaler(features: string[], x: number[][]): Scaler {
  const n = x.length;
  const mean = features.map((_, j) => x.reduce((s, r) => s + r[j], 0) / n);
  const std = features.map((_, j) => Math.sqrt(x.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / n) || 1);
  return { features, mean, std };
}

export function standardise(s: Scaler, x: number[][]): number[][] {
  return x.map(r => r.map((v, j) => (v - s.mean[j]) / s.std[j]));
}

export const sigmoid = (t: number): number => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));

/** -log p(y | t) for logit t, computed without overflow. */
const nll = (t: number, y: number): number => Math.max(t, 0) - t * y + Math.log1p(Math.exp(-Math.abs(t)));

/** Trains from zero weights; `onEpoch` gets each epoch's objective (mean log loss + l2/2·|w|²) before that epoch's step. */
export function train(z: number[][], y: number[], opts: TrainOptions, onEpoch?: (epoch: number, loss: number) => void): LogReg {
  const n = z.length;
  const d = z[0]?.length ?? 0;
  if (!n) throw new Error('no training rows');
  const w = new Array<number>(d).fill(0);
  let b = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const gw = new Array<number>(d).fill(0);
    let gb = 0;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const row = z[i];
      let t = b;
      for (let j = 0; j < d; j++) t += w[j] * row[j];
      loss += nll(t, y[i]);
      const err = sigmoid(t) - y[i];
      for (let j = 0; j < d; j++) gw[j] += err * row[j];
      gb += err;
    }
    onEpoch?.(epoch, loss / n + (opts.l2 / 2) * w.reduce((s, v) => s + v * v, 0));
    for (let j = 0; j < d; j++) w[j] = w[j] - opts.lr * (gw[j] / n + opts.l2 * w[j]);
    b -= opts.lr * (gb / n);
  }
  return { weights: w, bias: b };
}
