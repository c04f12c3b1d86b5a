import { api, type Json } from '../api.ts';
import { date, fmt, h, section, status, svg, table, tlpBadge } from '../dom.ts';
import { WRITER_ROLES } from '../forms.ts';
import type { Session } from '../session.ts';
import { outcomeForm, outcomesTable } from './outcomes.ts';
import { reportLink } from './reports.ts';

/** What came of the value, as those who used it told its owners: the outcomes, and each source's confidence beside what they make of it. */
function feedbackSection(feedback: Json | undefined): HTMLElement {
  if (!feedback) return section('Feedback', h('p', { class: 'empty' }, 'No outcome recorded that you may read (owners see what others record on their values).'));
  return section(
    'Feedback',
    outcomesTable(feedback.outcomes as Json[]),
    table(
      'Confidence: as each source reported it, and after the false positives reported',
      ['Source', 'Reported', 'After feedback'],
      (feedback.confidence as Json[]).map((row) => [row.source, row.confidence ?? '–', row.afterFeedback ?? '–']),
    ),
  );
}

const DAY = 86_400_000;

/** Every source's observation as a bar from first to last seen, on one time axis. */
function timeline(observations: Json[]): SVGSVGElement {
  const width = 900;
  const row = 28;
  const left = 200;
  const top = 24;
  const starts = observations.map((o) => Date.parse(o.firstSeen));
  const ends = observations.map((o) => Date.parse(o.lastSeen));
  const min = Math.min(...starts);
  const max = Math.max(...ends, min + DAY);
  const x = (t: number): number => left + ((t - min) / (max - min)) * (width - left - 20);
  const height = top + observations.length * row + 10;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'timeline', role: 'img', 'aria-labelledby': 'timeline-title' });
  chart.append(svg('title', { id: 'timeline-title' }, `Observations from ${new Date(min).toISOString().slice(0, 10)} to ${new Date(max).toISOString().slice(0, 10)}`));
  chart.append(svg('text', { x: left, y: 14, class: 'axis' }, new Date(min).toISOString().slice(0, 10)));
  chart.append(svg('text', { x: width - 20, y: 14, class: 'axis', 'text-anchor': 'end' }, new Date(max).toISOString().slice(0, 10)));
  observations.forEach((o, i) => {
    const y = top + i * row;
    const x1 = x(starts[i]!);
    const x2 = Math.max(x1 + 4, x(ends[i]!));
    chart.append(
      svg('text', { x: left - 8, y: y + 16, 'text-anchor': 'end', class: 'label' }, String(o.source).length > 26 ? `${String(o.source).slice(0, 25)}…` : String(o.source)),
      svg('rect', { x: x1, y: y + 4, width: x2 - x1, height: 16, rx: 3, class: `span tlp-fill-${String(o.tlp).replace('+', '-')}${o.revokedAt ? ' revoked' : ''}` }, svg('title', {}, `${o.source}: ${date(o.firstSeen)} – ${date(o.lastSeen)}`)),
    );
  });
  return chart;
}

/**
 * One value, every source's view of it: the timeline of their observations,
 * TLP in the FIRST colours, malware and threat types, sightings, the STIX
 * objects behind it, and revocation for the sources the caller's organisation owns.
 */
