import { api, type Json } from '../api.ts';
import { date, h, section, status, table } from '../dom.ts';
import { errorText, field, names, onSubmit, WRITER_ROLES } from '../forms.ts';
import type { Session } from '../session.ts';
import { indicatorLink, reportLink } from './reports.ts';

/**
 * When the user last looked at the requests page, kept in this browser only: it decides which answers
 * count as new in the header's badge (a convenience; what the user may read is decided by the server).
 */
const viewedKey = (session: Session): string => `tix-requests-viewed:${session.org.id}:${session.user}`;

export function lastViewed(session: Session): number {
  return Number(localStorage.getItem(viewedKey(session)) ?? 0) || 0;
}

function markViewed(session: Session): void {
  localStorage.setItem(viewedKey(session), String(Date.now()));
}

/** The answers and refusals the other organisation gave to a request we asked, after a moment. */
function repliesSince(rfi: Json, since: number): number {
  return (rfi.thread as Json[]).filter((message) => (message.action === 'answer' || message.action === 'decline') && message.organisation.id === rfi.to.id && Date.parse(message.createdAt) > since).length;
}

/** What needs the user's attention: open requests asked of its organisation, and requests it asked that got an answer since it last looked. */
export async function attentionCount(session: Session): Promise<{ open: number; answered: number }> {
  const [queue, asked] = await Promise.all([api<{ items: Json[] }>('/rfis?role=to&status=open&limit=500'), api<{ items: Json[] }>('/rfis?role=from&limit=500')]);
  const since = lastViewed(session);
  return { open: queue.items.length, answered: asked.items.filter((rfi) => repliesSince(rfi, since) > 0).length };
}

function due(rfi: Json): HTMLElement | string {
  if (!rfi.dueAt) return '–';
  return rfi.overdue ? h('span', { class: 'overdue' }, `${date(rfi.dueAt)} `, h('strong', {}, 'OVERDUE')) : date(rfi.dueAt);
}

export function rfiTable(caption: string, items: Json[], session: Session, since?: number): HTMLTableElement {
  return table(
    caption,
    ['Request', 'Case', 'From', 'To', 'Priority', 'Due', 'Status', 'Updated'],
    items.map((rfi) => [
      h('a', { href: `#/requests/${rfi.id}` }, `#${rfi.id} ${rfi.subject}`),
      h('a', { href: `#/investigations/${rfi.investigation.id}` }, rfi.investigation.caseNumber),
      rfi.from.id === session.org.id ? 'you' : rfi.from.name,
      rfi.to.id === session.org.id ? 'you' : rfi.to.name,
      h('span', { class: `priority-${rfi.priority}` }, rfi.priority),
      due(rfi),
      h('span', {}, rfi.status, since !== undefined && repliesSince(rfi, since) ? h('strong', { class: 'new' }, ' · new reply') : null),
      date(rfi.updatedAt),
    ]),
  );
}

/** Requests for information: the queue asked of the caller's organisation (most urgent first), what it asked, and one request's thread. */
export async function renderRequests(main: HTMLElement, session: Session, path: string[]): Promise<void> {
  if (path[0] && /^\d+$/.test(path[0])) return renderRequest(main, session, Number(path[0]));
  const since = lastViewed(session);
  const [queue, others, asked] = await Promise.all([
    api<{ items: Json[] }>('/rfis?role=to&status=open&limit=500'),
    api<{ items: Json[] }>('/rfis?role=to&limit=500'),
    api<{ items: Json[] }>('/rfis?role=from&limit=500'),
  ]);
  markViewed(session);
  const overdue = queue.items.filter((rfi) => rfi.overdue).length;
  const done = others.items.filter((rfi) => rfi.status !== 'open');
  main.append(
    h('h1', {}, 'Requests for information'),
    section(
      'Asked of us',
      ...(overdue ? [status(`${overdue} request${overdue === 1 ? ' is' : 's are'} overdue.`, 'error')] : []),
      queue.items.length ? rfiTable('Open requests waiting for your answer, most urgent first', queue.items, session) : h('p', { class: 'empty' }, 'No open request is waiting for your answer.'),
      ...(done.length ? [h('details', {}, h('summary', {}, `Answered, declined or closed (${done.length})`), rfiTable('Requests asked of you, no longer open', done, session))] : []),
    ),
    section('We asked', asked.items.length ? rfiTable('Requests your organisation asked', asked.items, session, since) : h('p', { class: 'empty' }, 'Your organisation has asked nothing yet. Requests are asked from an investigation.')),
  );
}

const ACTIONS: Record<string, string> = { ask: 'asked', answer: 'answered', decline: 'declined', comment: 'commented', close: 'closed', reopen: 'reopened' };

