// Demo drift data: a reference and a current customer table (CSV) that differ in exactly one numeric column
// (session_minutes, mean shifted by 0.75 standard deviations), and .mlops/monitors.yaml with a monitor over
// them. Deterministic; files that already exist are never overwritten.
import fs from 'node:fs';
import path from 'node:path';

export const DEMO_DRIFTED_COLUMN = 'session_minutes';
export const DEMO_REFERENCE = 'data/drift/reference.csv';
export const DEMO_CURRENT = 'data/drift/current.csv';

const HEADER = ['age', 'income', 'tenure_months', 'session_minutes', 'support_tickets', 'plan'];
const PLANS: [string, number][] = [['basic', 0.6], ['pro', 0.3], ['enterprise', 0.1]];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) + 0.5) / 2 ** 32;
}

/** One customer table; `sessionShift` moves the mean of session_minutes. */
export function demoCustomersCsv(rows: number, seed: number, sessionShift = 0): string {
  const u = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const lines = [HEADER.join(',')];
  for (let i = 0; i < rows; i++) {
    const age = Math.min(90, Math.max(18, Math.round(40 + 12 * normal())));
    const income = u() < 0.01 ? '' : Math.max(8000, 52000 + 15000 * normal()).toFixed(0); // ~1 % missing
    const tenure = Math.floor(-24 * Math.log(u()));
    const session = Math.max(1, 30 + sessionShift + 8 * normal()).toFixed(1);
    let tickets = 0;
    for (let l = Math.exp(-0.8), p = u(); p > l && tickets < 4; p *= u()) tickets++; // Poisson(0.8), capped at 4
    const r = u();
    let acc = 0;
    const plan = PLANS.find(([, share]) => (acc += share) > r)?.[0] ?? 'basic';
    lines.push([age, income, tenure, session, tickets, plan].join(','));
  }
  return `${lines.join('\n')}\n`;
}

const DEMO_MONITORS = (endpoint: boolean) => `# Drift monitors (MLOps Workbench). Sources: {file: path}, {run: <run id>, dataset: <name or digest>},
# {endpoint: <name>, window: 60m}. Tests: psi, ks, wasserstein, jensenshannon, chisquare, z (chosen per column
# when not set). Run one with \`mlops monitor run <name>\`.
version: 1
monitors:
  customers:
    description: Today's customers against the training snapshot (demo; session_minutes drifts)
    reference: {file: ${DEMO_REFERENCE}}
    current: {file: ${DEMO_CURRENT}}
    schedule: 60m
    thresholds:
      default: {missing: 0.05}
      income: {test: psi, threshold: 0.2}
${endpoint ? `  iris-serving:
    description: Requests to the iris-classifier endpoint against its training data (start it with mlops serve)
    reference: {file: data/iris.csv}
    current: {endpoint: iris-classifier, window: 60m}
    columns: [sepal_length, sepal_width, petal_length, petal_width]
` : ''}`;

export interface DemoDriftSeed { written: string[]; skipped: string[] }

/** Writes the demo pair and monitors.yaml (with an endpoint monitor when `withEndpoint`). */
export function seedDemoDrift(workspace: string, opts: { withEndpoint?: boolean } = {}): DemoDriftSeed {
  const seed: DemoDriftSeed = { written: [], skipped: [] };
  const write = (rel: string, text: () => string) => {
    const file = path.join(workspace, rel);
    if (fs.existsSync(file)) { seed.skipped.push(rel); return; }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text(), { flag: 'wx' });
    seed.written.push(rel);
  };
  write(DEMO_REFERENCE, () => demoCustomersCsv(4000, 7));
  write(DEMO_CURRENT, () => demoCustomersCsv(2500, 11, 6));
  write('.mlops/monitors.yaml', () => DEMO_MONITORS(opts.withEndpoint ?? false));
  return seed;
}
