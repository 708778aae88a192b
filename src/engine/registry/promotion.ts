// Stage transitions and aliases behind governance gates (.mlops/policy.yaml), with an audit trail and rollback.
import { invalid, invalidState, notFound } from '../errors';
import type { Store } from '../store/store';
import type { AuditEntry, GateResult, MetricValue, ModelVersion, Stage } from '../../shared/dto';
import type { RegistryService } from './registry';
import { checkStage } from './registry';
import { PolicyError, evaluateGates, loadPolicy, rulesFor, type GateContext, type Policy } from './policy';
import { toNumber } from '../../shared/dto';
import { auditUser } from './auditUser';

export interface Target {
  stage?: Stage;
  alias?: string;
}
export interface PromoteOptions {
  /** Proceed although gates fail; requires a written reason, which is recorded. */
  override?: boolean;
  reason?: string;
  user?: string;
  /** Stage transitions only: move the versions currently in the target stage to Archived (MLflow's flag). */
  archiveExisting?: boolean;
}
export interface PromoteResult {
  model_version: ModelVersion;
  gates: GateResult[];
}

const label = (t: Target) => (t.stage ? `stage:${t.stage}` : `alias:${t.alias}`);
const ALIAS_RE = /^[\w-]{1,255}$/; // MLflow: alphanumerics, '_' and '-', at most 255

export function checkAlias(alias: string): string {
  if (!ALIAS_RE.test(alias) || /^v\d+$/i.test(alias) || alias.toLowerCase() === 'latest') {
    throw invalid(`Invalid alias '${alias}': at most 255 letters, digits, '_' and '-', not 'latest' and not of the form v<number>`);
  }
  return alias;
}

/** One target, checked: a known stage (canonical case) or a valid alias name, never both. */
export function checkTarget(t: { stage?: string; alias?: string }): Target {
  if (t.stage && t.alias) throw invalid("Specify either a stage or an alias, not both.");
  if (t.stage) return { stage: checkStage(t.stage) };
  if (t.alias !== undefined) return { alias: checkAlias(t.alias) };
  throw invalid('Specify a stage or an alias.');
}

export class PromotionService {
  constructor(private readonly store: Store, private readonly registry: RegistryService, private readonly workspace: string) {}

  private get repo() { return this.store.registry; }

  /** Versions that held the target before (from the audit trail), most recent first, excluding `except`. */
  private previousHolders(name: string, target: Target, except?: number): number[] {
    const lbl = label(target);
    const seen: number[] = [];
    for (const e of [...this.repo.auditTrail(name)].reverse()) {
      if (e.target !== lbl) continue;
      for (const v of [e.action === 'remove_alias' ? undefined : e.version, e.from && /^\d+$/.test(e.from) ? e.from : undefined]) {
        const n = v === undefined ? NaN : Number(v);
        if (Number.isInteger(n) && n !== except && !seen.includes(n) && this.repo.versionRow(name, n)) seen.push(n);
      }
    }
    return seen;
  }

  gateContext(name: string, version: number, target: Target): GateContext {
    const mv = this.registry.getVersion(name, version);
    const lineage = this.registry.lineage(name, version);
    const runTags = mv.run_id ? Object.fromEntries((this.store.runs.hydrate(this.store.runs.get(mv.run_id) ? [this.store.runs.get(mv.run_id)!] : [])[0]?.data.tags ?? []).map(t => [t.key, t.value])) : {};
    const current = target.stage ? this.repo.inStage(name, target.stage).filter(v => v !== version)
      : target.alias && this.repo.aliasVersion(name, target.alias) !== undefined && this.repo.aliasVersion(name, target.alias) !== version ? [this.repo.aliasVersion(name, target.alias)!] : [];
    return {
      metrics: Object.fromEntries(Object.entries(lineage.run?.metrics ?? {}).map(([k, v]) => [k, toNumber(v as MetricValue)])),
      params: lineage.run?.params ?? {},
      tags: { ...runTags, ...Object.fromEntries(mv.tags.map(t => [t.key, t.value])) },
      datasetDigests: lineage.datasets.map(d => d.digest),
      gitCommit: lineage.git?.commit, gitDirty: lineage.git?.dirty,
      previousVersionExists: current.length > 0 || this.previousHolders(name, target, version).length > 0,
    };
  }

  /** Evaluates the policy's gates for moving `version` to the target (no changes). */
  evaluate(name: string, version: number, target: { stage?: string; alias?: string }): GateResult[] {
    const t = checkTarget(target);
    return evaluateGates(rulesFor(this.policy(), t), this.gateContext(name, version, t));
  }

  /** The workspace policy; a broken one is the caller's input error (400 naming file:line:col), not a server fault. */
  private policy(): Policy | undefined {
    try {
      return loadPolicy(this.workspace);
    } catch (e) {
      if (e instanceof PolicyError) throw invalid(e.message);
      throw e;
    }
  }

  private gate(name: string, version: number, target: Target, opts: PromoteOptions): GateResult[] {
    const row = this.registry.versionRow(name, version);
    if (row.status !== 'READY' && (target.alias !== undefined || target.stage === 'Staging' || target.stage === 'Production')) {
      throw invalidState(`${name} version ${version} cannot be promoted to ${label(target)}: it is ${row.status}` +
        `${row.status_message ? ` (${row.status_message})` : ''}. Register a version from a source that exists.`);
    }
    const gates = this.evaluate(name, version, target);
    const failed = gates.filter(g => !g.passed);
    if (failed.length && !opts.override) {
      throw invalid(`Promotion of ${name} version ${version} to ${label(target)} is blocked by the policy: ` +
        failed.map(g => `${g.rule} (${g.detail})`).join('; ') + '. Override with a written reason to proceed.');
    }
    if (failed.length && !opts.reason?.trim()) throw invalid('Overriding failed gates requires a written reason.');
    return gates;
  }

