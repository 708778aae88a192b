// The stage graph of a pipeline: an edge A → B when B reads what A writes (a dep or params file of B is an
// output of A, lies inside an output directory of A, or holds an output of A). Outputs claimed twice and
// cycles are PipelineErrors at the offending stage.
import { PipelineError, type Dag, type Pipeline, type Stage } from './types';

/** True when `p` is `dir` or lies inside it (posix paths relative to the pipeline root; '.' holds everything). */
export function isInside(p: string, dir: string): boolean {
  return dir === '.' || p === dir || p.startsWith(`${dir}/`);
}

const overlaps = (a: string, b: string) => isInside(a, b) || isInside(b, a);
const inputsOf = (s: Stage) => [...s.deps, ...s.params.map(p => p.file)];
const fail = (p: Pipeline, s: Stage, message: string, stages: string[]): never => {
  throw new PipelineError(message, p.file, s.pos.line, s.pos.col, stages);
};

export function buildDag(p: Pipeline): Dag {
  const stages = p.stages;
  checkOutputs(p);
  const upstream = new Map<string, string[]>(stages.map(s => [s.name, []]));
  const downstream = new Map<string, string[]>(stages.map(s => [s.name, []]));
  for (const b of stages) {
    const inputs = inputsOf(b);
    for (const a of stages) {
      if (a === b || !a.outs.some(o => inputs.some(d => overlaps(d, o.path)))) continue;
      upstream.get(b.name)!.push(a.name);
      downstream.get(a.name)!.push(b.name);
    }
  }
  return { order: topoOrder(p, upstream, downstream), upstream, downstream };
}

/** One writer per output: no path claimed by two stages (or twice by one), none inside another's output, and no
 *  stage's input overlapping its own output. */
function checkOutputs(p: Pipeline): void {
  const seen: { path: string; stage: Stage }[] = [];
  for (const s of p.stages) {
    for (const o of s.outs) {
      // Outputs are deleted before the stage runs: an input inside one would be gone, one holding it never settles.
      const dep = inputsOf(s).find(d => overlaps(d, o.path));
      if (dep === o.path) fail(p, s, `'${dep}' is both a dependency and an output of stage '${s.name}'`, [s.name]);
      if (dep !== undefined) {
        fail(p, s, isInside(dep, o.path)
          ? `dependency '${dep}' of stage '${s.name}' is inside its output '${o.path}' (outputs are deleted before the stage runs)`
          : `output '${o.path}' of stage '${s.name}' is inside its dependency '${dep}'`, [s.name]);
      }
      const prev = seen.find(x => overlaps(x.path, o.path));
      if (prev) {
        const names = prev.stage === s ? [s.name] : [prev.stage.name, s.name];
        if (prev.stage === s) {
          fail(p, s, prev.path === o.path ? `output '${o.path}' is listed twice in stage '${s.name}'` : `outputs '${prev.path}' and '${o.path}' of stage '${s.name}' overlap`, names);
        }
        // Name the inner path: it is what both stages write (one of them as part of a directory).
        const [inner, outer] = isInside(o.path, prev.path) ? [o.path, prev.path] : [prev.path, o.path];
        const detail = inner === outer ? '' : ` (as part of '${outer}')`;
        fail(p, s, `output '${inner}' is produced by both '${prev.stage.name}' and '${s.name}'${detail}`, names);
      }
      seen.push({ path: o.path, stage: s });
    }
  }
}

/** Kahn's algorithm, always taking the earliest-defined ready stage; a cycle is named stage by stage. */
function topoOrder(p: Pipeline, upstream: Map<string, string[]>, downstream: Map<string, string[]>): string[] {
  const index = new Map(p.stages.map((s, i) => [s.name, i]));
  const indegree = new Map(p.stages.map(s => [s.name, upstream.get(s.name)!.length]));
  const ready = p.stages.filter(s => indegree.get(s.name) === 0).map(s => index.get(s.name)!);
  const order: string[] = [];
  while (ready.length) {
    ready.sort((a, b) => a - b);
    const name = p.stages[ready.shift()!].name;
    order.push(name);
    for (const next of downstream.get(name)!) {
      const d = indegree.get(next)! - 1;
      indegree.set(next, d);
      if (d === 0) ready.push(index.get(next)!);
    }
  }
  if (order.length === p.stages.length) return order;
  // Every stage left has an upstream stage that is also left: walking upstream must come back round.
  const left = new Set(p.stages.map(s => s.name).filter(n => !order.includes(n)));
  const walk: string[] = [];
  let at = p.stages.find(s => left.has(s.name))!.name;
  while (!walk.includes(at)) {
    walk.push(at);
    at = upstream.get(at)!.find(u => left.has(u))!;
  }
  const cycle = walk.slice(walk.indexOf(at)).reverse(); // in data-flow order
  const first = cycle.reduce((a, b) => (index.get(a)! <= index.get(b)! ? a : b));
  const start = cycle.indexOf(first);
  const named = [...cycle.slice(start), ...cycle.slice(0, start)];
  return fail(p, p.stages[index.get(first)!], `cycle: ${[...named, first].join(' → ')}`, named);
}

/**
 * `targets` with everything upstream (what they need) or downstream (what depends on them), in `dag.order`.
 * A target may name a foreach/matrix group (`train` for `train@…`), as in DVC.
 */
export function closure(dag: Dag, targets: string[], direction: 'upstream' | 'downstream'): string[] {
  const edges = direction === 'upstream' ? dag.upstream : dag.downstream;
  const todo: string[] = [];
  for (const t of targets) {
    if (edges.has(t)) { todo.push(t); continue; }
    const group = dag.order.filter(n => n.startsWith(`${t}@`));
    if (!group.length) {
      const known = dag.order.length > 20 ? `${dag.order.slice(0, 20).join(', ')}, …` : dag.order.join(', ');
      throw new Error(`unknown stage '${t}' (stages: ${known || 'none'})`);
    }
    todo.push(...group);
  }
  const seen = new Set<string>();
  while (todo.length) {
    const n = todo.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    todo.push(...edges.get(n)!);
  }
  return dag.order.filter(n => seen.has(n));
}
