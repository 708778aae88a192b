// The whole HTTP API in one table. Paths under API are served at /api/2.0/mlflow/… and /ajax-api/2.0/mlflow/….
import type { Handler } from './context';
import * as exp from './handlers/experiments';
import * as runs from './handlers/runs';
import * as metrics from './handlers/metrics';
import * as art from './handlers/artifacts';
import * as lm from './handlers/loggedModels';
import * as meta from './handlers/meta';
import * as reg from './handlers/registry';
import * as pipe from './handlers/pipeline';
import * as drift from './handlers/drift';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export interface Route {
  method: Method;
  /** Path after the prefix; `{name}` captures one segment, `{name+}` the rest of the path. */
  path: string;
  handler: Handler;
  /** The handler reads the raw request body itself (artifact uploads). */
  rawBody?: boolean;
}

const M = '/mlflow/';
export const ROUTES: Route[] = [
  { method: 'POST', path: `${M}experiments/create`, handler: exp.createExperiment },
  { method: 'GET', path: `${M}experiments/get`, handler: exp.getExperiment },
  { method: 'GET', path: `${M}experiments/get-by-name`, handler: exp.getExperimentByName },
  { method: 'POST', path: `${M}experiments/search`, handler: exp.searchExperiments },
  { method: 'GET', path: `${M}experiments/search`, handler: exp.searchExperiments },
  { method: 'POST', path: `${M}experiments/update`, handler: exp.updateExperiment },
  { method: 'POST', path: `${M}experiments/delete`, handler: exp.deleteExperiment },
  { method: 'POST', path: `${M}experiments/restore`, handler: exp.restoreExperiment },
  { method: 'POST', path: `${M}experiments/set-experiment-tag`, handler: exp.setExperimentTag },
  { method: 'POST', path: `${M}experiments/delete-experiment-tag`, handler: exp.deleteExperimentTag },

  { method: 'POST', path: `${M}runs/create`, handler: runs.createRun },
  { method: 'GET', path: `${M}runs/get`, handler: runs.getRun },
  { method: 'POST', path: `${M}runs/update`, handler: runs.updateRun },
  { method: 'POST', path: `${M}runs/delete`, handler: runs.deleteRun },
  { method: 'POST', path: `${M}runs/restore`, handler: runs.restoreRun },
  { method: 'POST', path: `${M}runs/search`, handler: runs.searchRuns },
  { method: 'POST', path: `${M}runs/log-metric`, handler: runs.logMetric },
  { method: 'POST', path: `${M}runs/log-parameter`, handler: runs.logParam },
  { method: 'POST', path: `${M}runs/set-tag`, handler: runs.setTag },
  { method: 'POST', path: `${M}runs/delete-tag`, handler: runs.deleteTag },
  { method: 'POST', path: `${M}runs/log-batch`, handler: runs.logBatch },
  { method: 'POST', path: `${M}runs/log-inputs`, handler: runs.logInputs },
  { method: 'POST', path: `${M}runs/log-model`, handler: runs.logModel },
  { method: 'POST', path: `${M}runs/outputs`, handler: runs.logOutputs },

  { method: 'GET', path: `${M}metrics/get-history`, handler: metrics.getMetricHistory },
  { method: 'GET', path: `${M}metrics/get-history-bulk-interval`, handler: metrics.getMetricHistoryBulkInterval },

  { method: 'GET', path: `${M}artifacts/list`, handler: art.listRunArtifacts },
  { method: 'GET', path: '/mlflow-artifacts/artifacts', handler: art.proxyList },
  { method: 'GET', path: '/mlflow-artifacts/artifacts/{path+}', handler: art.proxyGet },
  { method: 'PUT', path: '/mlflow-artifacts/artifacts/{path+}', handler: art.proxyPut, rawBody: true },
  { method: 'DELETE', path: '/mlflow-artifacts/artifacts/{path+}', handler: art.proxyDelete },

  { method: 'POST', path: `${M}logged-models`, handler: lm.createLoggedModel },
  { method: 'POST', path: `${M}logged-models/search`, handler: lm.searchLoggedModels },
  { method: 'GET', path: `${M}logged-models/{model_id}`, handler: lm.getLoggedModel },
  { method: 'PATCH', path: `${M}logged-models/{model_id}`, handler: lm.finalizeLoggedModel },
  { method: 'DELETE', path: `${M}logged-models/{model_id}`, handler: lm.deleteLoggedModel },
  { method: 'PATCH', path: `${M}logged-models/{model_id}/tags`, handler: lm.setLoggedModelTags },
  { method: 'DELETE', path: `${M}logged-models/{model_id}/tags/{tag_key}`, handler: lm.deleteLoggedModelTag },
  { method: 'POST', path: `${M}logged-models/{model_id}/params`, handler: lm.logLoggedModelParams },
  { method: 'GET', path: `${M}logged-models/{model_id}/artifacts/directories`, handler: art.listLoggedModelArtifacts },

  { method: 'POST', path: `${M}registered-models/create`, handler: reg.createModel },
  { method: 'POST', path: `${M}registered-models/rename`, handler: reg.renameModel },
  { method: 'PATCH', path: `${M}registered-models/update`, handler: reg.updateModel },
  { method: 'DELETE', path: `${M}registered-models/delete`, handler: reg.deleteModel },
  { method: 'GET', path: `${M}registered-models/get`, handler: reg.getModel },
  { method: 'GET', path: `${M}registered-models/search`, handler: reg.searchModels },
  { method: 'POST', path: `${M}registered-models/get-latest-versions`, handler: reg.latestVersions },
  { method: 'GET', path: `${M}registered-models/get-latest-versions`, handler: reg.latestVersions },
  { method: 'POST', path: `${M}registered-models/set-tag`, handler: reg.setModelTag },
  { method: 'DELETE', path: `${M}registered-models/delete-tag`, handler: reg.deleteModelTag },
  { method: 'POST', path: `${M}registered-models/alias`, handler: reg.setAlias },
  { method: 'DELETE', path: `${M}registered-models/alias`, handler: reg.deleteAlias },
  { method: 'GET', path: `${M}registered-models/alias`, handler: reg.getByAlias },
  { method: 'POST', path: `${M}model-versions/create`, handler: reg.createVersion },
  { method: 'PATCH', path: `${M}model-versions/update`, handler: reg.updateVersion },
  { method: 'POST', path: `${M}model-versions/transition-stage`, handler: reg.transitionStage },
  { method: 'DELETE', path: `${M}model-versions/delete`, handler: reg.deleteVersion },
  { method: 'GET', path: `${M}model-versions/get`, handler: reg.getVersion },
  { method: 'GET', path: `${M}model-versions/search`, handler: reg.searchVersions },
  { method: 'GET', path: `${M}model-versions/get-download-uri`, handler: reg.downloadUri },
  { method: 'POST', path: `${M}model-versions/set-tag`, handler: reg.setVersionTag },
  { method: 'DELETE', path: `${M}model-versions/delete-tag`, handler: reg.deleteVersionTag },

  { method: 'POST', path: '/mlops/registry/evaluate', handler: reg.evaluateGates },
  { method: 'POST', path: '/mlops/registry/promote', handler: reg.promote },
  { method: 'POST', path: '/mlops/registry/rollback', handler: reg.rollback },
  { method: 'POST', path: '/mlops/registry/push', handler: reg.push },
  { method: 'GET', path: '/mlops/registry/audit', handler: reg.auditTrail },
  { method: 'GET', path: '/mlops/registry/lineage', handler: reg.lineage },
  { method: 'GET', path: '/mlops/registry/run-versions', handler: reg.runVersions },
  { method: 'GET', path: '/mlops/version', handler: meta.changeVersion },
  { method: 'GET', path: '/mlops/pipelines/list', handler: pipe.list },
  { method: 'GET', path: '/mlops/pipelines/status', handler: pipe.status },
  { method: 'POST', path: '/mlops/drift/check', handler: drift.check },
  { method: 'GET', path: '/mlops/drift/checks/get', handler: drift.getCheck },
  { method: 'GET', path: '/mlops/monitors/list', handler: drift.monitorsList },
  { method: 'POST', path: '/mlops/monitors/run', handler: drift.monitorsRun },
  { method: 'GET', path: '/mlops/monitors/history', handler: drift.monitorsHistory },
];

