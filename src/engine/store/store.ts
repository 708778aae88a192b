// The workspace store: the database, its repositories, the artifact root and a change feed.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { openDb, storePaths, type Db, type OpenOptions, type StorePaths } from './db';
import { ExperimentsRepo } from './experimentsRepo';
import { RunsRepo } from './runsRepo';
import { MetricsRepo } from './metricsRepo';
import { InputsRepo } from './inputsRepo';
import { LoggedModelsRepo } from './loggedModelsRepo';
import { RegistryRepo } from './registryRepo';
import { ServingLogRepo } from './servingLogRepo';
import { PipelineRepo } from './pipelineRepo';
import { DriftRepo } from './driftRepo';

export type ChangeKind = 'experiment' | 'run' | 'metric' | 'model' | 'registry';
export interface Change {
  kind: ChangeKind;
  id: string;
  experimentId?: string;
  version: number;
}

export class Store {
  readonly experiments: ExperimentsRepo;
  readonly runs: RunsRepo;
  readonly metrics: MetricsRepo;
  readonly inputs: InputsRepo;
  readonly loggedModels: LoggedModelsRepo;
  readonly registry: RegistryRepo;
  readonly servingLog: ServingLogRepo;
  readonly pipeline: PipelineRepo;
  readonly drift: DriftRepo;
  readonly events = new EventEmitter();
  private version = 0;
  private lastDataVersion = -1;

  private constructor(readonly db: Db, readonly paths: StorePaths) {
    this.runInTx = db.transaction((fn: () => unknown) => fn());
    this.experiments = new ExperimentsRepo(db);
    this.runs = new RunsRepo(db);
    this.metrics = new MetricsRepo(db);
    this.inputs = new InputsRepo(db);
    this.loggedModels = new LoggedModelsRepo(db);
    this.registry = new RegistryRepo(db);
    this.servingLog = new ServingLogRepo(db);
    this.pipeline = new PipelineRepo(db);
    this.drift = new DriftRepo(db);
    this.events.setMaxListeners(100);
  }

  static open(workspace: string, opts: OpenOptions = {}): Store {
    const paths = storePaths(workspace);
    const db = openDb(paths.db, opts);
    if (!opts.readonly) fs.mkdirSync(paths.artifacts, { recursive: true });
    return new Store(db, paths);
  }

  /** Runs fn in one IMMEDIATE transaction (writers queue on busy_timeout instead of failing later). */
  tx<T>(fn: () => T): T {
    return this.runInTx.immediate(fn) as T;
  }
  // One transaction wrapper for the store's lifetime (creating one per call costs more than the insert).
  private readonly runInTx: Database.Transaction<(fn: () => unknown) => unknown>;

  /** Records a change; subscribers (server-sent events, tree refresh) get it synchronously. */
  changed(kind: ChangeKind, id: string, experimentId?: string): void {
    this.version++;
    this.events.emit('change', { kind, id, experimentId, version: this.version } satisfies Change);
  }

  /** SQLite's data_version: moves only when another connection (another process) committed a write. */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /** A number that moves whenever this process or another connection wrote to the database. */
  changeVersion(): number {
    const dv = this.dataVersion();
    if (this.lastDataVersion !== -1 && dv !== this.lastDataVersion) this.version++;
    this.lastDataVersion = dv;
    return this.version;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
