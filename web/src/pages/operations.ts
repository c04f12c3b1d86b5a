import { api, type Json } from '../api.ts';
import { date, fmt, h, section, table } from '../dom.ts';
import { worldMap } from '../map.ts';
import type { Session } from '../session.ts';

const countryName = (op: Json, code: string): string => (op.countries as Json[]).find((c) => c.code === code)?.name ?? (code === 'ZZ' ? 'not located' : code);

/**
 * The operations the caller's organisation takes part in: each with a map of
 * its countries shaded by what the caller may read of its scope, the counts
 * per country, the outcomes, and each country's package to download (built
 * for the caller's organisation, under its clearance).
 */
export async function renderOperations(main: HTMLElement, _session: Session): Promise<void> {
  const { items } = await api<{ items: Json[] }>('/operations');
  main.append(h('h1', {}, 'Operations'));
  if (!items.length) {
    main.append(h('p', { class: 'empty' }, 'Your organisation takes part in no operation.'));
    return;
  }
  for (const op of items) {
    const counts = op.counts as Record<string, number>;
    const byNumeric = new Map<string, number>();
    for (const country of op.countries as Json[]) if (country.numeric) byNumeric.set(country.numeric, counts[country.code] ?? 0);
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    const outcomes = op.outcomes as Json[];
    main.append(
      section(
        `Operation ${op.name}`,
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Countries'),
          h('dd', {}, (op.countries as Json[]).map((c) => `${c.name ?? c.code} (${c.code})`).join(', ')),
          h('dt', {}, 'Window'),
          h('dd', {}, `${date(op.startsAt)} to ${date(op.endsAt)}`),
          h('dt', {}, 'Agreement'),
          h('dd', {}, op.agreement ?? 'none'),
          h('dt', {}, 'Partners'),
          h('dd', {}, (op.partners as Json[]).map((p) => p.name).join(', ') || 'none'),
          h('dt', {}, 'In scope'),
          h('dd', {}, `${fmt.format(total)} values you may read, located in its countries or tagged ${op.tag}`),
        ),
        h('div', { class: 'op-map' }, worldMap(byNumeric, `Map of operation ${op.name}'s countries, shaded by the values in scope you may read`)),
        table(
          `Per country: values in scope you may read, and the country's package for your organisation`,
          ['Country', 'Values', 'Outcomes', 'Package'],
          (op.countries as Json[]).map((c) => {
            const here = outcomes.filter((o) => o.country === c.code);
            const link = h('a', { class: 'button', href: `/api/v1/operations/${encodeURIComponent(op.name)}/packages/${c.code}`, download: '' }, `Download the ${c.code} package`);
            return [`${c.name ?? c.code} (${c.code})`, fmt.format(counts[c.code] ?? 0), here.map((o) => `${o.kind} × ${o.count}`).join(', '), link];
          }),
        ),
        counts.ZZ ? h('p', { class: 'note' }, `${fmt.format(counts.ZZ)} more tagged for the operation are ${countryName(op, 'ZZ')}.`) : null,
        outcomes.length
          ? table(
              'Outcomes',
              ['Date', 'Country', 'Kind', 'Count', 'Amount', 'Note'],
              outcomes.map((o) => [date(o.at), countryName(op, o.country), o.kind, fmt.format(o.count), o.amount === undefined ? '' : `${fmt.format(o.amount)} ${o.currency ?? ''}`, o.note ?? '']),
            )
          : h('p', { class: 'empty' }, 'No outcomes recorded yet.'),
      ),
    );
  }
}
