import { api, type Json } from '../api.ts';
import { date, fmt, h, section, status, table } from '../dom.ts';
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
    const feedback = h('div', { 'aria-live': 'polite' });
    const reload = async (message: HTMLElement): Promise<void> => {
      main.replaceChildren();
      await renderFeeds(main, session);
      main.querySelector('.feedback')?.replaceChildren(message);
    };
    const pull = (name: string): void =>
      void (async () => {
        feedback.replaceChildren(status(`Pulling ${name}…`));
        try {
          const result = await api<Json>(`/feeds/${encodeURIComponent(name)}/pull`, { method: 'POST' });
          const counts = result.counts ? `: ${Object.entries(result.counts).map(([k, v]) => `${k} ${fmt.format(Number(v))}`).join(', ')}` : '';
          await reload(status(`Pulled ${name}: ${result.status}${counts}${result.error ? ` (${result.error})` : ''}`, result.status === 'error' ? 'error' : 'info'));
        } catch (error) {
          feedback.replaceChildren(status(error instanceof Error ? error.message : String(error), 'error'));
        }
      })();
    const field = (id: string, label: string, control: HTMLElement): HTMLElement => h('div', { class: 'field' }, h('label', { for: id }, label), control);
    const name = h('input', { id: 'feed-name', required: true, pattern: '[a-z0-9][a-z0-9._-]*' });
    const url = h('input', { id: 'feed-url', type: 'url', required: true, size: 40 });
    const format = h('input', { id: 'feed-format', placeholder: 'detected' });
    const every = h('input', { id: 'feed-every', type: 'number', min: 1, value: '60' });
    const mode = h('select', { id: 'feed-mode' }, h('option', { value: 'full' }, 'full list'), h('option', { value: 'delta' }, 'new entries only'));
    const add = h('form', { class: 'inline-form', 'aria-label': 'Add a feed' }, field('feed-name', 'Name', name), field('feed-url', 'URL', url), field('feed-format', 'Format', format), field('feed-every', 'Every (minutes)', every), field('feed-mode', 'Kind', mode), h('button', { type: 'submit' }, 'Add feed'));
    add.addEventListener('submit', (event) => {
      event.preventDefault();
      void api('/feeds', {
        body: { name: name.value.trim(), url: url.value.trim(), ...(format.value.trim() ? { format: format.value.trim() } : {}), every: Math.max(1, Number(every.value)) * 60, mode: mode.value },
      })
        .then(() => reload(status(`Feed ${name.value.trim()} added.`)))
        .catch((error: unknown) => feedback.replaceChildren(status(error instanceof Error ? error.message : String(error), 'error')));
    });
    main.append(
      h('div', { class: 'feedback' }, feedback),
      section(
        'Scheduled feeds',
        feeds.items.length
          ? table(
              `${feeds.items.length} feeds pulled by this server`,
              ['Feed', 'URL', 'Format', 'Every', 'Last pull', 'Outcome', 'Counts', 'Error', ''],
              feeds.items.map((feed) => [
                feed.name,
                h('code', {}, feed.url),
                feed.format ?? 'detected',
                `${Math.round(feed.every / 60)} min`,
                feed.lastPullAt ? String(feed.lastPullAt).replace('T', ' ').slice(0, 16) : 'never',
                feed.lastStatus ?? '',
                feed.lastCounts ? Object.entries(feed.lastCounts).map(([k, v]) => `${k} ${fmt.format(Number(v))}`).join(', ') : '',
                feed.lastError ? h('span', { class: 'status-error' }, feed.lastError) : '',
                h('button', { type: 'button', class: 'secondary', onclick: () => pull(feed.name) }, `Pull ${feed.name} now`),
              ]),
            )
          : h('p', { class: 'empty' }, 'No scheduled feeds.'),
        add,
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
    h('p', { class: 'note' }, 'Due feeds are pulled by `tix feeds pull` (run it from cron or a timer on the server).'),
  );
}
