import { api, type Json } from '../api.ts';
import { fmt, h, section, status } from '../dom.ts';
import { errorText, field, names, onSubmit, PAPS, select, TLPS, WRITER_ROLES } from '../forms.ts';
import type { Session } from '../session.ts';

interface Attachment {
  name: string;
  mediaType?: string;
  content: string;
}

function base64(bytes: ArrayBuffer): string {
  const view = new Uint8Array(bytes);
  let binary = '';
  for (let i = 0; i < view.length; i += 0x8000) binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function readFile(file: File): Promise<Attachment> {
  return { name: file.name, ...(file.type ? { mediaType: file.type } : {}), content: base64(await file.arrayBuffer()) };
}

/** An attachment of the current version, fetched again so the new version keeps it (a version repeats its content whole). */
async function keep(report: number, file: Json): Promise<Attachment> {
  const response = await fetch(`/api/v1/reports/${report}/attachments/${file.sha256}`, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`could not keep the attachment ${file.name} (${response.status})`);
  return { name: file.name, mediaType: file.mediaType, content: base64(await response.arrayBuffer()) };
}

/**
 * Writing a report, or (with `editing`) its next version. A new version repeats the content whole:
 * the form starts from the current one, keeps the attachments left ticked, and leaves TLP, PAP and
 * sharing as published.
 */
export async function renderReportForm(main: HTMLElement, session: Session, params: URLSearchParams, editing?: number): Promise<void> {
  const current = editing === undefined ? undefined : await api<Json>(`/reports/${editing}`);
  main.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/reports' }, 'Research reports'), current ? ' › ' : null, current ? h('a', { href: `#/reports/${editing}` }, String(current.title)) : null),
    h('h1', {}, current ? `Edit: ${current.title}` : 'Write a report'),
  );
  if (!WRITER_ROLES.includes(session.role) || (current && current.owner.id !== session.org.id)) {
    main.append(status(current ? 'Only analysts of the owner organisation edit a report.' : 'Only analysts write reports.', 'error'));
    return;
  }
  const investigation = current ? undefined : (params.get('investigation') ?? undefined);
  const links = current?.links as { indicators: Array<{ type: string; value: string }>; malware: string[]; actors: string[]; campaigns: string[] } | undefined;
  const title = h('input', { id: 'report-title', required: true, maxlength: '500', size: 60, value: current?.title ?? '' });
  const summary = h('textarea', { id: 'report-summary', rows: 2, maxlength: '5000' });
  summary.value = current?.summary ?? '';
  const body = h('textarea', { id: 'report-body', rows: 14, required: true });
  body.value = current?.body ?? '';
  const tlp = select('report-tlp', TLPS, 'amber');
  const pap = select('report-pap', [['', 'none'], ...PAPS.map((level): [string, string] => [level, level])], '');
  const indicators = h('textarea', { id: 'report-indicators', rows: 5 });
  indicators.value = links ? links.indicators.map((item) => item.value).join('\n') : '';
  const malware = h('input', { id: 'report-malware', size: 30, value: links?.malware.join(', ') ?? '' });
  const actors = h('input', { id: 'report-actors', size: 30, value: links?.actors.join(', ') ?? '' });
  const campaigns = h('input', { id: 'report-campaigns', size: 30, value: links?.campaigns.join(', ') ?? '' });
  const files = h('input', { id: 'report-files', type: 'file', multiple: true });
  const agreements = session.clearance.agreements.map((agreement, i) => {
    const box = h('input', { type: 'checkbox', id: `report-agreement-${i}`, value: agreement.name });
    return { box, element: h('div', { class: 'field check' }, box, h('label', { for: `report-agreement-${i}` }, `${agreement.name} (up to ${agreement.maxTlp.toUpperCase()})`)) };
  });
  const kept = ((current?.attachments as Json[] | undefined) ?? []).map((file, i) => {
    const box = h('input', { type: 'checkbox', id: `report-keep-${i}`, checked: true });
    return { box, file, element: h('div', { class: 'field check' }, box, h('label', { for: `report-keep-${i}` }, `Keep ${file.name} (${fmt.format(file.size)} bytes)`)) };
  });
  const sharing = current
    ? h('p', { class: 'note' }, 'TLP, PAP and sharing stay as published.')
    : h(
        'div',
        {},
        h('div', { class: 'inline-form' }, field('report-tlp', 'TLP', tlp), field('report-pap', 'PAP', pap)),
        investigation
          ? h('p', { class: 'note' }, `Written in investigation ${investigation}: read by its members alone.`)
          : h('fieldset', { class: 'filters' }, h('legend', {}, 'Share under agreements'), ...(agreements.length ? agreements.map((item) => item.element) : [h('p', { class: 'empty' }, 'Your organisation is in no agreement: the report stays with you unless its TLP shares it.')])),
      );
  const feedback = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'stacked-form', 'aria-label': current ? 'Edit the report' : 'Write a report' },
    field('report-title', 'Title', title),
    field('report-summary', 'Summary', summary),
    field('report-body', 'Body (Markdown)', body, 'Headings, emphasis, code, lists, links and quotes. Raw HTML is shown as text; only http, https, mailto and relative links are kept.'),
    sharing,
    field('report-indicators', 'Indicators (pasted text)', indicators, 'Every indicator found in the text is linked, defanged or not.'),
    h('div', { class: 'inline-form' }, field('report-malware', 'Malware', malware, 'comma-separated'), field('report-actors', 'Threat actors', actors, 'comma-separated'), field('report-campaigns', 'Campaigns', campaigns, 'comma-separated')),
    ...(kept.length ? [h('fieldset', { class: 'filters' }, h('legend', {}, 'Attachments of the current version'), ...kept.map((item) => item.element))] : []),
    field('report-files', current ? 'Add attachments' : 'Attachments', files, 'Up to 4 MiB each; readers can only download them.'),
    h('p', {}, h('button', { type: 'submit' }, current ? 'Publish new version' : 'Publish report')),
    feedback,
  );
  onSubmit(form, feedback, async () => {
    const attachments = [...(await Promise.all(kept.filter((item) => item.box.checked).map((item) => keep(editing!, item.file)))), ...(await Promise.all([...(files.files ?? [])].map(readFile)))];
    const content = {
      title: title.value.trim(),
      body: body.value,
      ...(summary.value.trim() ? { summary: summary.value.trim() } : {}),
      ...(indicators.value.trim() ? { indicatorText: indicators.value } : {}),
      ...(names(malware.value).length ? { malware: names(malware.value) } : {}),
      ...(names(actors.value).length ? { actors: names(actors.value) } : {}),
      ...(names(campaigns.value).length ? { campaigns: names(campaigns.value) } : {}),
      ...(attachments.length ? { attachments } : {}),
    };
    let created: Json;
    if (current) created = await api<Json>(`/reports/${editing}/versions`, { body: content });
    else {
      const chosen = agreements.filter((item) => item.box.checked).map((item) => item.box.value);
      created = await api<Json>('/reports', {
        body: {
          ...content,
          tlp: tlp.value,
          ...(pap.value ? { pap: pap.value } : {}),
          ...(chosen.length ? { agreements: chosen } : {}),
          ...(investigation ? { investigation: /^\d+$/.test(investigation) ? Number(investigation) : investigation } : {}),
        },
      });
      if (investigation) {
        try {
          await api(`/investigations/${encodeURIComponent(investigation)}/items`, { body: { kind: 'report', report: created.id } });
        } catch (error) {
          throw new Error(`the report ${created.id} is written, but could not be attached to the case: ${errorText(error)}`);
        }
      }
    }
    const neutralised = (created.neutralised as string[] | undefined) ?? [];
    if (neutralised.length) sessionStorage.setItem('tix-neutralised', neutralised.join('; '));
    location.hash = `#/reports/${created.id}`;
  });
  main.append(section(current ? `Version ${Number(current.latestVersion) + 1}` : 'New report', form));
}
