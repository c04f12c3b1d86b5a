import type { OutcomeKind, RfiPriority, RfiStatus } from '../../investigations/rules.ts';
import type { IndicatorType, Pap, Tlp } from '../../model/index.ts';
import type { Investigation, InvestigationItem, ItemKind, NewInvestigation, Outcome, Rfi, RfiMessage, RfiQuery } from '../investigations.ts';

/** Rows of case work as both backends read them, and what they stand for. */

export interface InvestigationRow {
  id: number;
  org_id: number;
  org_name: string;
  case_number: string;
  title: string;
  countries: string;
  lead_officer: string | null;
  tlp: string;
  pap: string | null;
  created_at: number;
}

export const INVESTIGATION_SELECT = `SELECT i.id, i.org_id, o.name AS org_name, i.case_number, i.title, i.countries, i.lead_officer, i.tlp, i.pap, i.created_at
  FROM investigations i JOIN organisations o ON o.id = i.org_id`;

/** "org is a member of investigation i": part of every read, so nothing of an investigation reaches anyone else. */
export const MEMBER_OF = (alias: string): string => `EXISTS (SELECT 1 FROM investigation_members m WHERE m.investigation_id = ${alias} AND m.org_id = ?)`;

/** The member organisations of the investigations `where` picks (over investigation_members m), in id order. */
export const membersSelect = (where: string): string =>
  `SELECT m.investigation_id, o.id, o.name FROM investigation_members m JOIN organisations o ON o.id = m.org_id WHERE ${where} ORDER BY o.id`;

/** An investigation's columns and markers, and its values in their order. */
export const INVESTIGATION_COLUMNS = '(org_id, case_number, title, countries, lead_officer, tlp, pap, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';
export const investigationParams = (investigation: NewInvestigation): unknown[] => [
  investigation.org,
  investigation.caseNumber,
  investigation.title,
  investigation.countries.join(','),
  investigation.leadOfficer ?? null,
  investigation.tlp,
  investigation.pap ?? null,
  investigation.createdAt,
];

export const MEMBERS_SELECT = membersSelect('m.investigation_id = ?');

export interface MemberRow {
  investigation_id: number;
  id: number;
  name: string;
}

export function toInvestigation(row: InvestigationRow, members: readonly MemberRow[]): Investigation {
  return {
    id: row.id,
    org: row.org_id,
    orgName: row.org_name,
    caseNumber: row.case_number,
    title: row.title,
    countries: row.countries ? row.countries.split(',') : [],
    ...(row.lead_officer === null ? {} : { leadOfficer: row.lead_officer }),
    tlp: row.tlp as Tlp,
    ...(row.pap === null ? {} : { pap: row.pap as Pap }),
    createdAt: row.created_at,
    members: members.map((member) => ({ id: member.id, name: member.name })),
  };
}

export interface ItemRow {
  id: number;
  kind: string;
  type: string | null;
  value: string | null;
  report_id: number | null;
  report_title: string | null;
  data: string | null;
  note: string | null;
  org_id: number;
  org_name: string;
  created_at: number;
}

export const ITEMS_SELECT = `SELECT it.id, it.kind, it.type, it.value, it.report_id, v.title AS report_title, it.data, it.note, it.org_id, o.name AS org_name, it.created_at
  FROM investigation_items it JOIN organisations o ON o.id = it.org_id
    LEFT JOIN reports r ON r.id = it.report_id LEFT JOIN report_versions v ON v.report_id = r.id AND v.version = r.version
  WHERE it.investigation_id = ? ORDER BY it.id`;

export function toItem(row: ItemRow): InvestigationItem {
  return {
    id: row.id,
    kind: row.kind as ItemKind,
    ...(row.type !== null && row.value !== null ? { indicator: { type: row.type as IndicatorType, value: row.value } } : {}),
    ...(row.report_id !== null ? { report: { id: row.report_id, title: row.report_title ?? '' } } : {}),
    ...(row.data !== null ? { data: JSON.parse(row.data) as unknown } : {}),
    ...(row.note !== null ? { note: row.note } : {}),
    org: row.org_id,
    orgName: row.org_name,
    createdAt: row.created_at,
  };
}

export interface RfiRow {
  id: number;
  investigation_id: number;
  case_number: string;
  from_org_id: number;
  from_name: string;
  to_org_id: number;
  to_name: string;
  subject: string;
  values: string;
  priority: string;
  due_at: number | null;
  status: string;
  created_at: number;
  updated_at: number;
}

export const RFI_SELECT = `SELECT r.id, r.investigation_id, i.case_number, r.from_org_id, fo.name AS from_name, r.to_org_id, tor.name AS to_name, r.subject,
    r."values", r.priority, r.due_at, r.status, r.created_at, r.updated_at
  FROM rfis r JOIN investigations i ON i.id = r.investigation_id JOIN organisations fo ON fo.id = r.from_org_id JOIN organisations tor ON tor.id = r.to_org_id`;

/** Requests in the order of a queue: the most urgent, then the soonest due, then the oldest. */
export const RFI_ORDER = "ORDER BY CASE r.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END, coalesce(r.due_at, 9e15), r.id";

