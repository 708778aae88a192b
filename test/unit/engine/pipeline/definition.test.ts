// dvc.yaml → Pipeline: every stage key, paths through wdir, the params forms, templating from params.yaml and
// vars, foreach/matrix expansion with DVC's names, and each error at its exact file:line:col.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { findPipelines, loadPipeline, parsePipeline } from '../../../../src/engine/pipeline/definition';
import { PipelineError, type Pipeline } from '../../../../src/engine/pipeline/types';
import { tempWorkspace } from '../../../helpers/workspace';
import { ROOT } from '../../../helpers/engineProcess';

/** Writes `files` into a fresh workspace and parses `yaml` as its dvc.yaml (in `sub` when given). */
function parse(yaml: string, files: Record<string, string> = {}, sub = ''): Pipeline {
  const ws = tempWorkspace('mlops-pipeline-');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(ws, name)), { recursive: true });
    fs.writeFileSync(path.join(ws, name), text);
  }
  return parsePipeline(yaml, path.join(ws, sub, 'dvc.yaml'), { workspace: ws });
}

function fails(yaml: string, line: number, col: number, msg: RegExp, files: Record<string, string> = {}): PipelineError {
  let err: PipelineError | undefined;
  assert.throws(() => parse(yaml, files), (e: unknown) => {
    assert.ok(e instanceof PipelineError, `PipelineError expected, got ${String(e)}`);
    assert.match(e.reason, msg);
    assert.deepEqual([e.line, e.col], [line, col], e.message);
    assert.ok(e.message.endsWith(`dvc.yaml:${line}:${col}: ${e.reason}`), e.message);
    err = e;
    return true;
  });
  return err!;
}

const stage = (p: Pipeline, name: string) => p.stages.find(s => s.name === name) ?? assert.fail(`no stage ${name}: ${p.stages.map(s => s.name)}`);

