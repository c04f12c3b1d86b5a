import { api, query, type Json } from '../api.ts';
import { date, h, section, status, tlpBadge } from '../dom.ts';
import type { Session } from '../session.ts';

export const TYPES = ['ipv4', 'ipv6', 'cidr', 'ip-port', 'domain', 'hostname', 'url', 'email', 'md5', 'sha1', 'sha256', 'sha512', 'ssdeep', 'tlsh', 'asn', 'ja3', 'x509-sha1', 'filename'];
const THREATS = ['c2', 'phishing', 'payload-delivery', 'malware-download', 'malware', 'scanner', 'botnet', 'compromised-host', 'spam', 'brute-force', 'anonymiser', 'exploit', 'fraud'];
const EXPORTS = ['csv', 'stix', 'misp', 'plain-list', 'suricata', 'snort', 'zeek', 'rpz', 'hosts', 'nftables'];
const FILTERS = ['q', 'type', 'threat', 'source', 'malware', 'tag', 'max_tlp', 'min_confidence', 'since', 'all'] as const;
const TLPS = ['clear', 'green', 'amber', 'amber+strict', 'red'];

export function indicatorHref(type: string, value: string): string {
  return `#/indicator/${encodeURIComponent(type)}/${encodeURIComponent(value)}`;
}

function field(id: string, label: string, control: HTMLElement): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

function select(id: string, options: string[], selected: string | null, any: string): HTMLSelectElement {
  return h('select', { id, name: id }, h('option', { value: '' }, any), ...options.map((option) => h('option', { value: option, selected: option === selected }, option)));
}

/**
 * One box for anything: a value, a CIDR, a domain (and below), a hash, or
 * pasted text with many indicators, defanged or not (the server extracts
 * them); filters; keyset pages; the result exported in any export format.
 */
