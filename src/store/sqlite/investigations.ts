import type Database from 'better-sqlite3';
import { ConflictError, TixError } from '../../errors.ts';
import type { Investigation, InvestigationItem, InvestigationStore } from '../investigations.ts';
import {
  INVESTIGATION_COLUMNS,
  INVESTIGATION_SELECT as SELECT,
  investigationParams,
  ITEMS_SELECT,
  MEMBER_OF,
  MEMBERS_SELECT,
  toInvestigation,
  toItem,
  type InvestigationRow,
  type ItemRow,
  type MemberRow,
} from '../sql/casework.ts';
import { sqliteRfis } from './rfis.ts';

/** Investigations and their items in SQLite; requests and outcomes in rfis.ts. */
export function sqliteInvestigations(db: Database.Database): InvestigationStore {
  const withMembers = (row: InvestigationRow): Investigation => toInvestigation(row, db.prepare(MEMBERS_SELECT).all(row.id) as MemberRow[]);

  const find = (ref: number | string, org?: number): Investigation | undefined => {
    const member = org === undefined ? '1' : MEMBER_OF('i.id');
    // a case number of an investigation the reader is a member of: its own first, should another's have the same number
    const key = typeof ref === 'number' ? 'i.id = ?' : 'i.case_number = ?';
    const order = org === undefined ? 'i.id' : 'i.org_id <> ?, i.id';
    const row = db.prepare(`${SELECT} WHERE ${key} AND ${member} ORDER BY ${order} LIMIT 1`).get(ref, ...(org === undefined ? [] : [org, org])) as
      | InvestigationRow
      | undefined;
    return row && withMembers(row);
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
        const id = Number(db.prepare(`INSERT INTO investigations ${INVESTIGATION_COLUMNS}`).run(...investigationParams(investigation)).lastInsertRowid);
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
      return rows.map(withMembers);
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
    return (db.prepare(ITEMS_SELECT).all(id) as ItemRow[]).map(toItem);
  }
}
