// The trained model as ONNX, with the same conventions as test/fixtures/iris-logreg.onnx so serving works on it:
//   input float [N,F] → Sub(mean) → Div(std) → MatMul(coef [F,2]) → Add(intercept [2]) → Softmax → probabilities float [N,2]
//                                                                           → ArgMax(axis 1) → label int64 [N]
// Column 0 of coef/intercept is zero, so probabilities = [1 − σ(w·z + b), σ(w·z + b)].
// readLogReg takes the weights back out of the file, and predict is the same forward pass in float64.
import { DataType, INT_ATTRIBUTE, decodeModel, encodeModel, node, valueInfo } from './onnxProto.mjs';
import type { LogReg, Scaler } from './logreg';

const OPS = ['Sub', 'Div', 'MatMul', 'Add', 'Softmax', 'ArgMax'];

export interface OnnxLogReg { mean: number[]; std: number[]; coef: number[][]; intercept: number[] }

export function logRegToOnnx(s: Scaler, m: LogReg, doc: string): Uint8Array {
  const f = s.features.length;
  const float = (name: string, dims: number[], data: number[]) => ({ name, dataType: DataType.FLOAT, dims, floatData: data });
  return encodeModel('demo_logreg', doc, {
    node: [
      node('Sub', ['input', 'mean'], ['centered']),
      node('Div', ['centered', 'std'], ['standardised']),
      node('MatMul', ['standardised', 'coef'], ['scores']),
      node('Add', ['scores', 'intercept'], ['logits']),
      node('Softmax', ['logits'], ['probabilities'], [{ name: 'axis', type: INT_ATTRIBUTE, i: 1 }]),
      node('ArgMax', ['probabilities'], ['label'], [{ name: 'axis', type: INT_ATTRIBUTE, i: 1 }, { name: 'keepdims', type: INT_ATTRIBUTE, i: 0 }]),
    ],
    initializer: [
      float('mean', [f], s.mean),
      float('std', [f], s.std),
      float('coef', [f, 2], m.weights.flatMap(w => [0, w])),
      float('intercept', [2], [0, m.bias]),
    ],
    input: [valueInfo('input', DataType.FLOAT, f)],
    output: [valueInfo('label', DataType.INT64), valueInfo('probabilities', DataType.FLOAT, 2)],
  }, 'demo pipeline (scripts/train.js)');
}

/** The weights of a model written by logRegToOnnx; a clear error for any other graph. */
export function readLogReg(bytes: Uint8Array, file: string): OnnxLogReg {
  let m;
  try { m = decodeModel(bytes); } catch (e) { throw new Error(`${file} is not an ONNX model: ${e instanceof Error ? e.message : String(e)}`); }
  const ops = m.nodes.map(n => n.opType).join(',');
  if (ops !== OPS.join(',')) throw new Error(`${file}: expected the demo's logistic regression graph (${OPS.join(' → ')}), found ${ops || 'no nodes'}`);
  const get = (name: string) => {
    const t = m.initializers.get(name);
    if (!t) throw new Error(`${file}: initializer '${name}' is missing`);
    return t;
  };
  const mean = get('mean').data;
  const coef = get('coef');
  const f = mean.length;
  if (get('std').data.length !== f || coef.dims.join() !== `${f},2` || get('intercept').data.length !== 2) {
    throw new Error(`${file}: initializer shapes do not fit ${f} features`);
  }
  const rows = Array.from({ length: f }, (_, j) => [coef.data[2 * j], coef.data[2 * j + 1]]);
  return { mean, std: get('std').data, coef: rows, intercept: get('intercept').data };
}

/** Class probabilities [p0, p1] per row; inputs are rounded to float32 first, as the ONNX input is float. */
export function predict(m: OnnxLogReg, x: number[][]): number[][] {
  if (x.length && x[0].length !== m.mean.length) throw new Error(`the model takes ${m.mean.length} features, the data has ${x[0].length}`);
  return x.map(row => {
    const logits = [...m.intercept];
    row.forEach((v, j) => {
      const z = (Math.fround(v) - m.mean[j]) / m.std[j];
      logits[0] += z * m.coef[j][0];
      logits[1] += z * m.coef[j][1];
    });
    const top = Math.max(...logits);
    const e = logits.map(l => Math.exp(l - top));
    return e.map(v => v / (e[0] + e[1]));
  });
}
