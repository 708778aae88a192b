// The `mlops repro` command line the extension runs, and the trust rule: no 'vscode' here, so the CLI tests can
// run exactly the arguments the Pipeline view would.

export interface ReproRequest {
  /** dvc.yaml relative to the workspace (the CLI's --file); omitted: the CLI's default. */
  file?: string;
  stages?: string[];
  force?: boolean;
  single?: boolean;
  /** Experiment for the stage runs (setting mlops.pipeline.experiment); empty: the engine's "pipeline: <file>". */
  experiment?: string;
  /** Stages run at once (setting mlops.pipeline.jobs); default 1. */
  jobs?: number;
}

/** `dist/cli.js --workspace WS repro [STAGE...] [-f] [-s] [-j N] [--experiment E] [--file F] --tracking-uri URI`. */
export function reproArgs(cli: string, workspace: string, trackingUri: string, r: ReproRequest): string[] {
  const jobs = Number.isFinite(r.jobs) ? Math.max(1, Math.floor(r.jobs!)) : 1;
  const experiment = r.experiment?.trim();
  return [cli, '--workspace', workspace, 'repro', ...(r.stages ?? []), ...(r.force ? ['-f'] : []), ...(r.single ? ['-s'] : []),
    ...(jobs > 1 ? ['-j', String(jobs)] : []), ...(experiment ? ['--experiment', experiment] : []),
    ...(r.file ? ['--file', r.file] : []), '--tracking-uri', trackingUri];
}

/** Running a pipeline executes the commands in dvc.yaml: refused in an untrusted workspace. */
export function refuseUntrusted(trusted: boolean): void {
  if (!trusted) throw new Error('Running a pipeline executes the commands in dvc.yaml: trust this workspace first (Workspaces: Manage Workspace Trust)');
}
