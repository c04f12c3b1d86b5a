import { api, query, type Json } from '../api.ts';
import { date, fmt, h, section, status, table, tlpBadge } from '../dom.ts';
import { errorText, WRITER_ROLES } from '../forms.ts';
import { renderMarkdown } from '../markdown-dom.ts';
import type { Session } from '../session.ts';
import { outcomeForm, outcomesTable } from './outcomes.ts';
import { renderReportForm } from './report-form.ts';

/** A PAP label, plain: PAP is about what may be done with it, not who may read it. */
export function papLabel(pap: string | undefined): HTMLElement | string {
  return pap ? h('span', { class: 'pap', title: `Permissible Actions Protocol: ${pap.toUpperCase()}` }, `PAP:${pap.toUpperCase()}`) : '–';
}

export function indicatorLink(item: { type?: string; value: string }): HTMLElement {
  return item.type ? h('a', { class: 'value', href: `#/indicator/${encodeURIComponent(item.type)}/${encodeURIComponent(item.value)}` }, item.value) : h('span', { class: 'value' }, item.value);
}

export const reportLink = (id: number, title?: string): HTMLElement => h('a', { href: `#/reports/${id}` }, title ?? `report ${id}`);

/** Research reports: the list the caller may read, one report rendered, and the form to write one. */
export async function renderReports(main: HTMLElement, session: Session, path: string[], params: URLSearchParams): Promise<void> {
  if (path[0] === 'new') return renderReportForm(main, session, params);
  if (path[0] && /^\d+$/.test(path[0]) && path[1] === 'edit') return renderReportForm(main, session, params, Number(path[0]));
  if (path[0] && /^\d+$/.test(path[0])) return renderReport(main, session, Number(path[0]), params);
  const canWrite = WRITER_ROLES.includes(session.role);
  const list = await api<{ items: Json[]; next?: string }>(`/reports${query({ limit: '100', next: params.get('next') ?? undefined })}`);
  main.append(
    h('h1', {}, 'Research reports'),
    ...(canWrite ? [h('p', {}, h('a', { class: 'button', href: '#/reports/new' }, 'Write a report'))] : []),
    section(
      'Reports you may read',
      list.items.length
        ? table(
            `${list.items.length} report${list.items.length === 1 ? '' : 's'}, newest first`,
            ['Title', 'Owner', 'Published', 'TLP', 'PAP', 'Version', 'Case'],
            list.items.map((report) => [
              reportLink(report.id, report.title),
              report.owner.name,
              date(report.publishedAt),
              tlpBadge(report.tlp),
              papLabel(report.pap),
              String(report.latestVersion),
              report.investigation === undefined ? '' : h('a', { href: `#/investigations/${report.investigation}` }, 'investigation'),
            ]),
          )
        : h('p', { class: 'empty' }, 'No report you may read.'),
      list.next ? h('p', { class: 'pager' }, h('a', { href: `#/reports?next=${encodeURIComponent(list.next)}` }, 'Older reports')) : null,
    ),
  );
}

function nameList(label: string, items: string[]): HTMLElement[] {
  return [h('dt', {}, label), h('dd', {}, items.length ? items.join(', ') : '–')];
}

