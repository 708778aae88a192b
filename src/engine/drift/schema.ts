// Schema changes between two data sets: added, removed and retyped columns. Types are compared as logical types
// (number, integer, string, bool, timestamp), so one column saved as Arrow, Parquet and CSV is one type
// (Float64 = DOUBLE = number); the raw type names stay in the report for display.
import type { ColumnData, Dataset, SchemaChanges } from './types';

export type LogicalType = 'number' | 'integer' | 'string' | 'bool' | 'timestamp';

/** The names readers infer from values (CSV, JSON request logs): no declared type behind them. */
const INFERRED = new Set(['number', 'string', 'bool']);

/** Raw type names (Arrow's String(type), Parquet's logical / converted / physical type, the inferred names) → logical type. */
const RULES: [RegExp, LogicalType][] = [
  [/^Dictionary</, 'string'],
  [/^(Timestamp|Date)|^INT96$/i, 'timestamp'],
  [/^U?Int_?\d*$|^INTEGER$/i, 'integer'],
  [/^(Float\d*|Double|Decimal|Time|Duration)|^number$/i, 'number'],
  [/^(Bool|Boolean)$/i, 'bool'],
  [/^((Large)?Utf8|(Large)?Binary|FixedSizeBinary|String|Enum|JSON|BSON|UUID|Byte_Array|Fixed_Len_Byte_Array)/i, 'string'],
];

/** A column's logical type, whether it was only inferred from values, and whether it holds any value. */
export function logicalType(c: ColumnData): { type: LogicalType | undefined; inferred: boolean } {
  const raw = c.sourceType || '';
  const rule = RULES.find(([re]) => re.test(raw));
  return { type: rule?.[1] ?? (raw ? undefined : c.kind === 'numeric' ? 'number' : 'string'), inferred: !raw || INFERRED.has(raw) };
}

function hasValue(c: ColumnData): boolean {
  if (c.kind === 'numeric') { for (const v of c.values) if (v === v) return true; return false; }
  for (const k of c.codes) if (k >= 0) return true;
  return false;
}

/**
 * Whether two columns hold the same logical type. An inferred type is a guess from the values: an inferred
 * number also fits a declared integer (a CSV cannot tell 3 from 3.0), and a column whose type was inferred
 * from no values at all (or Arrow's Null type) fits anything. Unknown raw types (lists, structs) compare by their raw names.
 */
export function sameType(a: ColumnData, b: ColumnData): boolean {
  const x = logicalType(a);
  const y = logicalType(b);
  const untyped = (c: ColumnData, t: { inferred: boolean }) => c.sourceType === 'Null' || (t.inferred && !hasValue(c));
  if (untyped(a, x) || untyped(b, y)) return true;
  if (x.type === undefined || y.type === undefined) return x.type === y.type && a.sourceType === b.sourceType;
  if (x.type === y.type) return true;
  const numbers = new Set([x.type, y.type]);
  return (x.inferred || y.inferred) && numbers.has('number') && numbers.has('integer') && numbers.size === 2;
}

const typeName = (c: ColumnData) => c.sourceType || c.kind;

export function schemaChanges(ref: Dataset, cur: Dataset): SchemaChanges {
  const r = new Map(ref.columns.map(c => [c.name, c]));
  const c = new Map(cur.columns.map(x => [x.name, x]));
  return {
    added: cur.columns.filter(x => !r.has(x.name)).map(x => x.name),
    removed: ref.columns.filter(x => !c.has(x.name)).map(x => x.name),
    retyped: ref.columns.filter(x => c.has(x.name) && !sameType(x, c.get(x.name)!))
      .map(x => ({ column: x.name, from: typeName(x), to: typeName(c.get(x.name)!) })),
  };
}
