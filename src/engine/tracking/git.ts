// Git lineage of the workspace: commit, branch, dirty flag and remote URL, read with `git` (no network).
import { execFileSync } from 'node:child_process';

export interface GitInfo {
  commit: string;
  branch: string;
  dirty: boolean;
  repoUrl: string;
}

function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 3000 }).trim();
  } catch {
    return undefined;
  }
}

export function readGitInfo(cwd: string): GitInfo | undefined {
  const commit = git(cwd, ['rev-parse', 'HEAD']);
  if (!commit) return undefined;
  const branch = git(cwd, ['rev-parse', '--abbrev-ref', 'HEAD']) ?? '';
  const status = git(cwd, ['status', '--porcelain', '--untracked-files=no']) ?? '';
  const repoUrl = git(cwd, ['config', '--get', 'remote.origin.url']) ?? '';
  return { commit, branch: branch === 'HEAD' ? '' : branch, dirty: status.length > 0, repoUrl };
}

/** Caches the answer briefly: creating 100 runs a second must not fork git 300 times. */
export class GitLineage {
  private cached?: { at: number; info: GitInfo | undefined };
  constructor(private readonly cwd: string, private readonly ttlMs = 2000) {}

  get(): GitInfo | undefined {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > this.ttlMs) this.cached = { at: now, info: readGitInfo(this.cwd) };
    return this.cached.info;
  }

  tags(): { key: string; value: string }[] {
    const g = this.get();
    if (!g) return [];
    const t = [
      { key: 'mlflow.source.git.commit', value: g.commit },
      { key: 'mlflow.source.git.dirty', value: String(g.dirty) },
    ];
    if (g.branch) t.push({ key: 'mlflow.source.git.branch', value: g.branch });
    if (g.repoUrl) t.push({ key: 'mlflow.source.git.repoURL', value: g.repoUrl });
    return t;
  }
}
