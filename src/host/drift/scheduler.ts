// Monitors with a `schedule:` are checked every N minutes while VS Code is open: a one-minute tick reloads the
// monitors and runs those whose last check (or, for one never checked, the opening of the window) is N minutes
// old, one at a time. Checks only read data, so they run whatever the workspace trust; they need the engine,
// which runs only in a trusted workspace.
import { Disposable } from '../disposable';
import type { MonitorInfo, MonitorsModel } from './monitorsModel';

export const TICK_MS = 60_000;

export class DriftScheduler extends Disposable {
  /** Never-checked monitors count from here: opening a workspace does not start every check at once. */
  readonly since = Date.now();
  private busy = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly model: MonitorsModel, private readonly run: (name: string) => PromiseLike<unknown>,
    private readonly enabled: () => boolean, tickMs = TICK_MS) {
    super();
    this.timer = setInterval(() => void this.tick(), tickMs);
    this.track({ dispose: () => clearInterval(this.timer) });
  }

  /** The scheduled monitors due at `now`. */
  due(now = Date.now()): MonitorInfo[] {
    return this.model.monitors.filter(m => m.schedule_minutes !== undefined && m.schedule_minutes > 0
      && now - Math.max(m.last_check?.time ?? this.since, 0) >= m.schedule_minutes * 60_000);
  }

  /** Runs the due monitors; the names it ran. A tick while one is going does nothing. */
  async tick(now = Date.now()): Promise<string[]> {
    if (this.busy || !this.enabled() || !this.model.hasClient) return [];
    this.busy = true;
    const ran: string[] = [];
    try {
      await this.model.refresh();
      for (const m of this.due(now)) {
        if (this.isDisposed) break;
        await this.run(m.name).then(() => ran.push(m.name), () => undefined); // failures are recorded by run()
      }
    } finally {
      this.busy = false;
    }
    return ran;
  }
}
