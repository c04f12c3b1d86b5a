import { api, type Json } from '../api.ts';
import { date, h, section, status, table, tlpBadge } from '../dom.ts';
import { errorText, field, names, onSubmit, PAPS, select, TLPS, WRITER_ROLES } from '../forms.ts';
import type { Session } from '../session.ts';
import { indicatorLink, papLabel, reportLink } from './reports.ts';
import { rfiTable } from './requests.ts';

const POLICE = ['international-police', 'regional-police', 'national-police'];

/** Investigations: the cases the caller's organisation is a member of, one case with its items, members and requests, and opening one (police). */
export async function renderInvestigations(main: HTMLElement, session: Session, path: string[]): Promise<void> {
  if (path[0]) return renderCase(main, session, path[0]);
  const [cases, orgs] = await Promise.all([api<{ items: Json[] }>('/investigations'), api<{ items: Json[] }>('/organisations')]);
  const mine = orgs.items.find((org) => org.id === session.org.id);
  const mayOpen = mine !== undefined && POLICE.includes(mine.kind) && WRITER_ROLES.includes(session.role);
  main.append(
    h('h1', {}, 'Investigations'),
    section(
      'Cases your organisation is a member of',
      cases.items.length
        ? table(
            `${cases.items.length} investigation${cases.items.length === 1 ? '' : 's'}`,
            ['Case number', 'Title', 'Opened by', 'Countries', 'Lead officer', 'TLP', 'Members', 'Opened'],
            cases.items.map((item) => [
              h('a', { href: `#/investigations/${item.id}` }, item.caseNumber),
              item.title,
              item.organisation.name,
              (item.countries as string[]).join(', '),
              item.leadOfficer ?? '',
              tlpBadge(item.tlp),
              (item.members as Json[]).map((member) => member.name).join(', '),
              date(item.createdAt),
            ]),
          )
        : h('p', { class: 'empty' }, 'Your organisation is a member of no investigation.'),
    ),
  );
  if (mayOpen) main.append(section('Open an investigation', openForm(session, orgs.items)));
}

function openForm(session: Session, orgs: Json[]): HTMLFormElement {
  const caseNumber = h('input', { id: 'case-number', required: true, maxlength: '100' });
  const title = h('input', { id: 'case-title', required: true, maxlength: '500', size: 50 });
  const countries = h('input', { id: 'case-countries', size: 12, pattern: '\\s*[A-Za-z]{2}(\\s*,\\s*[A-Za-z]{2})*\\s*' });
  const lead = h('input', { id: 'case-lead', maxlength: '200' });
  const tlp = select('case-tlp', TLPS, 'amber');
  const pap = select('case-pap', [['', 'none'], ...PAPS.map((level): [string, string] => [level, level])], '');
  const others = orgs.filter((org) => org.id !== session.org.id && org.id !== 1);
  const boxes = others.map((org) => {
    const box = h('input', { type: 'checkbox', id: `case-member-${org.id}`, value: String(org.id) });
    return { box, element: h('div', { class: 'field check' }, box, h('label', { for: `case-member-${org.id}` }, org.name)) };
  });
  const feedback = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'stacked-form', 'aria-label': 'Open an investigation' },
    h('div', { class: 'inline-form' }, field('case-number', 'Case number', caseNumber), field('case-title', 'Title', title)),
    h('div', { class: 'inline-form' }, field('case-countries', 'Countries', countries, 'ISO codes, comma-separated'), field('case-lead', 'Lead officer', lead), field('case-tlp', 'TLP', tlp), field('case-pap', 'PAP', pap)),
    h('fieldset', { class: 'filters' }, h('legend', {}, 'Invite organisations'), ...boxes.map((item) => item.element)),
    h('p', {}, h('button', { type: 'submit' }, 'Open investigation')),
    feedback,
  );
  onSubmit(form, feedback, async () => {
    const opened = await api<Json>('/investigations', {
      body: {
        caseNumber: caseNumber.value.trim(),
        title: title.value.trim(),
        countries: names(countries.value).map((code) => code.toUpperCase()),
        ...(lead.value.trim() ? { leadOfficer: lead.value.trim() } : {}),
        tlp: tlp.value,
        ...(pap.value ? { pap: pap.value } : {}),
        members: boxes.filter((item) => item.box.checked).map((item) => Number(item.box.value)),
      },
    });
    location.hash = `#/investigations/${opened.id}`;
  });
  return form;
}

