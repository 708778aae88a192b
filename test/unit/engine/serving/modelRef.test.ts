// MODEL_REF resolution against a real workspace registry: a path, a folder, models:/name/N, @alias, /Stage,
// /latest; and the reasons given when a ref cannot be served.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from '../../../../src/engine/engine';
import { resolveModelRef } from '../../../../src/engine/serving/modelRef';
import { findOnnxFile } from '../../../../src/engine/serving/modelSession';
import { openEngine, tempWorkspace } from '../../../helpers/workspace';
import { registerIris } from '../../../helpers/registryFixtures';
import { IRIS } from '../../../helpers/serving';

let engine: Engine;
const fileOf = (v: number) => path.join(engine.artifacts.localDir(engine.registry.downloadUri('iris', v)), 'model.onnx');

before(async () => {
  engine = openEngine(tempWorkspace());
  for (let i = 0; i < 3; i++) await registerIris(engine);
  engine.promotion.setAlias('iris', 'champion', 2);
  engine.promotion.transition('iris', 1, 'Production');
});
after(() => engine?.close());

test('a path to a .onnx file or a folder holding one needs no registry', () => {
  assert.deepEqual(resolveModelRef(IRIS), { ref: IRIS, file: IRIS });
  const dir = tempWorkspace();
  fs.mkdirSync(path.join(dir, 'model', 'onnx'), { recursive: true });
  fs.copyFileSync(IRIS, path.join(dir, 'model', 'onnx', 'model.onnx'));
  assert.equal(resolveModelRef(dir).file, path.join(dir, 'model', 'onnx', 'model.onnx'));
  assert.equal(findOnnxFile(path.join(dir, 'nothing-here')), undefined);
});

test('registry refs: version number, alias, stage (any case), latest', () => {
  assert.deepEqual(resolveModelRef('models:/iris/3', engine), { ref: 'models:/iris/3', file: fileOf(3), name: 'iris', version: '3' });
  assert.equal(resolveModelRef('models:/iris@champion', engine).version, '2');
  assert.equal(resolveModelRef('models:/iris/Production', engine).version, '1');
  assert.equal(resolveModelRef('models:/iris/production/', engine).version, '1');
  assert.equal(resolveModelRef('models:/iris/latest', engine).version, '3');
  assert.equal(resolveModelRef('models:/iris@champion', engine).file, fileOf(2));
});

test('refs that cannot be served say why', () => {
  assert.throws(() => resolveModelRef('/no/such/file.onnx'), /Model file \/no\/such\/file\.onnx does not exist/);
  assert.throws(() => resolveModelRef('models:/iris@champion'), /needs a workspace with a model registry/);
  assert.throws(() => resolveModelRef('models:/iris/Staging', engine), /Registered model iris has no version in stage Staging/);
  assert.throws(() => resolveModelRef('models:/iris/Nowhere', engine), /Nowhere/);
  assert.throws(() => resolveModelRef('models:/iris@nobody', engine), /nobody/);
  assert.throws(() => resolveModelRef('models:/unknown/1', engine), /unknown/);
});
