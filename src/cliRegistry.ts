// `mlops registry …`: list, show, promote through the policy's gates, aliases, rollback, and push to a remote
// MLflow registry. Runs the engine in-process, like the other commands.
import { Command, CommanderError } from 'commander';
import type { Engine } from './engine/engine';
import type { AuditEntry, GateResult, ModelVersion, RegisteredModel } from './shared/dto';
import { parseVersion } from './engine/registry/registry';
import { checkTarget, type PromoteOptions, type Target } from './engine/registry/promotion';
import { pushVersion } from './engine/registry/remotePush';

type Print = (o: unknown) => void;
type Open = () => Engine;

const usage = (message: string) => new CommanderError(2, 'mlops.invalidArgument', message);

function use<T>(open: Open, fn: (e: Engine) => T): T {
  const e = open();
  try { return fn(e); } finally { e.close(); }
}
async function useAsync<T>(open: Open, fn: (e: Engine) => Promise<T>): Promise<T> {
  const e = open();
  try { return await fn(e); } finally { e.close(); }
}

/** Exactly one of --stage / --alias (rollback: at most one). */
function targetOf(o: { stage?: string; alias?: string }, optional = false): Target {
  if (o.stage && o.alias) throw usage('give either --stage or --alias, not both');
  if (!o.stage && !o.alias && !optional) throw usage('give --stage <stage> or --alias <alias>');
  return o.stage ? { stage: o.stage as Target['stage'] } : o.alias ? { alias: o.alias } : {};
}

const label = (t: Target) => (t.stage ? `stage ${t.stage}` : `alias @${t.alias}`);
const day = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

function formatGates(gates: GateResult[], t: Target): string[] {
  if (!gates.length) return [`  (no policy gates for ${label(t)})`];
  return gates.map(g => `  ${g.passed ? '✔' : '✖'} ${g.rule}  —  ${g.detail}`);
}

function formatModelLine(m: RegisteredModel, versions: number): string {
  const stages = m.latest_versions.filter(v => v.current_stage !== 'None').map(v => `${v.current_stage}:v${v.version}`);
  const aliases = m.aliases.map(a => `@${a.alias}:v${a.version}`);
  return [m.name, `versions=${versions}`, ...stages, ...aliases].join('  ');
}

function formatAudit(a: AuditEntry): string {
  const move = a.from !== undefined || a.to !== undefined ? ` ${a.from ?? '–'} → ${a.to ?? '–'}` : '';
  const gates = a.gates.length ? `  gates ${a.gates.filter(g => g.passed).length}/${a.gates.length} passed` : '';
  return `    ${day(a.time)}  ${a.action}${a.version ? ` v${a.version}` : ''}${a.target ? ` ${a.target}` : ''}${move}${a.user_id ? ` by ${a.user_id}` : ''}` +
    `${a.overridden ? '  OVERRIDDEN' : ''}${gates}${a.reason ? `  "${a.reason}"` : ''}`;
}

function formatShow(m: RegisteredModel, versions: ModelVersion[], audit: AuditEntry[]): string {
  const out = [`registered model ${m.name}${m.description ? `  — ${m.description}` : ''}`];
  if (m.tags.length) out.push(`  tags: ${m.tags.map(t => `${t.key}=${t.value}`).join(', ')}`);
  if (m.aliases.length) out.push(`  aliases: ${m.aliases.map(a => `@${a.alias} → v${a.version}`).join(', ')}`);
  out.push('  versions:');
  if (!versions.length) out.push('    (none)');
  for (const v of versions) {
    out.push(`    v${v.version.padEnd(4)} ${v.current_stage.padEnd(10)} ${v.aliases.map(a => `@${a}`).join(' ').padEnd(12)} ${v.run_id ? `run ${v.run_id.slice(0, 12)}  ` : ''}${v.source}` +
      `${v.status !== 'READY' ? `  ${v.status}${v.status_message ? `: ${v.status_message}` : ''}` : ''}`);
  }
  out.push('  audit trail:');
  if (!audit.length) out.push('    (empty)');
  out.push(...audit.map(formatAudit));
  return out.join('\n');
}