/** Who may read a request (alias r): the members of its investigation; no organisation (the operator) reads every one. */
export function rfiMember(org: number | undefined): { sql: string; params: unknown[] } {
  return org === undefined ? { sql: '1 = 1', params: [] } : { sql: MEMBER_OF('r.investigation_id'), params: [org] };
}

/** listRfis as one statement: the reader's requests, filtered, in queue order, the limit last. */
export function rfiListQuery(query: RfiQuery): { sql: string; params: unknown[] } {
  const visible = rfiMember(query.org);
  const where: string[] = [visible.sql];
  const params: unknown[] = [...visible.params];
  if (query.role) {
    where.push(query.role === 'to' ? 'r.to_org_id = ?' : 'r.from_org_id = ?');
    params.push(query.org);
  }
  if (query.status) {
    where.push('r.status = ?');
    params.push(query.status);
  }
  if (query.investigation !== undefined) {
    where.push('r.investigation_id = ?');
    params.push(query.investigation);
  }
  if (query.overdueAt !== undefined) {
    // as isOverdue decides it, inside the query so the limit applies to overdue requests alone
    where.push("r.status = 'open' AND r.due_at IS NOT NULL AND r.due_at < ?");
    params.push(query.overdueAt);
  }
  return { sql: `${RFI_SELECT} WHERE ${where.join(' AND ')} ${RFI_ORDER} LIMIT ?`, params: [...params, query.limit] };
}

export function toRfi(row: RfiRow, thread: RfiMessage[]): Rfi {
  return {
    id: row.id,
    investigation: row.investigation_id,
    caseNumber: row.case_number,
    from: row.from_org_id,
    fromName: row.from_name,
    to: row.to_org_id,
    toName: row.to_name,
    subject: row.subject,
    values: JSON.parse(row.values) as Rfi['values'],
    priority: row.priority as RfiPriority,
    ...(row.due_at === null ? {} : { dueAt: row.due_at }),
    status: row.status as RfiStatus,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    thread,
  };
}

export interface RfiMessageRow {
  rfi_id: number;
  id: number;
  org_id: number;
  org_name: string;
  action: string;
  text: string;
  indicators: string;
  report_ids: string;
  created_at: number;
}

/** The messages of the requests `where` picks (over rfi_messages m), each with its request's id, in order. */
export const threadSelect = (where: string): string => `SELECT m.rfi_id, m.id, m.org_id, o.name AS org_name, m.action, m.text, m.indicators, m.report_ids, m.created_at
  FROM rfi_messages m JOIN organisations o ON o.id = m.org_id WHERE ${where} ORDER BY m.id`;

export const THREAD_SELECT = threadSelect('m.rfi_id = ?');

export function toRfiMessage(row: RfiMessageRow): RfiMessage {
  return {
    id: row.id,
    org: row.org_id,
    orgName: row.org_name,
    action: row.action as RfiMessage['action'],
    text: row.text,
    indicators: JSON.parse(row.indicators) as RfiMessage['indicators'],
    reports: JSON.parse(row.report_ids) as number[],
    createdAt: row.created_at,
  };
}

export interface OutcomeRow {
  id: number;
  org_id: number;
  org_name: string;
  kind: string;
  type: string | null;
  value: string | null;
  report_id: number | null;
  note: string | null;
  occurred_at: number;
  created_at: number;
}

/**
 * Outcomes readable by `org`: those it recorded, and those on what it owns (a value one of its sources
 * reports, one of its reports); the operator (no org) reads all.
 */
export function outcomesQuery(where: string, params: unknown[], org: number | undefined): { sql: string; params: unknown[] } {
  const visible =
    org === undefined
      ? { sql: '1 = 1', params: [] as unknown[] }
      : {
          sql: `(o.org_id = ?
            OR (o.indicator_id IS NOT NULL AND EXISTS (SELECT 1 FROM observations ob JOIN sources s ON s.id = ob.source_id JOIN distributions d ON d.id = s.distribution_id
                  WHERE ob.indicator_id = o.indicator_id AND d.owner_org_id = ?))
            OR (o.report_id IS NOT NULL AND EXISTS (SELECT 1 FROM reports r WHERE r.id = o.report_id AND r.owner_org_id = ?)))`,
          params: [org, org, org],
        };
  return {
    sql: `SELECT o.id, o.org_id, org.name AS org_name, o.kind, i.type, i.value, o.report_id, o.note, o.occurred_at, o.created_at
      FROM outcomes o JOIN organisations org ON org.id = o.org_id LEFT JOIN indicators i ON i.id = o.indicator_id
      WHERE ${where} AND ${visible.sql} ORDER BY o.id`,
    params: [...params, ...visible.params],
  };
}

export function toOutcome(row: OutcomeRow): Outcome {
  return {
    id: row.id,
    org: row.org_id,
    orgName: row.org_name,
    kind: row.kind as OutcomeKind,
    ...(row.type !== null && row.value !== null ? { indicator: { type: row.type as IndicatorType, value: row.value } } : {}),
    ...(row.report_id !== null ? { report: row.report_id } : {}),
    ...(row.note !== null ? { note: row.note } : {}),
    occurredAt: row.occurred_at,
    createdAt: row.created_at,
  };
}
