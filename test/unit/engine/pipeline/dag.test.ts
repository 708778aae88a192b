// The stage graph: edges from outputs to the deps (and params files) that read them, directory outputs and
// deps, topological order with ties in definition order, cycles and doubly-produced outputs named, closures.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { buildDag, closure, isInside } from '../../../../src/engine/pipeline/dag';
import { loadPipeline, parsePipeline } from '../../../../src/engine/pipeline/definition';
import { PipelineError, type Dag } from '../../../../src/engine/pipeline/types';
import { tempWorkspace } from '../../../helpers/workspace';
import { ROOT } from '../../../helpers/engineProcess';

const dagOf = (yaml: string) => buildDag(parsePipeline(yaml, path.join(tempWorkspace('mlops-dag-'), 'dvc.yaml')));
const edges = (dag: Dag) => [...dag.downstream].flatMap(([a, bs]) => bs.map(b => `${a}→${b}`));

function fails(yaml: string, line: number, msg: RegExp, stages: string[]): void {
  assert.throws(() => dagOf(yaml), (e: unknown) => {
    assert.ok(e instanceof PipelineError, String(e));
    assert.match(e.reason, msg);
    assert.equal(e.line, line, e.message);
    assert.equal(e.col, 3);
    assert.deepEqual(e.stages, stages);
    return true;
  });
}

describe('buildDag', () => {
  test('the get-started fixture: prepare → featurize → train → evaluate', () => {
    const dag = buildDag(loadPipeline(path.join(ROOT, 'test/fixtures/pipelines/get-started/dvc.yaml')));
    assert.deepEqual(dag.order, ['prepare', 'featurize', 'train', 'evaluate']);
    assert.deepEqual(edges(dag), ['prepare→featurize', 'featurize→train', 'featurize→evaluate', 'train→evaluate']);
    assert.deepEqual(dag.upstream.get('evaluate'), ['featurize', 'train']);
    assert.deepEqual(dag.upstream.get('prepare'), []);
    assert.deepEqual(dag.downstream.get('evaluate'), []);
  });

  test('order follows the data, ties broken by definition order', () => {
    const dag = dagOf(`stages:
  report: { cmd: r, deps: [model.onnx, stats.json] }
  stats: { cmd: s, deps: [data.csv], outs: [stats.json] }
  lint: { cmd: l }
  fetch: { cmd: f, outs: [data.csv] }
  train: { cmd: t, deps: [data.csv], outs: [model.onnx] }
`);
    assert.deepEqual(dag.order, ['lint', 'fetch', 'stats', 'train', 'report']);
    assert.deepEqual(edges(dag), ['stats→report', 'fetch→stats', 'fetch→train', 'train→report']);
  });

  test('directory outputs and deps: a file inside an output dir, an output inside a dep dir', () => {
    const dag = dagOf(`stages:
  split: { cmd: s, outs: [data/split] }
  one: { cmd: a, deps: [data/split/train.csv] }
  feat: { cmd: f, outs: [data/features/x.npy] }
  all: { cmd: b, deps: [data] }
  near: { cmd: n, deps: [data/splitter.py] }
`);
    assert.deepEqual(edges(dag), ['split→one', 'split→all', 'feat→all']);
    assert.deepEqual(dag.upstream.get('near'), []);
  });

  test('a params file written by a stage is an input of the stages reading it; paths meet through wdir', () => {
    const dag = dagOf(`stages:
  tune: { cmd: t, outs: [best.yaml] }
  fit:
    cmd: f
    params: [{ best.yaml: [lr] }]
  sub:
    wdir: jobs
    cmd: s
    deps: [../best.yaml]
`);
    assert.deepEqual(edges(dag), ['tune→fit', 'tune→sub']);
  });

  test('foreach stages are nodes of their own', () => {
    const dag = dagOf(`stages:
  prep:
    foreach: [a, b]
    do:
      cmd: p \${item}
      outs: ['\${item}.csv']
  join: { cmd: j, deps: [a.csv, b.csv], outs: [all.csv] }
`);
    assert.deepEqual(dag.order, ['prep@a', 'prep@b', 'join']);
    assert.deepEqual(dag.upstream.get('join'), ['prep@a', 'prep@b']);
  });
});