describe('stage keys', () => {
  test('a stage with every key', () => {
    const p = parse(`stages:
  train:
    desc: Train the model
    meta: { owner: ml-team, notes: [any, yaml] }
    cmd: node train.js
    deps: [data/train.csv, train.js]
    outs:
      - model.onnx
      - logs:
          cache: false
          persist: true
          desc: training logs
          remote: store
          push: false
    metrics:
      - metrics.json:
          cache: false
    plots:
      - plots/loss.csv:
          x: step
          y: loss
          template: linear
      - plots/roc.json
    params: [train.lr]
    frozen: true
    always_changed: true
`);
    assert.equal(p.stages.length, 1);
    const s = p.stages[0];
    assert.equal(p.file, path.join(p.root, 'dvc.yaml'));
    assert.deepEqual({ ...s, pos: undefined }, {
      name: 'train', cmd: ['node train.js'], wdir: '.', deps: ['data/train.csv', 'train.js'],
      outs: [
        { path: 'model.onnx', cache: true, persist: false, kind: 'out' },
        { path: 'logs', cache: false, persist: true, kind: 'out' },
        { path: 'metrics.json', cache: false, persist: false, kind: 'metric' },
        { path: 'plots/loss.csv', cache: true, persist: false, kind: 'plot' },
        { path: 'plots/roc.json', cache: true, persist: false, kind: 'plot' },
      ],
      params: [{ file: 'params.yaml', keys: ['train.lr'] }],
      metrics: ['metrics.json'], plots: ['plots/loss.csv', 'plots/roc.json'],
      frozen: true, alwaysChanged: true, desc: 'Train the model', pos: undefined,
    });
    assert.deepEqual(s.pos, { file: p.file, line: 2, col: 3 });
  });

  test('cmd as a list; defaults when only cmd is given; top-level metrics/plots/params/artifacts accepted', () => {
    const p = parse(`stages:
  a:
    cmd:
      - echo one
      - echo two
  b:
    cmd: 42
params: [params.yaml]
metrics: [m.json]
plots: [p.json]
artifacts: { model: { path: model.onnx, type: model } }
datasets: [{ name: d, url: x }]
`);
    assert.deepEqual(p.stages.map(s => s.cmd), [['echo one', 'echo two'], ['42']]);
    const b = stage(p, 'b');
    assert.deepEqual([b.deps, b.outs, b.params, b.frozen, b.alwaysChanged, b.desc], [[], [], [], false, false, undefined]);
  });

  test('wdir: paths are written relative to wdir and stored relative to the pipeline root', () => {
    const p = parse(`stages:
  s:
    wdir: src/../jobs/./train/
    cmd: python run.py
    deps: [../../data/raw.csv, ./run.py, lib/]
    outs: [out/model.pkl]
    params:
      - lr
      - ../../conf.json:
          - a.b
  t:
    cmd: ls
    deps: [./x//y/]
`);
    const s = stage(p, 's');
    assert.equal(s.wdir, 'jobs/train');
    assert.deepEqual(s.deps, ['data/raw.csv', 'jobs/train/run.py', 'jobs/train/lib']);
    assert.deepEqual(s.outs.map(o => o.path), ['jobs/train/out/model.pkl']);
    assert.deepEqual(s.params, [{ file: 'jobs/train/params.yaml', keys: ['lr'] }, { file: 'conf.json', keys: ['a.b'] }]);
    assert.deepEqual(stage(p, 't').deps, ['x/y']);
  });

  test('a pipeline in a sub-folder may reach the rest of the workspace, not beyond it', () => {
    const p = parse('stages:\n  s:\n    cmd: x\n    deps: [../shared/data.csv]\n', {}, 'sub');
    assert.deepEqual(p.stages[0].deps, ['../shared/data.csv']);
    assert.throws(() => parse('stages:\n  s:\n    cmd: x\n    deps: [../../etc/passwd]\n', {}, 'sub'), /sub\/dvc\.yaml:4:12: path '\.\.\/\.\.\/etc\/passwd' is outside the workspace/);
  });

  test('params: keys of params.yaml, {file: [keys]}, {file: } for the whole file, grouped per file', () => {
    const p = parse(`stages:
  s:
    cmd: x
    params:
      - train.lr
      - other.yaml:
          - a
          - b
      - train.epochs
      - whole.json:
      - other.yaml: [b, c]
      - empty.yaml: []
      - whole.json: [ignored.since.whole]
`);
    assert.deepEqual(p.stages[0].params, [
      { file: 'params.yaml', keys: ['train.lr', 'train.epochs'] },
      { file: 'other.yaml', keys: ['a', 'b', 'c'] },
      { file: 'whole.json', keys: [] },
      { file: 'empty.yaml', keys: [] },
    ]);
  });

  test('YAML anchors and aliases are followed', () => {
    const p = parse(`stages:
  a:
    cmd: x
    deps: &common [lib.js, conf.json]
  b:
    cmd: y
    deps: *common
`);
    assert.deepEqual(stage(p, 'b').deps, ['lib.js', 'conf.json']);
  });
});