export async function renderIndicator(main: HTMLElement, session: Session, path: string[]): Promise<void> {
  const [type = '', value = ''] = path;
  const base = `/indicators/${encodeURIComponent(type)}/${encodeURIComponent(value)}`;
  let item: Json;
  try {
    item = await api(base);
  } catch (error) {
    main.append(h('h1', {}, value), status(error instanceof Error ? error.message : String(error), 'error'));
    return;
  }
  const [objects, sources, sightings, reports] = await Promise.all([
    api<{ items: Json[] }>(`${base}/objects`),
    api<{ items: Json[] }>('/sources'),
    api<{ items: Json[] }>(`/sightings?limit=20&type=${encodeURIComponent(item.type)}&value=${encodeURIComponent(item.value)}`),
    api<{ items: Json[] }>(`/reports?limit=20&type=${encodeURIComponent(item.type)}&value=${encodeURIComponent(item.value)}`),
  ]);
  const mine = new Set(sources.items.filter((source) => source.mine).map((source) => source.name as string));
  const canWrite = ['analyst', 'sync', 'admin'].includes(session.role);
  const observations = item.observations as Json[];
  const malware = [...new Set(observations.map((o) => o.malware).filter(Boolean))];
  const facts: Array<[string, Node | string]> = [
    ['Type', item.type],
    ['Status', item.status],
    ['Threat types', (item.threatTypes as string[]).join(', ') || '–'],
    ['Malware', malware.join(', ') || '–'],
    ['Confidence', item.confidence === undefined ? '–' : String(item.confidence)],
    ['First seen', date(item.firstSeen)],
    ['Last seen', date(item.lastSeen)],
    ['Sightings', `${fmt.format(item.sightings.count)} (seen ${fmt.format(item.sightings.total)} times${item.sightings.lastSeen ? `, last ${date(item.sightings.lastSeen)}` : ''})`],
    ['Country / ASN', locationOf(item.location)],
  ];
  if (item.evaluation) facts.push(['Evaluation', Object.entries(item.evaluation).map(([k, v]) => `${k} ${v}`).join(', ')]);
  const feedback = h('div', { 'aria-live': 'polite' });

  const revoke = (o: Json): HTMLElement | string => {
    if (!canWrite || !mine.has(o.source) || o.revokedAt) return o.revokedAt ? `revoked ${date(o.revokedAt)}` : '';
    return h(
      'button',
      {
        type: 'button',
        class: 'danger',
        onclick: () =>
          void (async () => {
            if (!confirm(`Revoke ${item.value} in ${o.source}?`)) return;
            try {
              await api('/indicators/revoke', { body: { type: item.type, value: item.value, source: o.source, reason: 'revoked in the web UI' } });
              feedback.replaceChildren(status(`Revoked in ${o.source}.`));
              main.replaceChildren();
              await renderIndicator(main, session, path);
            } catch (error) {
              feedback.replaceChildren(status(error instanceof Error ? error.message : String(error), 'error'));
            }
          })(),
      },
      `Revoke in ${o.source}`,
    );
  };

  main.append(
    h('h1', { class: 'value-title' }, h('span', { class: 'value' }, item.value), ' ', tlpBadge(item.tlp)),
    feedback,
    section('Summary', h('dl', { class: 'facts' }, ...facts.flatMap(([term, detail]) => [h('dt', {}, term), h('dd', {}, detail)]))),
    section('Timeline', timeline(observations)),
    section(
      'Sources',
      table(
        `${observations.length} source${observations.length === 1 ? '' : 's'} report this value`,
        ['Source', 'TLP', 'First seen', 'Last seen', 'Threat', 'Malware', 'Confidence', 'Evidence', ''],
        observations.map((o) => [
          o.source,
          tlpBadge(o.tlp),
          date(o.firstSeen),
          date(o.lastSeen),
          o.threatType ?? '',
          o.malware ?? '',
          o.confidence ?? '',
          h('code', { class: 'raw' }, `${o.origin ? `${String(o.origin.file).split('/').pop()}:${o.origin.line}: ` : ''}${o.raw}`),
          revoke(o),
        ]),
      ),
    ),
    section(
      'Sightings',
      sightings.items.length
        ? table(
            'Sightings you may read, newest first',
            ['Last seen', 'First seen', 'Times', 'By', 'How', 'Where', 'Note'],
            sightings.items.map((s) => [date(s.lastSeen), date(s.firstSeen), s.count, s.organisation.name, s.origin, s.location ?? '', s.note ?? '']),
          )
        : h('p', { class: 'empty' }, 'No sightings you may read.'),
    ),
    section(
      'Reports',
      reports.items.length
        ? table(
            'Research reports you may read that link this value',
            ['Title', 'Owner', 'Published', 'TLP'],
            reports.items.map((report) => [reportLink(report.id, report.title), report.owner.name, date(report.publishedAt), tlpBadge(report.tlp)]),
          )
        : h('p', { class: 'empty' }, 'No report you may read links this value.'),
    ),
    feedbackSection(item.feedback as Json | undefined),
    ...(WRITER_ROLES.includes(session.role)
      ? [
          section(
            'Record an outcome',
            h('p', { class: 'note' }, 'Tell the owners what came of this value. A false positive lowers the confidence they see.'),
            outcomeForm({ type: item.type, value: item.value }, async (message) => {
              main.replaceChildren();
              await renderIndicator(main, session, path);
              main.querySelector('[aria-live]')?.replaceChildren(status(message));
            }),
          ),
        ]
      : []),
    section(
      'Related STIX objects',
      objects.items.length
        ? table(
            'Objects the value was reported in',
            ['Type', 'Name or pattern', 'Id', 'Source', 'TLP'],
            objects.items.map((record) => [record.object.type, record.object.name ?? record.object.pattern ?? '', h('code', {}, record.object.id), record.source, tlpBadge(record.tlp)]),
          )
        : h('p', { class: 'empty' }, 'No STIX object behind this value (it came from a feed in another format).'),
    ),
  );
}

/** Country, AS and registrable domain from the store's offline data, with the data's name and build date (they age). */
function locationOf(location: Json | undefined): string {
  if (!location) return 'not enriched (run tix enrich)';
  const parts = [
    location.country,
    location.asn === undefined ? undefined : `AS${location.asn}${location.asOrg ? ` ${location.asOrg}` : ''}`,
    location.registrable === undefined ? undefined : `registrable domain ${location.registrable}`,
  ].filter((part): part is string => typeof part === 'string');
  const data = ((location.data as Json[] | undefined) ?? []).map((d) => `${d.name}${d.builtAt ? ` (${String(d.builtAt).slice(0, 10)})` : ''}`);
  return `${parts.join(' · ') || 'no location found'}${data.length ? ` — data: ${data.join(', ')}` : ''}`;
}