describe('buildDag errors', () => {
  test('one output produced by two stages', () => {
    fails('stages:\n  a: { cmd: x, outs: [m.pkl] }\n  b: { cmd: y, outs: [m.pkl] }\n', 3, /^output 'm\.pkl' is produced by both 'a' and 'b'$/, ['a', 'b']);
  });

  test('overlapping outputs, either way round', () => {
    fails('stages:\n  a: { cmd: x, outs: [data] }\n  b: { cmd: y, metrics: [data/m.json] }\n', 3,
      /^output 'data\/m\.json' is produced by both 'a' and 'b' \(as part of 'data'\)$/, ['a', 'b']);
    fails('stages:\n  a: { cmd: x, plots: [out/p.csv] }\n  b: { cmd: y }\n  c: { cmd: z, outs: [out] }\n', 4,
      /^output 'out\/p\.csv' is produced by both 'a' and 'c' \(as part of 'out'\)$/, ['a', 'c']);
  });

  test('one stage listing an output twice, or a path both read and written', () => {
    fails('stages:\n  a: { cmd: x, outs: [m.pkl], metrics: [m.pkl] }\n', 2, /output 'm\.pkl' is listed twice in stage 'a'/, ['a']);
    fails('stages:\n  a: { cmd: x, outs: [d, d/x] }\n', 2, /outputs 'd' and 'd\/x' of stage 'a' overlap/, ['a']);
    fails('stages:\n  a: { cmd: x, deps: [log.txt], outs: [log.txt] }\n', 2, /'log\.txt' is both a dependency and an output of stage 'a'/, ['a']);
  });

  test("a dependency inside the stage's own output (it would be deleted before the run), or an output inside a dependency", () => {
    fails('stages:\n  ok: { cmd: w }\n  a: { cmd: x, deps: [x/y], outs: [x] }\n', 3,
      /^dependency 'x\/y' of stage 'a' is inside its output 'x' \(outputs are deleted before the stage runs\)$/, ['a']);
    fails('stages:\n  a:\n    cmd: x\n    params: [{conf/p.yaml: [lr]}]\n    outs: [conf]\n', 2, /^dependency 'conf\/p\.yaml' of stage 'a' is inside its output 'conf'/, ['a']);
    fails('stages:\n  a: { cmd: x, deps: [data], outs: [data/out.csv] }\n', 2, /^output 'data\/out\.csv' of stage 'a' is inside its dependency 'data'$/, ['a']);
    // The message as printed: file:line:col first.
    assert.throws(() => dagOf('stages:\n  a: { cmd: x, deps: [x/y], outs: [x] }\n'), /dvc\.yaml:2:3: dependency 'x\/y' of stage 'a'/);
    // Siblings and prefixes that are not paths inside one another are fine.
    assert.deepEqual(dagOf('stages:\n  a: { cmd: x, deps: [x2/y, x.csv], outs: [x] }\n').order, ['a']);
  });

  test('a cycle names its stages in data-flow order, from the first defined', () => {
    fails(`stages:
  start: { cmd: s, outs: [s.txt] }
  c: { cmd: c, deps: [b.txt], outs: [c.txt] }
  a: { cmd: a, deps: [c.txt, s.txt], outs: [a.txt] }
  b: { cmd: b, deps: [a.txt], outs: [b.txt] }
  after: { cmd: z, deps: [c.txt] }
`, 3, /^cycle: c → a → b → c$/, ['c', 'a', 'b']);
    fails('stages:\n  x: { cmd: x, deps: [y], outs: [x] }\n  y: { cmd: y, deps: [x], outs: [y] }\n', 2, /^cycle: x → y → x$/, ['x', 'y']);
  });
});

describe('closure', () => {
  const dag = dagOf(`stages:
  fetch: { cmd: f, outs: [raw] }
  prep: { cmd: p, deps: [raw], outs: [clean] }
  train:
    foreach: [small, big]
    do: { cmd: t, deps: [clean], outs: ['\${item}.onnx'] }
  report: { cmd: r, deps: [small.onnx, big.onnx] }
  other: { cmd: o }
`);

  test('upstream: what the targets need, in order, targets included', () => {
    assert.deepEqual(closure(dag, ['train@big'], 'upstream'), ['fetch', 'prep', 'train@big']);
    assert.deepEqual(closure(dag, ['report', 'other'], 'upstream'), ['fetch', 'prep', 'train@small', 'train@big', 'report', 'other']);
  });

  test('downstream: what depends on the targets', () => {
    assert.deepEqual(closure(dag, ['prep'], 'downstream'), ['prep', 'train@small', 'train@big', 'report']);
    assert.deepEqual(closure(dag, ['other'], 'downstream'), ['other']);
  });

  test('a foreach group name stands for all of its stages', () => {
    assert.deepEqual(closure(dag, ['train'], 'downstream'), ['train@small', 'train@big', 'report']);
  });

  test('an unknown stage is a clear error', () => {
    assert.throws(() => closure(dag, ['trian'], 'upstream'), /unknown stage 'trian' \(stages: fetch, prep, train@small, train@big, report, other\)/);
  });
});

test('isInside', () => {
  assert.ok(isInside('data/x', 'data'));
  assert.ok(isInside('data', 'data'));
  assert.ok(isInside('anything', '.'));
  assert.ok(!isInside('data2/x', 'data'));
  assert.ok(!isInside('data', 'data/x'));
});
