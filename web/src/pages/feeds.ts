import { api, type Json } from '../api.ts';
import { date, fmt, h, section, table } from '../dom.ts';
import type { Session } from '../session.ts';

/**
 * The sources the caller may read something of: owner, how much it may read, the last import (to its owner),
 * grading; for the operator's admins, the scheduled feeds with their last pull, its outcome and counts.
 */
export async function renderFeeds(main: HTMLElement, session: Session): Promise<void> {
  main.append(h('h1', {}, 'Feeds and sources'));
  const operator = session.role === 'admin' && session.org.id === 1;
  const [sources, feeds] = await Promise.all([api<{ items: Json[] }>('/sources'), operator ? api<{ items: Json[] }>('/feeds') : Promise.resolve(undefined)]);
  if (feeds) {
    main.append(
      section(
        'Scheduled feeds',
        feeds.items.length
          ? table(
              `${feeds.items.length} feeds pulled by this server`,
              ['Feed', 'URL', 'Format', 'Every', 'Last pull', 'Outcome', 'Counts', 'Error'],
              feeds.items.map((feed) => [
                feed.name,
                h('code', {}, feed.url),
                feed.format ?? 'detected',
                `${Math.round(feed.every / 60)} min`,
                feed.lastPullAt ? String(feed.lastPullAt).replace('T', ' ').slice(0, 16) : 'never',
                feed.lastStatus ?? '',
                feed.lastCounts ? Object.entries(feed.lastCounts).map(([k, v]) => `${k} ${fmt.format(Number(v))}`).join(', ') : '',
                feed.lastError ? h('span', { class: 'status-error' }, feed.lastError) : '',
              ]),
            )
          : h('p', { class: 'empty' }, 'No scheduled feeds.'),
      ),
    );
  }
  main.append(
    section(
      'Sources',
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
    ),
    h('p', { class: 'note' }, 'Scheduled feeds are added and pulled with `tix feeds add` and `tix feeds pull` on the server.'),
  );
}