export function addRegistryCommands(program: Command, open: Open, print: Print): void {
  const registry = program.command('registry').description('model registry: list, show, promote through policy gates, aliases, rollback, push to a remote MLflow');

  registry.command('list').description('registered models with their stages and aliases').option('--json', 'JSON output')
    .action((o: { json?: boolean }) => use(open, e => {
      const models: RegisteredModel[] = [];
      let pageToken: string | undefined;
      do {
        const page = e.registry.searchModels({ maxResults: 1000, pageToken });
        models.push(...page.registered_models);
        pageToken = page.next_page_token;
      } while (pageToken);
      if (o.json) return print(models);
      print(models.length ? models.map(m => formatModelLine(m, e.store.registry.versionRows(m.name).length)).join('\n') : '(no registered models)');
    }));

  registry.command('show <name>').description('versions, stages, aliases and the audit trail of a model').option('--json', 'JSON output')
    .action((name: string, o: { json?: boolean }) => use(open, e => {
      const model = e.registry.getModel(name);
      const versions = e.store.registry.versionRows(name).map(v => e.store.registry.hydrateVersion(v));
      const audit = e.promotion.audit(name);
      print(o.json ? { registered_model: model, versions, audit } : formatShow(model, versions, audit));
    }));

  /** The user from the environment; without one the engine records its OS user. */
  const user = () => process.env.USER || process.env.USERNAME || undefined;
  const promoteOpts = (o: { override?: boolean; reason?: string }): PromoteOptions =>
    ({ override: !!o.override, reason: o.reason, user: user(), archiveExisting: true });

  registry.command('promote <name> <version>').description("move a version into a stage or onto an alias, through the policy's gates")
    .option('--stage <stage>', 'None, Staging, Production or Archived').option('--alias <alias>', 'alias to point at the version')
    .option('--override', 'proceed although gates fail (needs --reason)').option('--reason <text>', 'why (recorded in the audit trail)')
    .action((name: string, ver: string, o: { stage?: string; alias?: string; override?: boolean; reason?: string }) => use(open, e => {
      const t = checkTarget(targetOf(o)); // an unknown stage or a bad alias fails before any gate is printed
      const v = parseVersion(ver);
      const gates = e.promotion.evaluate(name, v, t);
      print(`gates for ${name} version ${v} → ${label(t)}:\n${formatGates(gates, t).join('\n')}`);
      const r = t.stage ? e.promotion.transition(name, v, t.stage, promoteOpts(o)) : e.promotion.setAlias(name, t.alias!, v, promoteOpts(o));
      const overridden = r.gates.some(g => !g.passed);
      print(`${name} version ${v} → ${label(t)}${overridden ? ` (gates overridden: ${o.reason})` : ''}`);
    }));

  registry.command('alias <name> <versionOrAlias> [alias]').description('point ALIAS at VERSION (through the gates), or --remove NAME ALIAS')
    .option('--remove', 'remove the alias: mlops registry alias --remove NAME ALIAS')
    .option('--override', 'proceed although gates fail (needs --reason)').option('--reason <text>', 'why (recorded in the audit trail)')
    .action((name: string, a: string, b: string | undefined, o: { remove?: boolean; override?: boolean; reason?: string }) => use(open, e => {
      if (o.remove) {
        if (b !== undefined) throw usage('alias --remove takes NAME ALIAS');
        e.promotion.deleteAlias(name, a, promoteOpts(o));
        return print(`removed alias @${a} from ${name}`);
      }
      if (b === undefined) throw usage('alias takes NAME VERSION ALIAS (or --remove NAME ALIAS)');
      const v = parseVersion(a);
      const t = { alias: b };
      print(`gates for ${name} version ${v} → ${label(t)}:\n${formatGates(e.promotion.evaluate(name, v, t), t).join('\n')}`);
      e.promotion.setAlias(name, b, v, promoteOpts(o));
      print(`${name} @${b} → version ${v}`);
    }));

  registry.command('rollback <name>').description('give the stage (default Production) or alias back to the version that held it before')
    .option('--stage <stage>', 'stage to roll back (default Production)').option('--alias <alias>', 'alias to roll back').option('--reason <text>', 'why (recorded in the audit trail)')
    .action((name: string, o: { stage?: string; alias?: string; reason?: string }) => use(open, e => {
      const t = targetOf(o, true);
      const r = e.promotion.rollback(name, t, { reason: o.reason, user: user() });
      print(`rolled back ${name} ${label(t.alias ? t : { stage: r.model_version.current_stage })} to version ${r.model_version.version}`);
    }));

  registry.command('push <name> <version>').description('push a version (artifacts, tags, lineage) to a remote MLflow registry; auth from MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD')
    .requiredOption('--to <uri>', 'remote tracking URI, e.g. https://mlflow.example.com')
    .option('--stage <stage>', 'stage to set on the remote version; must be its local stage (default: the local stage unless None)')
    .option('--alias <alias>', 'alias to set on the remote version; must be held locally (default: all its local aliases)')
    .option('--dry-run', 'print the plan; change nothing').option('--json', 'print the push report as JSON')
    .action((name: string, ver: string, o: { to: string; stage?: string; alias?: string; dryRun?: boolean; json?: boolean }) => useAsync(open, async e => {
      const env = process.env;
      const remote = { uri: o.to, token: env.MLFLOW_TRACKING_TOKEN || undefined, username: env.MLFLOW_TRACKING_USERNAME || undefined, password: env.MLFLOW_TRACKING_PASSWORD || undefined };
      const report = await pushVersion(e, { name, version: ver, remote, stage: o.stage, aliases: o.alias ? [o.alias] : [], dryRun: o.dryRun,
        onStep: o.json || o.dryRun ? undefined : s => print(`  → ${s}`) });
      if (o.json) return print(report);
      if (o.dryRun) return print([`plan: push ${name} version ${ver} to ${o.to} (dry run, nothing changes)`, ...report.steps.map(s => `  - ${s}`)].join('\n'));
      const how = report.artifacts === 'reference' ? 'artifacts referenced, not uploaded' : `${report.uploadedFiles} file${report.uploadedFiles === 1 ? '' : 's'} uploaded`;
      print(`pushed ${name} version ${ver} → ${report.remote} ${report.remoteName} version ${report.remoteVersion}${report.created ? ` (created, ${how})` : ' (already there)'}`);
    }));
}
