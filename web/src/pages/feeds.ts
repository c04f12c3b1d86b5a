import { api, type Json } from '../api.ts';
import { date, fmt, h, table } from '../dom.ts';
import type { Session } from '../session.ts';

/** The sources the caller may read something of: owner, how much it may read, the last import (to its owner), grading. */
export async function renderFeeds(main: HTMLElement, _session: Session): Promise<void> {
  main.append(h('h1', {}, 'Feeds and sources'));
  const sources = await api<{ items: Json[] }>('/sources');
  main.append(
    table(
      `${sources.items.length} sources you may read something of`,
      ['Source', 'Owner', 'Indicators you may read', 'STIX objects', 'Last import', 'Evaluation'],
      sources.items.map((source) => [
        h('a', { href: `#/search?source=${encodeURIComponent(source.name)}` }, source.name),
        `${source.owner.name}${source.mine ? ' (yours)' : ''}`,
        fmt.format(source.indicators),
        fmt.format(source.objects),
        source.lastImport ? date(source.lastImport) : source.mine ? 'never' : '–',
        source.evaluation ? Object.entries(source.evaluation).map(([k, v]) => `${k} ${v}`).join(', ') : '',
      ]),
    ),
    h('p', { class: 'note' }, 'Scheduled feeds are added and pulled with `tix feeds add` and `tix feeds pull` on the server.'),
  );
}
