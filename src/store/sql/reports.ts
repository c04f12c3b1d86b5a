import type { Pap, Tlp } from '../../model/index.ts';
import type { AttachmentMeta, ReportLinks } from '../../reports/report.ts';
import { InputError } from '../../errors.ts';
import type { Report, ReportQuery, ReportReader } from '../reports.ts';
import { distributionVisibility, type Visibility } from './visibility.ts';

/** A report version as both backends read it: the report row joined with one of its versions. */
export interface ReportRow {
  id: number;
  stix_id: string;
  owner_org_id: number;
  owner_name: string;
  distribution_id: number;
  tlp: string;
  pap: string | null;
  investigation_id: number | null;
  latest: number;
  created_at: number;
  updated_at: number;
  version: number;
  title: string;
  summary: string | null;
  body: string;
  published_at: number;
  links: string;
  attachments: string;
}

export const REPORT_SELECT = `SELECT r.id, r.stix_id, r.owner_org_id, org.name AS owner_name, r.distribution_id, r.tlp, r.pap, r.investigation_id,
    r.version AS latest, r.created_at, r.updated_at, v.version, v.title, v.summary, v.body, v.published_at, v.links, v.attachments
  FROM reports r JOIN organisations org ON org.id = r.owner_org_id JOIN report_versions v ON v.report_id = r.id`;

export function toReport(row: ReportRow): Report {
  return {
    id: row.id,
    stixId: row.stix_id,
    owner: row.owner_org_id,
    ownerName: row.owner_name,
    tlp: row.tlp as Tlp,
    ...(row.pap === null ? {} : { pap: row.pap as Pap }),
    distribution: row.distribution_id,
    ...(row.investigation_id === null ? {} : { investigation: row.investigation_id }),
    version: row.version,
    latestVersion: row.latest,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    title: row.title,
    ...(row.summary === null ? {} : { summary: row.summary }),
    body: row.body,
    publishedAt: row.published_at,
    links: JSON.parse(row.links) as ReportLinks,
    attachments: JSON.parse(row.attachments) as AttachmentMeta[],
  };
}

/**
 * The predicate "the reader may read report r": a report of an
 * investigation by its members alone; any other by the sharing rules over
 * its distribution and TLP, as data is. Part of every query.
 */
export function readableReport(reader: ReportReader | undefined, alias = 'r'): Visibility {
  if (!reader) return { sql: '1 = 1', params: [] };
  const shared = distributionVisibility(reader.clearance, alias);
  return {
    sql: `((${alias}.investigation_id IS NULL AND (${alias}.owner_org_id = ? OR ${shared.sql}))
      OR (${alias}.investigation_id IS NOT NULL AND EXISTS (SELECT 1 FROM investigation_members m WHERE m.investigation_id = ${alias}.investigation_id AND m.org_id = ?)))`,
    params: [reader.org, ...shared.params, reader.org],
  };
}

/** listReports as one statement: the latest versions the reader may read, newest first, one more than the page. */
export function reportListQuery(query: ReportQuery): { sql: string; params: unknown[] } {
  const where: string[] = ['v.version = r.version'];
  const params: unknown[] = [];
  if (query.investigation !== undefined) {
    where.push('r.investigation_id = ?');
    params.push(query.investigation);
  }
  if (query.indicator) {
    where.push('r.id IN (SELECT ri.report_id FROM report_indicators ri WHERE ri.value = ? AND ri.type = ?)');
    params.push(query.indicator.value, query.indicator.type);
  }
  if (query.after !== undefined) {
    if (!/^\d{1,15}$/.test(query.after)) throw new InputError('TIX_QUERY_INVALID', `not a cursor this store issued: "${query.after.slice(0, 40)}"`);
    where.push('r.id < ?');
    params.push(Number(query.after));
  }
  const visible = readableReport(query.reader);
  where.push(visible.sql);
  params.push(...visible.params);
  return { sql: `${REPORT_SELECT} WHERE ${where.join(' AND ')} ORDER BY r.id DESC LIMIT ?`, params: [...params, query.limit + 1] };
}

/** A page of reports from reportListQuery's rows: `next` when one more row came back. */
export function reportPage(rows: ReportRow[], limit: number): { items: Report[]; next?: string } {
  const more = rows.length > limit;
  const items = rows.slice(0, limit).map(toReport);
  const last = items[items.length - 1];
  return more && last ? { items, next: String(last.id) } : { items };
}
