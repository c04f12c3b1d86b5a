import { api, type Json } from '../api.ts';
import { bars, date, fmt, h, section, status, svg, table } from '../dom.ts';
import { worldMap } from '../map.ts';
import type { Session } from '../session.ts';
import { indicatorHref } from './search.ts';

const DAY = 86_400_000;

/** New indicators over time (by the day first seen) as bars: per day over a short span, per week over a longer one. */
function chart(perDay: Array<{ day: string; indicators: number }>): Node {
  if (!perDay.length) return h('p', { class: 'empty' }, 'Nothing yet.');
  const first = Date.parse(perDay[0]!.day);
  const last = Date.parse(perDay[perDay.length - 1]!.day);
  const span = Math.max(1, Math.round((last - first) / DAY) + 1);
  // at most about 120 bars: days, weeks or longer buckets
  const bucketDays = span <= 120 ? 1 : span <= 840 ? 7 : Math.ceil(span / 120);
  const buckets = new Map<number, number>();
  for (const entry of perDay) {
    const index = Math.floor((Date.parse(entry.day) - first) / DAY / bucketDays);
    buckets.set(index, (buckets.get(index) ?? 0) + entry.indicators);
  }
  const count = Math.floor((last - first) / DAY / bucketDays) + 1;
  const max = Math.max(1, ...buckets.values());
  const width = 900;
  const height = 200;
  const barWidth = (width - 60) / count;
  const unit = bucketDays === 1 ? 'day' : bucketDays === 7 ? 'week' : `${bucketDays} days`;
  const graphic = svg('svg', { viewBox: `0 0 ${width} ${height + 30}`, class: 'chart', role: 'img', 'aria-labelledby': 'chart-title' });
  graphic.append(svg('title', { id: 'chart-title' }, `New indicators per ${unit} (by the day first seen), ${date(perDay[0]!.day)} to ${date(perDay[perDay.length - 1]!.day)}; most in one ${unit}: ${fmt.format(max)}`));
  graphic.append(svg('line', { x1: 50, y1: height, x2: width - 10, y2: height, class: 'axis-line' }));
  graphic.append(svg('text', { x: 45, y: 12, 'text-anchor': 'end', class: 'axis' }, fmt.format(max)));
  graphic.append(svg('text', { x: 45, y: height, 'text-anchor': 'end', class: 'axis' }, '0'));
  for (const [index, n] of buckets) {
    const barHeight = (n / max) * (height - 10);
    const start = new Date(first + index * bucketDays * DAY).toISOString().slice(0, 10);
    graphic.append(svg('rect', { x: 50 + index * barWidth, y: height - barHeight, width: Math.max(1, barWidth - 1), height: barHeight, class: 'column' }, svg('title', {}, `${start}: ${fmt.format(n)}`)));
  }
  graphic.append(svg('text', { x: 50, y: height + 20, class: 'axis' }, date(perDay[0]!.day)));
  graphic.append(svg('text', { x: width - 10, y: height + 20, 'text-anchor': 'end', class: 'axis' }, date(perDay[perDay.length - 1]!.day)));
  return graphic;
}

/** What the caller may read at a glance: counts by type, threat, source and TLP, new observations over time, the map, the latest sightings. */
export async function renderOverview(main: HTMLElement, _session: Session): Promise<void> {
  main.append(h('h1', {}, 'Overview'));
  const [stats, sightings] = await Promise.all([api<Json>('/overview'), api<{ items: Json[] }>('/sightings?limit=10')]);
  // the map follows the counts: it needs a pass over the located values, the rest of the page does not wait for it
  const hosting = h('div', { 'aria-live': 'polite' }, status('Counting values per country…'));
  void api<{ items: Json[]; data: Json[] }>('/overview/countries').then(
    (countries) => hosting.replaceChildren(...hostingMap(countries)),
    () => hosting.replaceChildren(status('The per-country counts could not be loaded.')),
  );
  main.append(
    h('p', { class: 'headline' }, h('strong', { 'data-testid': 'total' }, fmt.format(stats.indicators)), ' indicators you may read'),
    h(
      'div',
      { class: 'grid' },
      section('By type', bars('Indicators by type', stats.byType)),
      section('By threat type', bars('Indicators by threat type', stats.byThreatType)),
      section('By TLP', bars('Indicators by TLP', stats.byTlp, (key) => `tlp-fill-${key.replace('+', '-')}`)),
      section(
        'By source',
        bars('Observations by source', Object.fromEntries((stats.bySource as Json[]).map((entry) => [entry.source, entry.observations]))),
      ),
    ),
    section('New indicators over time', chart(stats.firstSeenPerDay)),
    section('Where malicious infrastructure is hosted', hosting),
    section(
      'Latest sightings',
      sightings.items.length
        ? table(
            'The latest sightings you may read',
            ['Value', 'Last seen', 'Times', 'By', 'How', 'Where'],
            sightings.items.map((s) => [
              s.indicator ? h('a', { href: indicatorHref(s.indicator.type, s.indicator.value) }, s.indicator.value) : h('code', {}, s.objectId ?? ''),
              date(s.lastSeen),
              s.count,
              s.organisation.name,
              s.origin,
              s.location ?? '',
            ]),
          )
        : h('p', { class: 'empty' }, 'No sightings yet.'),
    ),
  );
}

/** The choropleth of where the values the caller may read are located, and which data says so. */
function hostingMap(countries: { items: Json[]; data: Json[] }): Node[] {
  if (!countries.items.length) {
    return [status('No country data in the store yet: run tix enrich to locate values, and the map shows their countries.'), worldMap(new Map(), 'World map of hosting countries (no country data yet)')];
  }
  const byNumeric = new Map<string, number>();
  for (const item of countries.items) if (item.numeric) byNumeric.set(item.numeric, (byNumeric.get(item.numeric) ?? 0) + item.indicators);
  const data = countries.data.map((d) => `${d.name}${d.builtAt ? ` (built ${String(d.builtAt).slice(0, 10)})` : ''}`).join(', ');
  const top = countries.items.slice(0, 10);
  return [
    worldMap(byNumeric, 'World map of the countries hosting the values you may read, shaded by count'),
    table('Countries hosting the most values you may read', ['Country', 'Values'], top.map((item) => [item.name ? `${item.name} (${item.country})` : item.country, fmt.format(item.indicators)])),
    h('p', { class: 'note' }, `Located with offline data: ${data || 'unknown'}.`),
  ];
}