function itemView(item: Json): HTMLElement | string {
  if (item.kind === 'indicator') return indicatorLink(item.indicator);
  if (item.kind === 'report') return reportLink(item.report.id, item.report.title);
  // evidence as given: formatted JSON, as text
  const pre = h('pre', { class: 'json', tabindex: '0', 'aria-label': 'Finding (JSON)' });
  pre.textContent = JSON.stringify(item.data, null, 2);
  return pre;
}

async function renderCase(main: HTMLElement, session: Session, ref: string): Promise<void> {
  let investigation: Json;
  try {
    investigation = await api(`/investigations/${encodeURIComponent(ref)}`);
  } catch (error) {
    main.append(h('p', { class: 'crumbs' }, h('a', { href: '#/investigations' }, 'Investigations')), h('h1', {}, `Investigation ${ref}`), status(errorText(error), 'error'));
    return;
  }
  const id = investigation.id as number;
  const [items, rfis, orgs, reports] = await Promise.all([
    api<{ items: Json[] }>(`/investigations/${id}/items`),
    api<{ items: Json[] }>(`/rfis?investigation=${id}`),
    api<{ items: Json[] }>('/organisations'),
    api<{ items: Json[] }>('/reports?limit=100'),
  ]);
  const canWrite = WRITER_ROLES.includes(session.role);
  const opener = investigation.organisation.id === session.org.id;
  const members = investigation.members as Json[];
  const reload = (): void => {
    main.replaceChildren();
    void renderCase(main, session, String(id)).then(() => main.querySelector('h1')?.focus());
  };
  const byKind = (kind: string): Json[] => items.items.filter((item) => item.kind === kind);
  const itemTable = (kind: string, caption: string, header: string): HTMLElement => {
    const found = byKind(kind);
    return found.length
      ? table(caption, [header, 'Note', 'Added by', 'Added'], found.map((item) => [itemView(item), item.note ?? '', item.addedBy.name, date(item.createdAt)]))
      : h('p', { class: 'empty' }, `No ${header.toLowerCase()}s yet.`);
  };

  main.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/investigations' }, 'Investigations')),
    h('h1', { class: 'value-title' }, `${investigation.caseNumber}: ${investigation.title}`, ' ', tlpBadge(investigation.tlp)),
    h('p', { class: 'note' }, 'Everything in an investigation is read by its members alone, whatever its own TLP; every read is logged.'),
    section(
      'Case',
      h(
        'dl',
        { class: 'facts' },
        ...([
          ['Case number', investigation.caseNumber],
          ['Opened by', investigation.organisation.name],
          ['Countries', (investigation.countries as string[]).join(', ') || '–'],
          ['Lead officer', investigation.leadOfficer ?? '–'],
          ['TLP', tlpBadge(investigation.tlp)],
          ['PAP', papLabel(investigation.pap)],
          ['Opened', date(investigation.createdAt)],
        ] as Array<[string, Node | string]>).flatMap(([term, detail]) => [h('dt', {}, term), h('dd', {}, detail)]),
      ),
    ),
    section(
      'Members',
      h('ul', { 'aria-label': 'Member organisations' }, ...members.map((member) => h('li', {}, member.name, member.id === investigation.organisation.id ? ' (opened the case)' : ''))),
      ...(opener && canWrite ? [inviteForm(id, orgs.items.filter((org) => org.id !== 1 && !members.some((member) => member.id === org.id)), reload)] : []),
    ),
    section('Findings', itemTable('finding', 'Evidence findings, oldest first', 'Finding')),
    section('Indicators', itemTable('indicator', 'Values attached to the case', 'Indicator')),
    section(
      'Reports',
      itemTable('report', 'Reports attached to the case', 'Report'),
      ...(canWrite ? [h('p', {}, h('a', { href: `#/reports/new?investigation=${id}` }, 'Write a report in this investigation'))] : []),
    ),
    ...(canWrite ? [section('Add to the case', addItemForm(id, reports.items, reload))] : []),
    section('Requests for information', rfis.items.length ? rfiTable('Requests of this investigation', rfis.items, session) : h('p', { class: 'empty' }, 'No requests yet.')),
    ...(canWrite ? [section('Ask a member', askForm(id, members.filter((member) => member.id !== session.org.id)))] : []),
  );
}