/** Routes outside the /api/2.0 prefix. */
export const ROOT_ROUTES: Route[] = [
  { method: 'GET', path: '/health', handler: meta.health },
  { method: 'GET', path: '/version', handler: meta.version },
];

export const API_PREFIXES = ['/api/2.0', '/ajax-api/2.0'];

interface Compiled { route: Route; re?: RegExp; names: string[] }

/** Exact paths resolve through a Map (the hot path); patterned ones through a short regex list. */
export class Router {
  private readonly exact = new Map<string, Route>();
  private readonly patterns: Compiled[] = [];
  private readonly knownPaths = new Set<string>();

  constructor(routes = ROUTES, rootRoutes = ROOT_ROUTES) {
    const add = (full: string, r: Route) => {
      if (!full.includes('{')) {
        this.exact.set(`${r.method} ${full}`, r);
        this.knownPaths.add(full);
        return;
      }
      const names: string[] = [];
      const src = full.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)(\\\+)?\}/g, (_m, n: string, rest?: string) => {
        names.push(n);
        return rest ? '(.+)' : '([^/]+)';
      });
      this.patterns.push({ route: r, re: new RegExp(`^${src}$`), names });
    };
    for (const r of routes) for (const p of API_PREFIXES) add(p + r.path, r);
    for (const r of rootRoutes) add(r.path, r);
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | { allowed: boolean } {
    const r = this.exact.get(`${method} ${path}`);
    if (r) return { route: r, params: {} };
    let allowed = this.knownPaths.has(path);
    for (const c of this.patterns) {
      const m = c.re!.exec(path);
      if (!m) continue;
      if (c.route.method !== method) { allowed = true; continue; }
      const params: Record<string, string> = {};
      c.names.forEach((n, i) => (params[n] = m[i + 1]));
      return { route: c.route, params };
    }
    return { allowed };
  }
}