async function renderRequest(main: HTMLElement, session: Session, id: number): Promise<void> {
  let rfi: Json;
  try {
    rfi = await api(`/rfis/${id}`);
  } catch (error) {
    main.append(h('p', { class: 'crumbs' }, h('a', { href: '#/requests' }, 'Requests')), h('h1', {}, `Request ${id}`), status(errorText(error), 'error'));
    return;
  }
  const canWrite = WRITER_ROLES.includes(session.role);
  const asked = rfi.to.id === session.org.id;
  const asker = rfi.from.id === session.org.id;
  const reload = (): void => {
    main.replaceChildren();
    // the header's badge counts what this changed
    window.dispatchEvent(new Event('tix-attention'));
    void renderRequest(main, session, id).then(() => main.querySelector('h1')?.focus());
  };
  main.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/requests' }, 'Requests')),
    h('h1', {}, `Request #${rfi.id}: ${rfi.subject}`),
    section(
      'Request',
      h(
        'dl',
        { class: 'facts' },
        ...([
          ['Investigation', h('a', { href: `#/investigations/${rfi.investigation.id}` }, rfi.investigation.caseNumber)],
          ['From', rfi.from.name],
          ['To', rfi.to.name],
          ['Priority', h('span', { class: `priority-${rfi.priority}` }, rfi.priority)],
          ['Due', due(rfi)],
          ['Status', h('span', { 'data-testid': 'rfi-status' }, rfi.status)],
          ['Values', (rfi.values as Json[]).length ? h('ul', { class: 'values' }, ...(rfi.values as Array<{ type?: string; value: string }>).map((value) => h('li', {}, indicatorLink(value)))) : '–'],
        ] as Array<[string, Node | string]>).flatMap(([term, detail]) => [h('dt', {}, term), h('dd', {}, detail)]),
      ),
    ),
    section(
      'Thread',
      h(
        'ol',
        { class: 'thread', 'aria-label': 'Messages, oldest first' },
        ...(rfi.thread as Json[]).map((message) =>
          h(
            'li',
            { class: `action-${message.action}` },
            h('p', { class: 'message-head' }, h('strong', {}, message.organisation.name), ` ${ACTIONS[message.action] ?? message.action} · ${String(message.createdAt).replace('T', ' ').slice(0, 16)} UTC`),
            message.text ? h('p', { class: 'message-text' }, message.text) : null,
            (message.indicators as Json[]).length ? h('p', {}, 'Values: ', ...(message.indicators as Array<{ type: string; value: string }>).flatMap((value, i) => (i ? [', ', indicatorLink(value)] : [indicatorLink(value)]))) : null,
            (message.reports as number[]).length ? h('p', {}, 'Reports: ', ...(message.reports as number[]).flatMap((report, i) => (i ? [', ', reportLink(report)] : [reportLink(report)]))) : null,
          ),
        ),
      ),
    ),
  );
  if (!canWrite) return;
  if (asked && (rfi.status === 'open' || rfi.status === 'answered')) main.append(section('Answer', await answerForm(rfi, reload)));
  if (asked && rfi.status === 'open') main.append(section('Decline', declineForm(rfi, reload)));
  if (rfi.status !== 'closed') main.append(section('Comment', commentForm(rfi, reload)));
  if (asker) {
    const feedback = h('div', { 'aria-live': 'polite' });
    const action = rfi.status === 'closed' ? 'reopen' : 'close';
    const button = h('button', { type: 'button', class: 'secondary' }, rfi.status === 'closed' ? 'Reopen the request' : 'Close the request');
    button.addEventListener('click', () => {
      void api(`/rfis/${id}/${action}`, { body: { text: '' } })
        .then(reload)
        .catch((error: unknown) => feedback.replaceChildren(status(errorText(error), 'error')));
    });
    main.append(h('p', {}, button), feedback);
  }
}

async function answerForm(rfi: Json, reload: () => void): Promise<HTMLFormElement> {
  const reports = await api<{ items: Json[] }>('/reports?limit=100');
  const text = h('textarea', { id: 'answer-text', rows: 5 });
  const values = h('textarea', { id: 'answer-values', rows: 3 });
  const boxes = reports.items.map((report) => {
    const box = h('input', { type: 'checkbox', id: `answer-report-${report.id}`, value: String(report.id) });
    return { box, element: h('div', { class: 'field check' }, box, h('label', { for: `answer-report-${report.id}` }, `#${report.id} ${report.title} (${report.owner.name})`)) };
  });
  const feedback = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'stacked-form', 'aria-label': 'Answer the request' },
    field('answer-text', 'Your answer', text),
    field('answer-values', 'Values', values, 'Indicators to give with the answer, one per line or comma-separated.'),
    h('fieldset', { class: 'filters' }, h('legend', {}, 'Reports to link (the asker must be able to read them)'), ...(boxes.length ? boxes.map((item) => item.element) : [h('p', { class: 'empty' }, 'No report you may read.')])),
    h('p', {}, h('button', { type: 'submit' }, 'Send answer')),
    feedback,
  );
  onSubmit(form, feedback, async () => {
    await api(`/rfis/${rfi.id}/answer`, {
      body: { text: text.value.trim(), indicators: names(values.value).map((value) => ({ value })), reports: boxes.filter((item) => item.box.checked).map((item) => Number(item.box.value)) },
    });
    reload();
  });
  return form;
}

function declineForm(rfi: Json, reload: () => void): HTMLFormElement {
  const reason = h('textarea', { id: 'decline-reason', rows: 3, required: true });
  const feedback = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'stacked-form', 'aria-label': 'Decline the request' }, field('decline-reason', 'Reason', reason), h('p', {}, h('button', { type: 'submit', class: 'danger' }, 'Decline')), feedback);
  onSubmit(form, feedback, async () => {
    await api(`/rfis/${rfi.id}/decline`, { body: { text: reason.value.trim() } });
    reload();
  });
  return form;
}

function commentForm(rfi: Json, reload: () => void): HTMLFormElement {
  const text = h('textarea', { id: 'comment-text', rows: 2, required: true });
  const feedback = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'stacked-form', 'aria-label': 'Comment on the request' }, field('comment-text', 'Your comment', text), h('p', {}, h('button', { type: 'submit', class: 'secondary' }, 'Add comment')), feedback);
  onSubmit(form, feedback, async () => {
    await api(`/rfis/${rfi.id}/comment`, { body: { text: text.value.trim() } });
    reload();
  });
  return form;
}
