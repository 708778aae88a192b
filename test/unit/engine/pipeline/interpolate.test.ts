// The `${...}` engine: typed exact substitutions, DVC's stringification, lookups with indexes, errors that
// say where the expression starts, dictionary unpacking in cmd, and DVC's merge rules for vars.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  InterpolationError, emptyScope, foreachEntries, hasInterpolation, matrixEntries, mergeVars, resolveString, select, shellQuote, toDvcString, withLocals,
} from '../../../../src/engine/pipeline/interpolate';

const vars = {
  train: { lr: 0.001, epochs: 10, fast: true, layers: [64, 32], opt: { name: 'adam' }, tiny: 1e-5 },
  name: 'model',
  none: null,
  rows: [{ file: 'a.csv' }, { file: 'b.csv' }],
};

function throwsAt(fn: () => unknown, index: number, msg: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InterpolationError, String(e));
    assert.equal(e.index, index, e.message);
    assert.match(e.message, msg);
    return true;
  });
}

describe('resolveString', () => {
  test('an exact ${x} keeps the value type; anything around it makes a string', () => {
    assert.equal(resolveString('${train.epochs}', vars), 10);
    assert.equal(resolveString('${train.fast}', vars), true);
    assert.equal(resolveString('${none}', vars), null);
    assert.equal(resolveString('e=${train.epochs}', vars), 'e=10');
    assert.equal(resolveString('${name}-${train.epochs}.onnx', vars), 'model-10.onnx');
    assert.equal(resolveString('no templating', vars), 'no templating');
  });

  test('stringifies as DVC (Python) does: booleans lower-case, None, float exponents', () => {
    assert.equal(resolveString('--fast ${train.fast}', vars), '--fast true');
    assert.equal(resolveString('x ${none}', vars), 'x None');
    assert.equal(resolveString('lr ${train.lr} tiny ${train.tiny}', vars), 'lr 0.001 tiny 1e-05');
    assert.deepEqual([1e16, 2.5e-7, 0.0001, 123.5, -3, NaN, Infinity].map(toDvcString), ['1e+16', '2.5e-07', '0.0001', '123.5', '-3', 'nan', 'inf']);
  });

  test('dots, [index] and .index reach into mappings and lists', () => {
    assert.equal(resolveString('${train.layers[1]}', vars), 32);
    assert.equal(resolveString('${train.layers.0}', vars), 64);
    assert.equal(resolveString('${rows[1].file}', vars), 'b.csv');
    assert.equal(resolveString('${ train.opt.name }', vars), 'adam');
    assert.equal(select('rows[0]', vars), vars.rows[0]);
  });

  test('\\${ is a literal ${', () => {
    assert.equal(resolveString('echo \\${HOME} ${name}', vars), 'echo ${HOME} model');
    assert.equal(hasInterpolation('echo \\${HOME}'), false);
    assert.equal(hasInterpolation('a ${b}'), true);
  });

  test('unknown variables name what is in reach, at the offset of the expression', () => {
    throwsAt(() => resolveString('run ${trian.lr}', vars), 4, /unknown variable 'trian\.lr' \(defined: train, name, none, rows\)/);
    throwsAt(() => resolveString('${train.lrr}', vars), 0, /unknown variable 'train\.lrr' \('train' has: lr, epochs, fast, layers, opt, tiny\)/);
    throwsAt(() => resolveString('x ${train.layers[5]}', vars), 2, /unknown variable 'train\.layers\[5\]' \('train\.layers' has: 0\.\.1\)/);
    throwsAt(() => resolveString('${name.x}', vars), 0, /'name' is model, not a mapping or list/);
  });

  test('malformed expressions', () => {
    throwsAt(() => resolveString('a ${}', vars), 2, /empty expression/);
    throwsAt(() => resolveString('${a..b}', vars), 0, /invalid expression '\$\{a\.\.b\}'/);
    throwsAt(() => resolveString('${a[}', vars), 0, /invalid expression/);
  });

  test('lists and mappings: only whole in foreach/matrix, dicts unpacked in cmd, never inside other strings', () => {
    assert.deepEqual(resolveString('${rows}', vars, { composite: true }), vars.rows);
    throwsAt(() => resolveString('${rows}', vars), 0, /cannot interpolate a list 'rows' here/);
    throwsAt(() => resolveString('f ${train.opt}', vars), 2, /cannot interpolate a mapping 'train\.opt' into a string/);
    throwsAt(() => resolveString('f ${train.layers}', vars, { cmd: true }), 2, /cannot interpolate a list/);
    assert.equal(resolveString('python train.py ${train}', vars, { cmd: true }),
      'python train.py --lr 0.001 --epochs 10 --fast --layers 64 32 --opt.name adam --tiny 1e-05');
    assert.equal(resolveString('${train.opt}', vars, { cmd: true }), '--name adam');
    assert.equal(resolveString('r ${d}', { d: { msg: "it's here", off: false, none: null } }, { cmd: true }), `r --msg 'it'"'"'s here' --none None`);
    throwsAt(() => resolveString('r ${d}', { d: { m: [[1]] } }, { cmd: true }), 2, /cannot unpack nested list or mapping in 'm'/);
  });

  test('shellQuote quotes only when needed', () => {
    assert.equal(shellQuote('data/x.csv'), 'data/x.csv');
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote('a b'), "'a b'");
  });
});

