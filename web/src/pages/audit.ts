import { api, query, type Json } from '../api.ts';
import { h, section, status, table } from '../dom.ts';
import type { Session } from '../session.ts';

/** The audit log, newest first and filterable by action, with the result of verifying its hash chain. */
export async function renderAudit(main: HTMLElement, _session: Session, _path: string[], params: URLSearchParams): Promise<void> {
  const action = h('input', { id: 'audit-action', name: 'action', value: params.get('action') ?? '', placeholder: 'read:indicators' });
  const filter = h('form', { class: 'inline-form', role: 'search', 'aria-label': 'Audit log' }, h('div', { class: 'field' }, h('label', { for: 'audit-action' }, 'Action starts with'), action), h('button', { type: 'submit' }, 'Filter'));
  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/audit${query({ action: action.value.trim() })}`;
  });
  const log = await api<Json>(`/audit${query({ action: params.get('action') ?? undefined, limit: '200' })}`);
  const chain = log.verification as Json;
  main.append(
    h('h1', {}, 'Audit log'),
    chain.intact
      ? status(`Hash chain verified: all ${chain.entries} entries intact.`)
      : status(`Hash chain BROKEN at entry ${chain.brokenAt}: ${chain.reason}`, 'error'),
    filter,
    section(
      'Entries',
      table(
        `The latest ${log.items.length} entries${params.get('action') ? ` whose action starts with ${params.get('action')}` : ''}`,
        ['#', 'When', 'Organisation', 'User', 'Key', 'Action', 'Target', 'Items', 'Detail'],
        (log.items as Json[]).map((entry) => [
          entry.seq,
          String(entry.at).replace('T', ' ').slice(0, 19),
          entry.org?.name ?? '',
          entry.user?.name ?? '',
          entry.key ?? '',
          entry.action,
          h('code', {}, entry.target),
          entry.count ?? '',
          h('code', { class: 'detail' }, JSON.stringify(entry.detail)),
        ]),
      ),
    ),
  );
}
