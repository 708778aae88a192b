// Human lines for stage changes: "deps changed: data/raw/x.csv", "params changed: train.lr 0.01 → 0.02",
// "outs missing: model.onnx", "cmd changed", "never run", "always changed", "params missing: lr in params.yaml",
// "deps changed: data/in (a.csv, b.csv, c.csv, +2 more)".
import { paramsText, type MissingParam } from './missingInputs';
import type { Change } from './types';

const MAX_PATHS = 10;
const VERB = { modified: 'changed', missing: 'missing', added: 'added', removed: 'removed' } as const;

/** A params value as people write it: strings bare, a missing key as "(missing)", the rest as JSON. */
export function formatValue(v: unknown): string {
  if (v === undefined) return '(missing)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function paths(list: string[]): string {
  const shown = list.slice(0, MAX_PATHS).join(', ');
  return list.length > MAX_PATHS ? `${shown} (+${list.length - MAX_PATHS} more)` : shown;
}

/** A dep as shown: a changed directory names the files inside it that changed. */
function depText(c: Extract<Change, { kind: 'deps' }>): string {
  if (!c.files?.length) return c.path;
  return `${c.path} (${[...c.files, ...(c.moreFiles ? [`+${c.moreFiles} more`] : [])].join(', ')})`;
}

/** One line per kind of change; deps and outs grouped by what happened to them, one line per params key
 *  changed, one line for every params key missing. */
export function reasonsOf(changes: Change[]): string[] {
  const lines: string[] = [];
  const missingParams: MissingParam[] = [];
  const grouped = new Map<string, string[]>();
  const group = (label: string, p: string) => {
    if (!grouped.has(label)) { grouped.set(label, []); lines.push(label); }
    grouped.get(label)!.push(p);
  };
  for (const c of changes) {
    switch (c.kind) {
      case 'always-changed': lines.push('always changed'); break;
      case 'never-run': lines.push('never run'); break;
      case 'cmd': lines.push('cmd changed'); break;
      case 'deps': group(`deps ${VERB[c.change]}`, depText(c)); break;
      case 'outs': group(`outs ${VERB[c.change]}`, c.path); break;
      case 'params':
        if (!c.missing) { lines.push(`params changed: ${c.key} ${formatValue(c.from)} → ${formatValue(c.to)}`); break; }
        if (!missingParams.length) lines.push('params missing');
        missingParams.push(c.missing);
        break;
    }
  }
  return lines.map(l => (grouped.has(l) ? `${l}: ${paths(grouped.get(l)!)}` : l === 'params missing' ? `${l}: ${paramsText(missingParams)}` : l));
}