describe('mergeVars', () => {
  test('mappings merge key by key; the original scope is left alone', () => {
    const a = mergeVars(emptyScope(), { grp: { a: 1 }, x: 1 }, 'params.yaml');
    const b = mergeVars(a, { grp: { b: 2 } }, 'vars[0]');
    assert.deepEqual(b.vars, { grp: { a: 1, b: 2 }, x: 1 });
    assert.deepEqual(a.vars, { grp: { a: 1 }, x: 1 });
    assert.equal(b.origins.get('grp.b'), 'vars[0]');
  });

  test('redefining a value names both sources', () => {
    const a = mergeVars(emptyScope(), { grp: { a: 1 } }, 'params.yaml');
    assert.throws(() => mergeVars(a, { grp: { a: 7 } }, 'vars[1]'), /cannot redefine 'grp\.a' from 'vars\[1\]': it already exists in 'params\.yaml'/);
    assert.throws(() => mergeVars(a, { grp: 3 }, 'vars[1]'), /cannot redefine 'grp' from 'vars\[1\]': it already exists in 'params\.yaml'/);
  });

  test('withLocals shadows (item/key of generated stages) without touching the scope', () => {
    const a = mergeVars(emptyScope(), { item: 'global', y: 1 }, 'params.yaml');
    const b = withLocals(a, { item: { v: 1 } });
    assert.deepEqual(b.vars, { item: { v: 1 }, y: 1 });
    assert.equal(a.vars.item, 'global');
  });
});

describe('generated stage names (DVC rules)', () => {
  test('foreach: by value for scalars, by index when any item is a list or mapping, by key for a mapping', () => {
    assert.deepEqual(foreachEntries(['a', 1, true, 0.5]).map(e => e[0]), ['a', '1', 'true', '0.5']);
    assert.deepEqual(foreachEntries(['a', { b: 1 }]), [['0', { item: 'a' }], ['1', { item: { b: 1 } }]]);
    assert.deepEqual(foreachEntries({ uk: 1, us: 2 }), [['uk', { item: 1, key: 'uk' }], ['us', { item: 2, key: 'us' }]]);
  });

  test('matrix: cartesian product, first dimension outermost, composite values as <name><index>', () => {
    assert.deepEqual(matrixEntries({ os: ['linux', 'mac'], py: ['3.9'], cfg: [{ a: 1 }, [1, 2]] }).map(e => e[0]),
      ['linux-3.9-cfg0', 'linux-3.9-cfg1', 'mac-3.9-cfg0', 'mac-3.9-cfg1']);
    assert.deepEqual(matrixEntries({ a: [1], b: [false] }), [['1-false', { item: { a: 1, b: false }, key: '1-false' }]]);
  });
});
