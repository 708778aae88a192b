// Logging to the run the pipeline executor opened for this stage, over MLflow's REST API (no client library):
// MLFLOW_TRACKING_URI + MLFLOW_RUN_ID from the environment, MLFLOW_TRACKING_TOKEN as a bearer token when set.
export interface Tracking { uri: string; runId: string; token?: string }
export interface Metric { key: string; value: number; step: number; timestamp: number }

/** Where to log, or undefined when the script runs outside a tracked stage. */
export function trackingFromEnv(env: NodeJS.ProcessEnv = process.env): Tracking | undefined {
  const { MLFLOW_TRACKING_URI: uri, MLFLOW_RUN_ID: runId, MLFLOW_TRACKING_TOKEN: token } = env;
  if (!runId) return undefined;
  if (!uri || !/^https?:\/\//.test(uri)) throw new Error(`MLFLOW_RUN_ID is set but MLFLOW_TRACKING_URI is not an http(s) URL: '${uri ?? ''}'`);
  return { uri: uri.replace(/\/+$/, ''), runId, token: token || undefined };
}

/** POST runs/log-batch, at most 1000 metrics a request (MLflow's limit). */
export async function logMetrics(t: Tracking, metrics: Metric[]): Promise<void> {
  const url = `${t.uri}/api/2.0/mlflow/runs/log-batch`;
  for (let k = 0; k < metrics.length; k += 1000) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(t.token ? { Authorization: `Bearer ${t.token}` } : {}) },
      body: JSON.stringify({ run_id: t.runId, metrics: metrics.slice(k, k + 1000), params: [], tags: [] }),
    }).catch((e: unknown) => { throw new Error(`cannot reach ${url}: ${e instanceof Error ? e.message : String(e)}`); });
    if (!res.ok) throw new Error(`${url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }
}
