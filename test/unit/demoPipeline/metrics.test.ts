// The demo pipeline's metrics against hand-worked examples: ties, perfect and inverted rankings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracy, auc, logLoss, roc } from '../../../src/demoPipeline/metrics';

test('ROC curve and AUC: one point per distinct score, tied scores count half', () => {
  const y = [1, 0, 1, 0, 1];
  const p = [0.9, 0.8, 0.8, 0.3, 0.1];
  const curve = roc(y, p);
  assert.deepEqual(curve.map(c => [c.fpr, c.tpr, c.threshold]), [
    [0, 0, 1.9], [0, 1 / 3, 0.9], [0.5, 2 / 3, 0.8], [1, 2 / 3, 0.3], [1, 1, 0.1],
  ]);
  // Mann–Whitney: of the 6 (positive, negative) pairs, 0.9 beats both, the tied 0.8 vs 0.8 counts ½, 0.8 beats 0.3, 0.1 beats neither.
  assert.ok(Math.abs(auc(curve) - 3.5 / 6) < 1e-12);
  assert.equal(auc(roc([1, 1, 0], [0.9, 0.7, 0.2])), 1);
  assert.equal(auc(roc([0, 0, 1], [0.9, 0.7, 0.2])), 0);
  assert.throws(() => roc([1, 1], [0.2, 0.3]), /needs both classes .*2 positive, 0 negative/);
});

test('accuracy thresholds at 0.5 with ties going to class 0; log loss clips at eps', () => {
  assert.equal(accuracy([1, 0, 0, 1], [0.7, 0.5, 0.2, 0.4]), 0.75);
  assert.ok(Math.abs(logLoss([1, 0], [0.8, 0.4]) - -(Math.log(0.8) + Math.log(0.6)) / 2) < 1e-12);
  assert.ok(Math.abs(logLoss([1], [0]) - -Math.log(1e-15)) < 1e-9);
});
