import type Database from 'better-sqlite3';
import { ConflictError, TixError } from '../../errors.ts';
import type { IndicatorType, Pap, Tlp } from '../../model/index.ts';
import type { Investigation, InvestigationItem, InvestigationStore, ItemKind } from '../investigations.ts';
import { sqliteRfis } from './rfis.ts';

interface InvestigationRow {
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

interface ItemRow {
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

const SELECT = `SELECT i.id, i.org_id, o.name AS org_name, i.case_number, i.title, i.countries, i.lead_officer, i.tlp, i.pap, i.created_at
  FROM investigations i JOIN organisations o ON o.id = i.org_id`;

/** "org is a member of investigation i": part of every read, so nothing of an investigation reaches anyone else. */
export const MEMBER_OF = (alias: string): string => `EXISTS (SELECT 1 FROM investigation_members m WHERE m.investigation_id = ${alias} AND m.org_id = ?)`;

/** Investigations and their items in SQLite; requests and outcomes in rfis.ts. */
export function sqliteInvestigations(db: Database.Database): InvestigationStore {
  const toInvestigation = (row: InvestigationRow): Investigation => ({
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
    members: db
      .prepare('SELECT o.id, o.name FROM investigation_members m JOIN organisations o ON o.id = m.org_id WHERE m.investigation_id = ? ORDER BY o.id')
      .all(row.id) as Array<{ id: number; name: string }>,
  });

  const find = (ref: number | string, org?: number): Investigation | undefined => {
    const member = org === undefined ? '1' : MEMBER_OF('i.id');
    // a case number of an investigation the reader is a member of: its own first, should another's have the same number
    const key = typeof ref === 'number' ? 'i.id = ?' : 'i.case_number = ?';
    const order = org === undefined ? 'i.id' : 'i.org_id <> ?, i.id';
    const row = db.prepare(`${SELECT} WHERE ${key} AND ${member} ORDER BY ${order} LIMIT 1`).get(ref, ...(org === undefined ? [] : [org, org])) as
      | InvestigationRow
      | undefined;
    return row && toInvestigation(row);
  };

  const requireCase = (id: number, org?: number): Investigation => {
    const found = find(id, org);
    if (!found) throw new TixError('TIX_CASE_UNKNOWN', `no investigation ${id} that you are a member of`);
    return found;
  };

  return {
    async openInvestigation(investigation) {
      return db.transaction(() => {
        if (db.prepare('SELECT 1 FROM investigations WHERE org_id = ? AND case_number = ?').get(investigation.org, investigation.caseNumber)) {
          throw new ConflictError(`your organisation already has an investigation "${investigation.caseNumber}"`);
        }
        const id = Number(
          db
            .prepare('INSERT INTO investigations (org_id, case_number, title, countries, lead_officer, tlp, pap, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
            .run(
              investigation.org,
              investigation.caseNumber,
              investigation.title,
              investigation.countries.join(','),
              investigation.leadOfficer ?? null,
              investigation.tlp,
              investigation.pap ?? null,
              investigation.createdAt,
            ).lastInsertRowid,
        );
        db.prepare('INSERT INTO investigation_members (investigation_id, org_id, added_at) VALUES (?, ?, ?)').run(id, investigation.org, investigation.createdAt);
        return requireCase(id);
      }).immediate();
    },

    async getInvestigation(ref, org) {
      return find(ref, org);
    },

    async listInvestigations(org) {
      const rows = (
        org === undefined ? db.prepare(`${SELECT} ORDER BY i.id DESC`).all() : db.prepare(`${SELECT} WHERE ${MEMBER_OF('i.id')} ORDER BY i.id DESC`).all(org)
      ) as InvestigationRow[];
      return rows.map(toInvestigation);
    },

    async inviteMembers(id, by, orgs, at) {
      return db.transaction(() => {
        const investigation = requireCase(id, by);
        if (by !== undefined && investigation.org !== by) throw new TixError('TIX_CASE_DENIED', 'only the organisation that opened the investigation invites members');
        for (const org of orgs) {
          if (!db.prepare('SELECT 1 FROM organisations WHERE id = ?').get(org)) throw new TixError('TIX_NOT_FOUND', `no organisation ${org}`);
          db.prepare('INSERT OR IGNORE INTO investigation_members (investigation_id, org_id, added_at) VALUES (?, ?, ?)').run(id, org, at);
        }
        return requireCase(id);
      }).immediate();
    },

    async addItem(id, item, by, at) {
      return db.transaction(() => {
        requireCase(id, by.org);
        const row = {
          type: item.kind === 'indicator' ? item.indicator.type : null,
          value: item.kind === 'indicator' ? item.indicator.value : null,
          report: item.kind === 'report' ? item.report : null,
          data: item.kind === 'finding' ? JSON.stringify(item.data) : null,
        };
        if (row.report !== null && !db.prepare('SELECT 1 FROM reports WHERE id = ?').get(row.report)) throw new TixError('TIX_REPORT_BAD_REF', `no report ${row.report}`);
        const itemId = Number(
          db
            .prepare('INSERT INTO investigation_items (investigation_id, kind, type, value, report_id, data, note, org_id, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
            .run(id, item.kind, row.type, row.value, row.report, row.data, item.note ?? null, by.org, by.user ?? null, at).lastInsertRowid,
        );
        return items(id).find((found) => found.id === itemId)!;
      }).immediate();
    },

    async listItems(id, org) {
      requireCase(id, org);
      return items(id);
    },

    ...sqliteRfis(db, find),
  };

  function items(id: number): InvestigationItem[] {
    const rows = db
      .prepare(
        `SELECT it.id, it.kind, it.type, it.value, it.report_id, v.title AS report_title, it.data, it.note, it.org_id, o.name AS org_name, it.created_at
         FROM investigation_items it JOIN organisations o ON o.id = it.org_id
           LEFT JOIN reports r ON r.id = it.report_id LEFT JOIN report_versions v ON v.report_id = r.id AND v.version = r.version
         WHERE it.investigation_id = ? ORDER BY it.id`,
      )
      .all(id) as ItemRow[];
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind as ItemKind,
      ...(row.type !== null && row.value !== null ? { indicator: { type: row.type as IndicatorType, value: row.value } } : {}),
      ...(row.report_id !== null ? { report: { id: row.report_id, title: row.report_title ?? '' } } : {}),
      ...(row.data !== null ? { data: JSON.parse(row.data) as unknown } : {}),
      ...(row.note !== null ? { note: row.note } : {}),
      org: row.org_id,
      orgName: row.org_name,
      createdAt: row.created_at,
    }));
  }
}