export async function renderSearch(main: HTMLElement, _session: Session, _path: string[], params: URLSearchParams): Promise<void> {
  const box = h('textarea', { id: 'q', name: 'q', rows: 3, spellcheck: 'false', placeholder: '192.9.135.73, 5.63.151.0/24, example.com, a hash, or paste a report with many indicators (hxxp://evil[.]com is fine)' });
  box.value = params.get('q') ?? '';
  const type = select('type', TYPES, params.get('type'), 'any type');
  const threat = select('threat', THREATS, params.get('threat'), 'any threat');
  const source = h('input', { id: 'source', name: 'source', value: params.get('source') ?? '' });
  const malware = h('input', { id: 'malware', name: 'malware', value: params.get('malware') ?? '' });
  const tag = h('input', { id: 'tag', name: 'tag', value: params.get('tag') ?? '' });
  const maxTlp = select('max_tlp', TLPS, params.get('max_tlp'), 'any TLP');
  const minConfidence = h('input', { id: 'min_confidence', name: 'min_confidence', type: 'number', min: 0, max: 100, value: params.get('min_confidence') ?? '' });
  const since = h('input', { id: 'since', name: 'since', type: 'date', value: params.get('since') ?? '' });
  const all = h('input', { id: 'all', name: 'all', type: 'checkbox', checked: params.get('all') === 'true' });
  const form = h(
    'form',
    { class: 'search', role: 'search', 'aria-label': 'Indicators' },
    h('label', { for: 'q', class: 'big-label' }, 'Search: a value, CIDR, domain, hash, or pasted text'),
    box,
    h(
      'fieldset',
      { class: 'filters' },
      h('legend', {}, 'Filters'),
      field('type', 'Type', type),
      field('threat', 'Threat type', threat),
      field('source', 'Source', source),
      field('malware', 'Malware', malware),
      field('tag', 'Tag', tag),
      field('max_tlp', 'TLP at most', maxTlp),
      field('min_confidence', 'Confidence at least', minConfidence),
      field('since', 'Last seen since', since),
      h('div', { class: 'field check' }, all, h('label', { for: 'all' }, 'Include revoked and expired')),
    ),
    h('button', { type: 'submit' }, 'Search'),
  );
  const submit = (): void => {
    const filters: Record<string, string | undefined> = {
      q: box.value.trim() || undefined,
      type: type.value || undefined,
      threat: threat.value || undefined,
      source: source.value.trim() || undefined,
      malware: malware.value.trim() || undefined,
      tag: tag.value.trim() || undefined,
      max_tlp: maxTlp.value || undefined,
      min_confidence: minConfidence.value || undefined,
      since: since.value || undefined,
      all: all.checked ? 'true' : undefined,
    };
    const next = `#/search${query(filters)}`;
    if (location.hash === next) void results(filters);
    else location.hash = next;
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  // Ctrl+Enter searches from the box, where Enter makes a new line for pasted text
  box.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
  });
  const output = h('div', { id: 'results', 'aria-live': 'polite' });
  main.append(h('h1', {}, 'Search'), form, output);

  const filters = Object.fromEntries(FILTERS.map((key) => [key, params.get(key) ?? undefined])) as Record<string, string | undefined>;
  if (FILTERS.some((key) => filters[key])) await results(filters);

  async function results(filters: Record<string, string | undefined>): Promise<void> {
    const cursors: Array<string | undefined> = [undefined];
    const searchFilters = { ...filters, ...(filters.since ? { since: filters.since } : {}) };
    const load = async (pageIndex: number): Promise<void> => {
      output.replaceChildren(status('Searching…'));
      const started = performance.now();
      // with something typed in the box the total is a cheap count; a listing of the whole store is paged without one
      const [page, total] = await Promise.all([
        api<{ items: Json[]; next?: string; more: boolean }>(`/indicators${query({ ...searchFilters, limit: '50', next: cursors[pageIndex] })}`),
        filters.q ? api<{ count: number }>(`/indicators/count${query(searchFilters)}`) : Promise.resolve(undefined),
      ]);
      const took = Math.round(performance.now() - started);
      if (page.next) cursors[pageIndex + 1] = page.next;
      const rows = page.items.map((item) =>
        h(
          'tr',
          {},
          h('td', { class: 'value' }, h('a', { href: indicatorHref(item.type, item.value) }, item.value)),
          h('td', {}, item.type),
          h('td', {}, tlpBadge(item.tlp)),
          h('td', {}, (item.threatTypes as string[]).join(', ')),
          h('td', {}, (item.malware as string[]).join(', ')),
          h('td', {}, (item.sources as string[]).join(', ')),
          h('td', {}, date(item.lastSeen)),
          h('td', {}, item.status),
        ),
      );
      const exportFormat = h('select', { id: 'export-format' }, ...EXPORTS.map((name) => h('option', { value: name }, name)));
      const exportLink = h('a', { class: 'button', id: 'export-link', download: '' }, 'Download export');
      const setExport = (): void => {
        exportLink.setAttribute('href', `/api/v1/exports/${exportFormat.value}${query({ ...searchFilters, all: filters.all })}`);
      };
      exportFormat.addEventListener('change', setExport);
      setExport();
      const pager = h(
        'nav',
        { class: 'pager', 'aria-label': 'Result pages' },
        h('button', { type: 'button', class: 'secondary', disabled: pageIndex === 0, onclick: () => void load(pageIndex - 1) }, '← Previous'),
        h('span', {}, `Page ${pageIndex + 1}`),
        h('button', { type: 'button', class: 'secondary', disabled: !page.more, onclick: () => void load(pageIndex + 1) }, 'Next →'),
      );
      output.replaceChildren(
        section(
          'Results',
          status(
            `${total ? `${total.count} indicator${total.count === 1 ? '' : 's'} in all; ` : ''}${page.items.length}${page.more ? '+' : ''} on this page (${took} ms)`,
          ),
          page.items.length
            ? h(
                'table',
                { class: 'results' },
                h('caption', { class: 'sr-only' }, 'Indicators found'),
                h('thead', {}, h('tr', {}, ...['Value', 'Type', 'TLP', 'Threat', 'Malware', 'Sources', 'Last seen', 'Status'].map((name) => h('th', { scope: 'col' }, name)))),
                h('tbody', {}, ...rows),
              )
            : h('p', { class: 'empty' }, 'Nothing you may read matches.'),
          pager,
          h('div', { class: 'export' }, h('label', { for: 'export-format' }, 'Export the whole result as'), exportFormat, exportLink),
        ),
      );
    };
    await load(0);
  }
}
