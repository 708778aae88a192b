// Conversions between MLflow's JSON metric values and SQLite columns (SQLite turns NaN into NULL).
import type { MetricValue } from '../../shared/dto';

export function toJsonValue(value: number | null, isNan: number): MetricValue {
  if (isNan) return 'NaN';
  if (value === null) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}