function inviteForm(id: number, candidates: Json[], reload: () => void): HTMLElement {
  if (!candidates.length) return h('p', { class: 'empty' }, 'Every organisation is a member.');
  const org = select('invite-org', candidates.map((item): [string, string] => [String(item.id), item.name]));
  const feedback = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'inline-form', 'aria-label': 'Invite an organisation' }, field('invite-org', 'Organisation', org), h('button', { type: 'submit' }, 'Invite'), feedback);
  onSubmit(form, feedback, async () => {
    await api(`/investigations/${id}/members`, { body: { organisations: [Number(org.value)] } });
    reload();
  });
  return form;
}

function addItemForm(id: number, reports: Json[], reload: () => void): HTMLElement {
  const kind = select('item-kind', [['indicator', 'an indicator'], ['report', 'a report'], ['finding', 'a finding (JSON)']]);
  const value = h('textarea', { id: 'item-value', rows: 3 });
  const report = select('item-report', reports.map((item): [string, string] => [String(item.id), `#${item.id} ${item.title}`]));
  const note = h('input', { id: 'item-note', size: 40, maxlength: '5000' });
  const valueField = field('item-value', 'Value, or the finding as JSON', value);
  const reportField = field('item-report', 'Report', report);
  const sync = (): void => {
    reportField.hidden = kind.value !== 'report';
    valueField.hidden = kind.value === 'report';
  };
  kind.addEventListener('change', sync);
  sync();
  const feedback = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'stacked-form', 'aria-label': 'Add to the case' }, h('div', { class: 'inline-form' }, field('item-kind', 'Add', kind), field('item-note', 'Note', note)), valueField, reportField, h('p', {}, h('button', { type: 'submit' }, 'Add to the case')), feedback);
  onSubmit(form, feedback, async () => {
    const extra = note.value.trim() ? { note: note.value.trim() } : {};
    if (kind.value === 'report') {
      if (!report.value) throw new Error('no report you may read to attach');
      await api(`/investigations/${id}/items`, { body: { kind: 'report', report: Number(report.value), ...extra } });
    } else if (kind.value === 'finding') {
      let data: unknown;
      try {
        data = JSON.parse(value.value);
      } catch (error) {
        throw new Error(`the finding is not JSON: ${errorText(error)}`);
      }
      await api(`/investigations/${id}/items`, { body: { kind: 'finding', data, ...extra } });
    } else {
      for (const line of names(value.value)) await api(`/investigations/${id}/items`, { body: { kind: 'indicator', value: line, ...extra } });
    }
    reload();
  });
  return form;
}

function askForm(id: number, members: Json[]): HTMLElement {
  if (!members.length) return h('p', { class: 'empty' }, 'Invite an organisation first: requests go to members.');
  const to = select('rfi-to', members.map((member): [string, string] => [String(member.id), member.name]));
  const subject = h('input', { id: 'rfi-subject', required: true, maxlength: '500', size: 50 });
  const question = h('textarea', { id: 'rfi-question', rows: 4, required: true });
  const values = h('textarea', { id: 'rfi-values', rows: 3 });
  const priority = select('rfi-priority', ['low', 'normal', 'high', 'urgent'], 'normal');
  const due = h('input', { id: 'rfi-due', type: 'date' });
  const feedback = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'stacked-form', 'aria-label': 'Ask a member' },
    h('div', { class: 'inline-form' }, field('rfi-to', 'Ask', to), field('rfi-subject', 'Subject', subject), field('rfi-priority', 'Priority', priority), field('rfi-due', 'Due', due)),
    field('rfi-question', 'Question', question),
    field('rfi-values', 'Values asked about', values, 'One per line or comma-separated: IPs, domains, hashes, wallets…'),
    h('p', {}, h('button', { type: 'submit' }, 'Send request')),
    feedback,
  );
  onSubmit(form, feedback, async () => {
    const created = await api<Json>(`/investigations/${id}/rfis`, {
      body: {
        to: Number(to.value),
        subject: subject.value.trim(),
        question: question.value.trim(),
        values: names(values.value).map((value) => ({ value })),
        priority: priority.value,
        // the end of the chosen day, in UTC
        ...(due.value ? { dueAt: `${due.value}T23:59:59Z` } : {}),
      },
    });
    location.hash = `#/requests/${created.id}`;
  });
  return form;
}
