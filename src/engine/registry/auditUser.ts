// Who an audit-trail entry names when the caller did not say (VS Code, the REST API, a CLI without $USER):
// the OS user the engine runs as. MLflow's own client reports the same.
import os from 'node:os';

let osUser: string | undefined;

/** `given` when it is non-empty, else the engine's OS user name ('' only when the OS cannot tell). */
export function auditUser(given?: string): string {
  if (given?.trim()) return given.trim();
  if (osUser === undefined) {
    try { osUser = os.userInfo().username; } catch { osUser = process.env.USER || process.env.USERNAME || ''; }
  }
  return osUser;
}