async function renderReport(main: HTMLElement, session: Session, id: number, params: URLSearchParams): Promise<void> {
  const version = params.get('version') ?? undefined;
  let report: Json;
  try {
    report = await api(`/reports/${id}${query({ version })}`);
  } catch (error) {
    main.append(h('h1', {}, `Report ${id}`), status(errorText(error), 'error'));
    return;
  }
  const diff = report.version > 1 ? await api<Json>(`/reports/${id}/diff${query({ to: String(report.version) })}`).catch(() => undefined) : undefined;
  const links = report.links as { indicators: Array<{ type: string; value: string }>; malware: string[]; actors: string[]; campaigns: string[]; objects: string[] };
  const versions = Array.from({ length: report.latestVersion as number }, (_, i) => i + 1).map((n) =>
    n === report.version ? h('strong', { 'aria-current': 'page' }, `v${n}`) : h('a', { href: `#/reports/${id}?version=${n}` }, `v${n}`),
  );
  // what the server's sanitiser changed in a report just written, told once to its author
  const neutralised = sessionStorage.getItem('tix-neutralised');
  sessionStorage.removeItem('tix-neutralised');
  main.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/reports' }, 'Research reports')),
    h('h1', { class: 'value-title' }, String(report.title), ' ', tlpBadge(report.tlp)),
    ...(neutralised ? [status(`Published. Made harmless in the body: ${neutralised}.`)] : []),
    ...(report.owner.id === session.org.id && WRITER_ROLES.includes(session.role) ? [h('p', {}, h('a', { class: 'button', href: `#/reports/${id}/edit` }, 'Edit (new version)'))] : []),
    section(
      'About this report',
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Owner'),
        h('dd', {}, report.owner.name),
        h('dt', {}, 'Published'),
        h('dd', {}, date(report.publishedAt)),
        h('dt', {}, 'TLP'),
        h('dd', {}, tlpBadge(report.tlp)),
        h('dt', {}, 'PAP'),
        h('dd', {}, papLabel(report.pap)),
        h('dt', {}, 'Version'),
        h('dd', { class: 'versions' }, ...versions.flatMap((item, i) => (i ? [' ', item] : [item])), report.version === report.latestVersion ? ' (current)' : ` (current: v${report.latestVersion})`),
        ...(report.investigation === undefined ? [] : [h('dt', {}, 'Investigation'), h('dd', {}, h('a', { href: `#/investigations/${report.investigation}` }, 'open the case'), ' (read by its members alone)')]),
        ...nameList('Malware', links.malware),
        ...nameList('Threat actors', links.actors),
        ...nameList('Campaigns', links.campaigns),
        ...(links.objects.length ? nameList('STIX objects', links.objects) : []),
      ),
      report.summary ? h('p', { class: 'summary' }, String(report.summary)) : null,
    ),
    section('Report', renderMarkdown(String(report.body))),
    section(
      'Linked indicators',
      links.indicators.length
        ? table(`${fmt.format(links.indicators.length)} values linked by the report`, ['Value', 'Type'], links.indicators.map((item) => [indicatorLink(item), item.type]))
        : h('p', { class: 'empty' }, 'No linked values.'),
    ),
    section(
      'Attachments',
      (report.attachments as Json[]).length
        ? h(
            'ul',
            { class: 'attachments' },
            ...(report.attachments as Json[]).map((file) =>
              h('li', {}, h('a', { href: `/api/v1/reports/${id}/attachments/${file.sha256}`, download: file.name }, file.name), ` (${fmt.format(file.size)} bytes, ${file.mediaType}) `, h('code', { class: 'detail' }, `sha256 ${file.sha256}`)),
            ),
          )
        : h('p', { class: 'empty' }, 'No attachments.'),
      h('p', { class: 'note' }, 'Attachments are only ever downloaded, never opened in the page.'),
    ),
    ...(diff ? [section(`Changes from v${diff.from} to v${diff.to}`, diffView(diff))] : []),
    ...(report.outcomes ? [section('Outcomes', outcomesTable(report.outcomes as Json[]))] : []),
    ...(WRITER_ROLES.includes(session.role) && report.owner.id !== session.org.id
      ? [
          section(
            'Record an outcome',
            h('p', { class: 'note' }, 'Tell the owner what came of this report.'),
            outcomeForm({ report: id }, async (message) => {
              main.replaceChildren();
              await renderReport(main, session, id, params);
              main.querySelector('h1')?.after(status(message));
            }),
          ),
        ]
      : []),
    h('p', { class: 'export' }, 'Export: ', h('a', { href: `/api/v1/reports/${id}/stix${query({ version })}`, download: `report-${id}.stix.json` }, 'STIX 2.1'), ' · ', h('a', { href: `/api/v1/reports/${id}/misp${query({ version })}`, download: `report-${id}.misp.json` }, 'MISP event')),
  );
}

function diffView(diff: Json): HTMLElement {
  const lines = diff.lines as Array<{ op: 'same' | 'added' | 'removed'; text: string }>;
  const sign = { same: ' ', added: '+', removed: '−' };
  const shown = h('div', {});
  if (diff.title) shown.append(h('p', {}, `Title: “${diff.title.from}” → “${diff.title.to}”`));
  shown.append(h('p', {}, `${diff.added} line${diff.added === 1 ? '' : 's'} added, ${diff.removed} removed.`));
  const indicators = diff.indicators as { added: string[]; removed: string[] };
  if (indicators.added.length || indicators.removed.length) shown.append(h('p', {}, `Linked values added: ${indicators.added.join(', ') || 'none'}; removed: ${indicators.removed.join(', ') || 'none'}.`));
  shown.append(
    h(
      'pre',
      { class: 'diff', 'aria-label': 'Line diff of the body' },
      ...lines.map((line) => h('span', { class: `diff-${line.op}` }, line.op === 'same' ? null : h('span', { class: 'sr-label' }, line.op === 'added' ? 'added: ' : 'removed: '), `${sign[line.op]} ${line.text}\n`)),
    ),
  );
  return shown;
}