describe('templating', () => {
  const params = 'train:\n  lr: 0.01\n  epochs: 5\n  layers: [64, 32]\n  fast: false\nmodel: net\n';

  test('params.yaml is the default context; ${} works in cmd, paths, wdir, desc, params and flags', () => {
    const p = parse(`stages:
  train:
    wdir: \${model}
    desc: Train \${model} for \${train.epochs} epochs
    cmd: python train.py --lr \${train.lr} --layers \${train.layers[0]} \${train.layers.1} --fast \${train.fast}
    deps: ['\${model}.py']
    outs:
      - \${model}.onnx:
          cache: \${train.fast}
    params: ['\${model}.depth']
    always_changed: \${train.fast}
`, { 'params.yaml': params });
    const s = p.stages[0];
    assert.equal(s.wdir, 'net');
    assert.equal(s.desc, 'Train net for 5 epochs');
    assert.deepEqual(s.cmd, ['python train.py --lr 0.01 --layers 64 32 --fast false']);
    assert.deepEqual(s.deps, ['net/net.py']);
    assert.deepEqual(s.outs, [{ path: 'net/net.onnx', cache: false, persist: false, kind: 'out' }]);
    assert.deepEqual(s.params, [{ file: 'net/params.yaml', keys: ['net.depth'] }]);
    assert.equal(s.alwaysChanged, false);
  });

  test('dictionary unpacking in cmd', () => {
    const p = parse('stages:\n  s:\n    cmd: python t.py ${train}\n', { 'params.yaml': params });
    assert.deepEqual(p.stages[0].cmd, ['python t.py --lr 0.01 --epochs 5 --layers 64 32']);
  });

  test('vars: files (whole or some keys), inline mappings, merged with params.yaml; stage vars read from wdir', () => {
    const p = parse(`vars:
  - params.yaml
  - conf/data.json:paths,sizes.small
  - extra: { tag: v1 }
    run: { tag: nightly }
stages:
  s:
    wdir: conf
    vars:
      - local.yaml
      - local: { name: inline }
    cmd: echo \${paths.raw} \${sizes.small} \${extra.tag} \${run.tag} \${model} \${here.n} \${local.name}
`, {
      'params.yaml': params,
      'conf/data.json': JSON.stringify({ paths: { raw: 'data/raw' }, sizes: { small: 10, big: 99 }, unused: 1 }),
      'conf/local.yaml': 'here: { n: 3 }\n',
    });
    assert.deepEqual(p.stages[0].cmd, ['echo data/raw 10 v1 nightly net 3 inline']);
  });

  test('nested interpolation inside foreach items and generated paths', () => {
    const p = parse(`stages:
  fit:
    foreach:
      - name: small
        size: \${sizes.s}
      - { name: large, size: '\${sizes.l}' }
    do:
      cmd: fit --size \${item.size}
      outs:
        - models/\${item.name}-\${item.size}.onnx
`, { 'params.yaml': 'sizes: { s: 8, l: 64 }\n' });
    assert.deepEqual(p.stages.map(s => [s.name, s.cmd[0], s.outs[0].path]), [
      ['fit@0', 'fit --size 8', 'models/small-8.onnx'],
      ['fit@1', 'fit --size 64', 'models/large-64.onnx'],
    ]);
  });
});

describe('foreach and matrix', () => {
  test('foreach over a list of values names stages by value', () => {
    const p = parse(`stages:
  clean:
    foreach: [raw1, labels1, 3]
    do:
      cmd: clean.py "\${item}"
      outs: ['\${item}.cln']
`);
    assert.deepEqual(p.stages.map(s => s.name), ['clean@raw1', 'clean@labels1', 'clean@3']);
    assert.deepEqual(p.stages[1].cmd, ['clean.py "labels1"']);
    assert.deepEqual(p.stages[2].outs.map(o => o.path), ['3.cln']);
    assert.ok(p.stages.every(s => s.pos.line === 2 && s.pos.col === 3));
  });

  test('foreach over a mapping names stages by key, with ${key} and ${item.x}', () => {
    const p = parse(`stages:
  build:
    foreach:
      uk: { epochs: 3, thresh: 10 }
      us: { epochs: 10, thresh: 15 }
    do:
      cmd: python train.py '\${key}' \${item.epochs} \${item.thresh}
      outs:
        - model-\${key}.hdf5
`);
    assert.deepEqual(p.stages.map(s => [s.name, s.cmd[0], s.outs[0].path]), [
      ['build@uk', "python train.py 'uk' 3 10", 'model-uk.hdf5'],
      ['build@us', "python train.py 'us' 10 15", 'model-us.hdf5'],
    ]);
  });

  test('foreach over a list of mappings names stages by index; foreach data may come from params', () => {
    const p = parse(`stages:
  a:
    foreach: \${jobs}
    do:
      cmd: run \${item.in}
      deps: ["\${item.in}"]
  b:
    foreach: \${regions}
    do:
      cmd: r \${key}=\${item}
`, { 'params.yaml': 'jobs:\n  - { in: x.csv }\n  - { in: y.csv }\nregions: { eu: 1, us: 2 }\n' });
    assert.deepEqual(p.stages.map(s => `${s.name}: ${s.cmd[0]}`), ['a@0: run x.csv', 'a@1: run y.csv', 'b@eu: r eu=1', 'b@us: r us=2']);
    assert.deepEqual(stage(p, 'a@1').deps, ['y.csv']);
  });

  test('matrix: the cartesian product named <v1>-<v2>, composite values as <name><index>', () => {
    const p = parse(`stages:
  train:
    matrix:
      model: [cnn, mlp]
      lr: [0.1, 0.01]
      cfg: [{ depth: 2 }]
    cmd: train \${item.model} \${item.lr} \${item.cfg.depth} \${key}
    outs:
      - models/\${item.model}-\${item.lr}.onnx
`);
    assert.deepEqual(p.stages.map(s => s.name), ['train@cnn-0.1-cfg0', 'train@cnn-0.01-cfg0', 'train@mlp-0.1-cfg0', 'train@mlp-0.01-cfg0']);
    assert.deepEqual(stage(p, 'train@mlp-0.01-cfg0').cmd, ['train mlp 0.01 2 mlp-0.01-cfg0']);
    assert.deepEqual(stage(p, 'train@cnn-0.1-cfg0').outs.map(o => o.path), ['models/cnn-0.1.onnx']);
  });

  test('matrix lists may come from params', () => {
    const p = parse('stages:\n  t:\n    matrix:\n      ds: ${datasets}\n      seed: [1]\n    cmd: t ${item.ds} ${item.seed}\n', { 'params.yaml': 'datasets: [a, b]\n' });
    assert.deepEqual(p.stages.map(s => `${s.name}: ${s.cmd[0]}`), ['t@a-1: t a 1', 't@b-1: t b 1']);
  });
});

