// The engine: one store and the services over it. Hosted by the server process, the CLI and tests.
import { Store } from './store/store';
import type { OpenOptions } from './store/db';
import { ExperimentsService } from './tracking/experiments';
import { RunsService } from './tracking/runs';
import { RunDataService } from './tracking/runData';
import { RunSearchService } from './tracking/runSearch';
import { MetricHistoryService } from './tracking/metricHistory';
import { ArtifactsService } from './tracking/artifacts';
import { LoggedModelsService } from './tracking/loggedModels';
import { GitLineage } from './tracking/git';
import { RegistryService } from './registry/registry';
import { PromotionService } from './registry/promotion';

export class Engine {
  readonly experiments: ExperimentsService;
  readonly runs: RunsService;
  readonly runData: RunDataService;
  readonly search: RunSearchService;
  readonly history: MetricHistoryService;
  readonly artifacts: ArtifactsService;
  readonly loggedModels: LoggedModelsService;
  readonly registry: RegistryService;
  readonly promotion: PromotionService;

  private constructor(readonly store: Store, readonly workspace: string, opts: { git: boolean }) {
    this.experiments = new ExperimentsService(store);
    this.runs = new RunsService(store, this.experiments, opts.git ? new GitLineage(workspace) : undefined);
    this.runData = new RunDataService(store, this.runs);
    this.search = new RunSearchService(store);
    this.history = new MetricHistoryService(store);
    this.artifacts = new ArtifactsService(store.paths.artifacts);
    this.loggedModels = new LoggedModelsService(store, this.experiments);
    this.registry = new RegistryService(store, this.artifacts);
    this.promotion = new PromotionService(store, this.registry, workspace);
  }

  static open(workspace: string, opts: OpenOptions & { git?: boolean } = {}): Engine {
    const store = Store.open(workspace, opts);
    const engine = new Engine(store, workspace, { git: opts.git ?? true });
    if (!opts.readonly) engine.experiments.ensureDefault();
    return engine;
  }

  close(): void {
    this.store.close();
  }
}