  transition(name: string, version: number, stageName: string, opts: PromoteOptions = {}): PromoteResult {
    const stage = checkStage(stageName);
    const gates = this.gate(name, version, { stage }, opts);
    this.store.tx(() => {
      const row = this.registry.versionRow(name, version);
      const now = Date.now();
      if (opts.archiveExisting && (stage === 'Staging' || stage === 'Production')) {
        for (const other of this.repo.inStage(name, stage).filter(v => v !== version)) {
          this.repo.setStage(name, other, 'Archived', now);
          this.repo.audit({ time: now, user_id: auditUser(opts.user), name, version: String(other), action: 'transition', target: `stage:${stage}`, from: stage, to: 'Archived', reason: `archived by promotion of version ${version}`, gates: [], overridden: false });
        }
      }
      this.repo.setStage(name, version, stage, now);
      this.repo.touchModel(name, now);
      this.repo.audit({ time: now, user_id: auditUser(opts.user), name, version: String(version), action: 'transition', target: `stage:${stage}`, from: row.current_stage, to: stage,
        reason: opts.reason ?? '', gates, overridden: gates.some(g => !g.passed) });
    });
    this.store.changed('registry', name);
    return { model_version: this.registry.getVersion(name, version), gates };
  }

  setAlias(name: string, alias: string, version: number, opts: PromoteOptions = {}): PromoteResult {
    checkAlias(alias);
    const gates = this.gate(name, version, { alias }, opts);
    this.store.tx(() => {
      this.registry.versionRow(name, version);
      const prev = this.repo.aliasVersion(name, alias);
      const now = Date.now();
      this.repo.setAlias(name, alias, version);
      this.repo.touchModel(name, now);
      this.repo.audit({ time: now, user_id: auditUser(opts.user), name, version: String(version), action: 'alias', target: `alias:${alias}`,
        ...(prev !== undefined ? { from: String(prev) } : {}), to: String(version), reason: opts.reason ?? '', gates, overridden: gates.some(g => !g.passed) });
    });
    this.store.changed('registry', name);
    return { model_version: this.registry.getVersion(name, version), gates };
  }

  deleteAlias(name: string, alias: string, opts: PromoteOptions = {}): void {
    this.store.tx(() => {
      this.registry.getModel(name);
      const prev = this.repo.aliasVersion(name, alias);
      if (prev === undefined || !this.repo.deleteAlias(name, alias)) throw notFound(`Registered model alias ${alias} not found.`);
      this.repo.audit({ time: Date.now(), user_id: auditUser(opts.user), name, version: String(prev), action: 'remove_alias', target: `alias:${alias}`, from: String(prev), reason: opts.reason ?? '', gates: [], overridden: false });
    });
    this.store.changed('registry', name);
  }

  /** Makes the previous holder of the stage (default Production) or alias current again; recorded in the audit trail. */
  rollback(name: string, target: Target, opts: PromoteOptions = {}): PromoteResult {
    if (target.stage && target.alias) throw invalid('Roll back either a stage or an alias, not both.');
    const t: Target = target.alias ? { alias: checkAlias(target.alias) } : { stage: checkStage(target.stage || 'Production') };
    this.registry.getModel(name);
    const current = t.stage ? this.repo.inStage(name, t.stage)[0] : this.repo.aliasVersion(name, t.alias!);
    const previous = this.previousHolders(name, t, current)[0];
    if (previous === undefined) throw invalidState(`Nothing to roll back to: no earlier version of ${name} held ${label(t)}.`);
    this.store.tx(() => {
      const now = Date.now();
      if (t.stage) {
        if (current !== undefined) {
          this.repo.setStage(name, current, 'Archived', now);
          this.repo.audit({ time: now, user_id: auditUser(opts.user), name, version: String(current), action: 'transition', target: label(t), from: t.stage, to: 'Archived',
            reason: `archived by rollback to version ${previous}`, gates: [], overridden: false });
        }
        const from = this.registry.versionRow(name, previous).current_stage;
        this.repo.setStage(name, previous, t.stage, now);
        this.repo.audit({ time: now, user_id: auditUser(opts.user), name, version: String(previous), action: 'rollback', target: label(t), from, to: t.stage,
          reason: opts.reason ?? (current !== undefined ? `rollback from version ${current}` : 'rollback'), gates: [], overridden: false });
      } else {
        this.repo.setAlias(name, t.alias!, previous);
        this.repo.audit({ time: now, user_id: auditUser(opts.user), name, version: String(previous), action: 'rollback', target: label(t),
          ...(current !== undefined ? { from: String(current) } : {}), to: String(previous), reason: opts.reason ?? 'rollback', gates: [], overridden: false });
      }
      this.repo.touchModel(name, now);
    });
    this.store.changed('registry', name);
    return { model_version: this.registry.getVersion(name, previous), gates: [] };
  }

  audit(name: string): AuditEntry[] {
    this.registry.getModel(name);
    return this.repo.auditTrail(name);
  }
}