describe('errors at file:line:col', () => {
  test('invalid YAML', () => {
    fails('stages:\n  a:\n    cmd: [unclosed\n', 4, 1, /^invalid YAML: [^(]*$/);
    fails('stages:\n  a:\n    cmd: x\n    outs: [${item}.csv]\n', 4, 13, /invalid YAML: .*\(inside \[ \] or \{ \}, quote values that contain '\$\{…\}'\)/);
  });
  test('duplicate stage names', () => { fails('stages:\n  a: { cmd: x }\n  a: { cmd: y }\n', 3, 3, /invalid YAML: Map keys must be unique/); });
  test('not a mapping / no stages / stages not a mapping', () => {
    fails('- a\n- b\n', 1, 1, /must be a mapping with a 'stages' key/);
    fails('', 1, 1, /must be a mapping with a 'stages' key/);
    fails('vars: []\n', 1, 1, /no 'stages'/);
    fails('stages:\n', 1, 1, /'stages' must be a mapping of stage names/);
    fails('stages: [a, b]\n', 1, 9, /'stages' must be a mapping of stage names/);
  });
  test('unknown keys', () => {
    fails('stages: {}\nstage:\n  a: 1\n', 2, 1, /unknown top-level key 'stage'/);
    fails('stages:\n  a:\n    cmd: x\n    dep: [y]\n', 4, 5, /^unknown key 'dep' in stage 'a'$/);
    fails('stages:\n  a:\n    foreach: [1]\n    do:\n      cmd: x\n      outz: []\n', 6, 7, /^unknown key 'outz' in stage 'a'$/);
    fails('stages:\n  a:\n    cmd: x\n    outs:\n      - m.pkl: { cache: false, cahce: true }\n', 5, 32, /unknown key 'cahce' in output 'm\.pkl' of stage 'a'/);
  });
  test('stage without cmd, empty cmd, bad cmd type', () => {
    const e = fails('stages:\n  a:\n    deps: [x]\n  b:\n    cmd: x\n', 2, 3, /^stage 'a' has no 'cmd'$/);
    assert.deepEqual(e.stages, ['a']);
    fails('stages:\n  a:\n    cmd: ""\n', 3, 10, /'cmd' of stage 'a' is empty/);
    fails('stages:\n  a:\n    cmd:\n', 3, 5, /'cmd' of stage 'a' must be a string or a list of strings/);
    fails('stages:\n  a:\n    cmd: { x: 1 }\n', 3, 10, /'cmd' of stage 'a' must be a string or a list of strings/);
    fails('stages:\n  a:\n    cmd: []\n', 3, 10, /'cmd' of stage 'a' is an empty list/);
  });
  test('bad types', () => {
    fails('stages:\n  a: echo\n', 2, 6, /stage 'a' must be a mapping/);
    fails('stages:\n  a:\n    cmd: x\n    deps: data.csv\n', 4, 11, /'deps' of stage 'a' must be a list/);
    fails('stages:\n  a:\n    cmd: x\n    deps: [[nested]]\n', 4, 12, /a dependency of stage 'a' must be a string, got a list/);
    fails('stages:\n  a:\n    cmd: x\n    frozen: yes\n', 4, 13, /'frozen' of stage 'a' must be true or false, got string "yes"/);
    fails('stages:\n  a:\n    cmd: x\n    outs:\n      - m.pkl: { persist: 1 }\n', 5, 27, /'persist' of stage 'a' must be true or false, got number 1/);
    fails('stages:\n  a:\n    cmd: x\n    outs:\n      - { a: 1, b: 2 }\n', 5, 9, /each 'outs' entry of stage 'a' must be a path or a one-key mapping/);
    fails('stages:\n  a:\n    cmd: x\n    params:\n      - p.yaml: 3\n', 5, 17, /the params of 'p\.yaml' in stage 'a' must be a list of keys/);
    fails('stages:\n  a:\n    cmd: x\n    deps: [s3://bucket/x]\n', 4, 12, /remote location/);
    fails('stages:\n  a:\n    cmd: x\n    deps: ["  "]\n', 4, 12, /empty path/);
    fails('stages:\n  a@b:\n    cmd: x\n', 2, 3, /invalid stage name 'a@b'/);
  });
  test('bad interpolation points at the ${', () => {
    fails('stages:\n  a:\n    cmd: python t.py --lr ${train.lrr}\n', 3, 27, /unknown variable 'train\.lrr' \('train' has: lr\)/, { 'params.yaml': 'train: { lr: 1 }\n' });
    fails('stages:\n  a:\n    cmd: x\n    deps: ["data/${nope}"]\n', 4, 18, /unknown variable 'nope'/);
    fails('stages:\n  a:\n    cmd: x\n    outs:\n      - out/${d}\n', 5, 13, /cannot interpolate a mapping 'd' into a string/, { 'params.yaml': 'd: { a: 1 }\n' });
    fails('stages:\n  a:\n    cmd: x ${}\n', 3, 12, /empty expression/);
  });
  test('foreach problems', () => {
    fails('stages:\n  a:\n    foreach: ${n}\n    do: { cmd: x }\n', 3, 14, /'foreach' of stage 'a' must be a list or a mapping, got number 3/, { 'params.yaml': 'n: 3\n' });
    fails('stages:\n  a:\n    foreach: just-a-string\n    do: { cmd: x }\n', 3, 14, /got string "just-a-string"/);
    fails('stages:\n  a:\n    foreach: [x]\n', 3, 5, /has 'foreach' but no 'do'/);
    fails('stages:\n  a:\n    foreach: [x]\n    cmd: y\n    do: { cmd: x }\n', 4, 5, /'cmd' cannot be next to 'foreach' in stage 'a' \(put it under 'do'\)/);
    fails('stages:\n  a:\n    do: { cmd: x }\n', 3, 5, /'do' without 'foreach'/);
    fails('stages:\n  a:\n    foreach: [x]\n    matrix: { y: [1] }\n    do: { cmd: x }\n', 4, 5, /cannot have both 'foreach' and 'matrix'/);
    fails('stages:\n  a:\n    foreach: [x]\n    do:\n      foreach: [y]\n', 5, 7, /'foreach' cannot be used inside 'do'/);
    fails('stages:\n  a:\n    foreach: [x]\n    do: [cmd]\n', 4, 9, /'do' of stage 'a' must be a mapping/);
    fails('stages:\n  a:\n    foreach: [x, y, x]\n    do: { cmd: x }\n', 2, 3, /duplicate stage name 'a@x' generated by stage 'a'/);
    fails('stages:\n  a:\n    foreach: [x]\n    do:\n      cmd: ${item.name}\n', 5, 12, /unknown variable 'item\.name': 'item' is x, not a mapping or list/);
  });
  test('matrix problems', () => {
    fails('stages:\n  a:\n    matrix:\n      x: 3\n    cmd: y\n', 4, 10, /matrix 'x' of stage 'a' must be a list, got number 3/);
    fails('stages:\n  a:\n    matrix: [1, 2]\n    cmd: y\n', 3, 13, /'matrix' of stage 'a' must be a mapping of names to lists/);
    fails('stages:\n  a:\n    matrix: { x: [1, "1"] }\n    cmd: y\n', 2, 3, /duplicate stage name 'a@1'/);
  });
  test('vars problems', () => {
    fails('vars:\n  - missing.yaml\nstages: {}\n', 2, 5, /vars file not found: missing\.yaml/);
    fails('vars:\n  - p.yaml:nope\nstages: {}\n', 2, 5, /'nope' not found in p\.yaml/, { 'p.yaml': 'a: 1\n' });
    fails('vars:\n  - x: ${y}\nstages: {}\n', 2, 8, /interpolation is not allowed in 'vars'/);
    fails('vars:\n  - train: { lr: 2 }\nstages: {}\n', 2, 5, /cannot redefine 'train\.lr' from 'vars\[0\]': it already exists in 'params\.yaml'/, { 'params.yaml': 'train: { lr: 1 }\n' });
    fails('stages:\n  s:\n    vars: [{ a: 1 }, { a: 2 }]\n    cmd: x\n', 3, 22, /cannot redefine 'a' from 's\.vars\[1\]': it already exists in 's\.vars\[0\]'/);
    fails('vars: x.yaml\nstages: {}\n', 1, 7, /'vars' must be a list/);
    fails('vars:\n  - p.yaml:a\n  - p.yaml\nstages: {}\n', 3, 5, /cannot load 'p\.yaml': p\.yaml is already loaded/, { 'p.yaml': 'a: 1\nb: 2\n' });
    fails('vars:\n  - l.yaml\nstages: {}\n', 2, 5, /l\.yaml must hold a mapping/, { 'l.yaml': '[1, 2]\n' });
  });
  test('a malformed params.yaml is reported in params.yaml itself', () => {
    assert.throws(() => parse('stages: {}\n', { 'params.yaml': 'a: [1\n' }), /params\.yaml:\d+:\d+: invalid YAML/);
  });
});

describe('loading and finding pipelines', () => {
  test('loadPipeline reads the file; a missing file is a PipelineError', () => {
    const ws = tempWorkspace('mlops-pipeline-');
    fs.writeFileSync(path.join(ws, 'dvc.yaml'), 'stages:\n  a: { cmd: x }\n');
    const p = loadPipeline(path.join(ws, 'dvc.yaml'));
    assert.deepEqual([p.root, p.stages.map(s => s.name)], [ws, ['a']]);
    assert.throws(() => loadPipeline(path.join(ws, 'nope', 'dvc.yaml')), (e: unknown) => e instanceof PipelineError && /cannot read pipeline/.test(e.reason));
  });

  test('findPipelines walks the workspace, skipping .git, node_modules, .mlops, .dvc and virtualenvs', () => {
    const ws = tempWorkspace('mlops-pipeline-');
    const files = ['dvc.yaml', 'a/dvc.yaml', 'a/b/dvc.yaml', 'z/dvc.yaml', '.git/dvc.yaml', 'node_modules/p/dvc.yaml',
      '.mlops/dvc.yaml', '.dvc/tmp/dvc.yaml', '.venv/dvc.yaml', 'env/pyvenv.cfg', 'env/lib/dvc.yaml', 'a/dvc.yml'];
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(ws, f)), { recursive: true });
      fs.writeFileSync(path.join(ws, f), '');
    }
    assert.deepEqual(findPipelines(ws), ['dvc.yaml', 'a/dvc.yaml', 'a/b/dvc.yaml', 'z/dvc.yaml'].map(f => path.join(ws, f)));
    assert.deepEqual(findPipelines(path.join(ws, 'missing')), []);
  });

  test('the get-started fixture parses into DVC example-get-started stages', () => {
    const p = loadPipeline(path.join(ROOT, 'test/fixtures/pipelines/get-started/dvc.yaml'));
    assert.deepEqual(p.stages.map(s => s.name), ['prepare', 'featurize', 'train', 'evaluate']);
    assert.deepEqual(stage(p, 'featurize').cmd, ['node scripts/featurize.js data/prepared data/features --max-features 100 --ngrams 1']);
    assert.deepEqual(stage(p, 'train').params, [{ file: 'params.yaml', keys: ['train.seed', 'train.n_est', 'train.min_split'] }]);
    const ev = stage(p, 'evaluate');
    assert.deepEqual([ev.metrics, ev.plots], [['eval/metrics.json'], ['eval/plots/prc.json', 'eval/plots/importance.png']]);
    assert.ok(ev.outs.every(o => !o.cache && o.kind !== 'out'));
  });
});
