// artifacts/list (run-relative) and the mlflow-artifacts proxy (GET/PUT/DELETE/list).
import type { Handler } from '../context';

export const listRunArtifacts: Handler = ({ engine, d }) => {
  const run = engine.runs.get(d.runId());
  const files = engine.artifacts.listRun(run.info.artifact_uri, d.str('path'));
  return { root_uri: run.info.artifact_uri, files };
};
export const proxyList: Handler = ({ engine, d }) => ({ files: engine.artifacts.list(d.str('path')) });
export const proxyGet: Handler = ({ engine, params }) => ({ kind: 'file', ...engine.artifacts.file(params.path) });
export const proxyPut: Handler = async ({ engine, params, req }) => {
  await engine.artifacts.put(params.path, req);
  return {};
};
export const proxyDelete: Handler = ({ engine, params }) => {
  engine.artifacts.delete(params.path);
  return {};
};
export const listLoggedModelArtifacts: Handler = ({ engine, d, params }) => {
  const model = engine.loggedModels.get(params.model_id);
  return { root_uri: model.info.artifact_uri, files: engine.artifacts.listRun(model.info.artifact_uri, d.str('artifact_directory_path')) };
};
