// Data quality: the data-set alerts, schema changes, settings not applied as written, and per column the missing
// shares, out-of-range share and new / vanished categories.
import type { DriftReport } from '../../src/shared/dto';
import { h } from '../common/dom';
import { share } from './table';

export function qualitySection(r: DriftReport): HTMLElement {
  const s = r.schema;
  const schema = [
    ...s.added.map(c => `added in current: ${c}`),
    ...s.removed.map(c => `missing from current: ${c}`),
    ...s.retyped.map(x => `${x.column}: ${x.from} → ${x.to}`),
  ];
  const rows = [...r.columns].sort((a, b) => a.column.localeCompare(b.column)).map(c => {
    const q = c.quality;
    const cats = [q.newCategories?.length ? `new: ${q.newCategories.join(', ')}` : '', q.missingCategories?.length ? `gone: ${q.missingCategories.join(', ')}` : ''].filter(Boolean).join(' · ');
    return h('tr', { data: { column: c.column } },
      h('td', { text: c.column }),
      h('td', { text: share(q.referenceMissingShare) }),
      h('td', { text: share(q.currentMissingShare) }),
      h('td', { text: share(q.outOfRangeShare) }),
      h('td', { className: 'l', text: cats || '—' }),
      h('td', { className: `l${q.alerts.length ? ' alert' : ''}`, text: q.alerts.join('; ') || '—' }));
  });
  return h('section', { className: 'quality' },
    h('div', { className: 'drift-section', text: 'Data quality' }),
    r.qualityAlerts.length
      ? h('ul', { className: 'schema-list quality-alerts' }, ...r.qualityAlerts.map(a => h('li', { text: a })))
      : h('p', { className: 'muted', text: 'No data-quality alerts.' }),
    schema.length
      ? h('div', {}, h('strong', { text: 'Schema changes' }), h('ul', { className: 'schema-list' }, ...schema.map(x => h('li', { text: x }))))
      : h('p', { className: 'muted', text: 'Same columns and types in both data sets.' }),
    r.warnings?.length
      ? h('div', {}, h('strong', { text: 'Settings not applied as written' }), h('ul', { className: 'schema-list settings-warnings' }, ...r.warnings.map(w => h('li', { text: w }))))
      : null,
    h('div', { className: 'table-scroll' }, h('table', { className: 'drift-table quality-table' },
      h('thead', {}, h('tr', {}, ...['Column', 'Missing (ref)', 'Missing (current)', 'Out of range', 'Categories', 'Alerts'].map((t, i) => h('th', { text: t, className: i >= 4 ? 'l' : undefined })))),
      h('tbody', {}, ...rows))));
}
