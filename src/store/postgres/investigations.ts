import { ConflictError, TixError } from '../../errors.ts';
import type { Investigation, InvestigationItem, InvestigationStore } from '../investigations.ts';
import {
  INVESTIGATION_COLUMNS,
  INVESTIGATION_SELECT as SELECT,
  investigationParams,
  ITEMS_SELECT,
  MEMBER_OF,
  membersSelect,
  toInvestigation,
  toItem,
  type InvestigationRow,
  type ItemRow,
  type MemberRow,
} from '../sql/casework.ts';
import type { Db, Sql } from './db.ts';
import { postgresRfis } from './rfis.ts';
import { storable } from './text.ts';

/** Investigations with their members, read in one statement. */
async function withMembers(sql: Sql, rows: readonly InvestigationRow[]): Promise<Investigation[]> {
  if (!rows.length) return [];
  const members = await sql.all<MemberRow>(membersSelect('m.investigation_id = ANY(?::bigint[])'), [rows.map((row) => row.id)]);
  return rows.map((row) => toInvestigation(row, members.filter((member) => member.investigation_id === row.id)));
}

/** By id or case number, as `org` may read it: a case number of its own first, should another's have the same number. */
async function findInvestigation(sql: Sql, ref: number | string, org?: number): Promise<Investigation | undefined> {
  if (typeof ref === 'string' && !storable(ref)) return undefined;
  const member = org === undefined ? '1 = 1' : MEMBER_OF('i.id');
  const key = typeof ref === 'number' ? 'i.id = ?' : 'i.case_number = ?';
  const order = org === undefined ? 'i.id' : 'i.org_id <> ?, i.id';
  const row = await sql.get<InvestigationRow>(`${SELECT} WHERE ${key} AND ${member} ORDER BY ${order} LIMIT 1`, [ref, ...(org === undefined ? [] : [org, org])]);
  return row && (await withMembers(sql, [row]))[0];
}

async function requireCase(sql: Sql, id: number, org?: number): Promise<Investigation> {
  const found = await findInvestigation(sql, id, org);
  if (!found) throw new TixError('TIX_CASE_UNKNOWN', `no investigation ${id} that you are a member of`);
  return found;
}

const items = async (sql: Sql, id: number): Promise<InvestigationItem[]> => (await sql.all<ItemRow>(ITEMS_SELECT, [id])).map(toItem);

/** Investigations and their items in PostgreSQL; requests and outcomes in rfis.ts. */
export function postgresInvestigations(db: Db): InvestigationStore {
  return {
    async openInvestigation(investigation) {
      return db.transaction(async (sql) => {
        // the case number is unique per organisation: of two processes opening the same one, the second is refused
        const inserted = await sql.get<{ id: number }>(
          `INSERT INTO investigations ${INVESTIGATION_COLUMNS} ON CONFLICT (org_id, case_number) DO NOTHING RETURNING id`,
          investigationParams(investigation),
        );
        if (!inserted) throw new ConflictError(`your organisation already has an investigation "${investigation.caseNumber}"`);
        await sql.run('INSERT INTO investigation_members (investigation_id, org_id, added_at) VALUES (?, ?, ?)', [inserted.id, investigation.org, investigation.createdAt]);
        return requireCase(sql, inserted.id);
      });
    },

    async getInvestigation(ref, org) {
      return findInvestigation(db, ref, org);
    },

    async listInvestigations(org) {
      const rows =
        org === undefined ? await db.all<InvestigationRow>(`${SELECT} ORDER BY i.id DESC`) : await db.all<InvestigationRow>(`${SELECT} WHERE ${MEMBER_OF('i.id')} ORDER BY i.id DESC`, [org]);
      return withMembers(db, rows);
    },

    async inviteMembers(id, by, orgs, at) {
      return db.transaction(async (sql) => {
        const investigation = await requireCase(sql, id, by);
        if (by !== undefined && investigation.org !== by) throw new TixError('TIX_CASE_DENIED', 'only the organisation that opened the investigation invites members');
        for (const org of orgs) {
          if (!(await sql.get('SELECT 1 FROM organisations WHERE id = ?', [org]))) throw new TixError('TIX_NOT_FOUND', `no organisation ${org}`);
          await sql.run('INSERT INTO investigation_members (investigation_id, org_id, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [id, org, at]);
        }
        return requireCase(sql, id);
      });
    },

    async addItem(id, item, by, at) {
      return db.transaction(async (sql) => {
        await requireCase(sql, id, by.org);
        const row = {
          type: item.kind === 'indicator' ? item.indicator.type : null,
          value: item.kind === 'indicator' ? item.indicator.value : null,
          report: item.kind === 'report' ? item.report : null,
          data: item.kind === 'finding' ? JSON.stringify(item.data) : null,
        };
        if (row.report !== null && !(await sql.get('SELECT 1 FROM reports WHERE id = ?', [row.report]))) throw new TixError('TIX_REPORT_BAD_REF', `no report ${row.report}`);
        const { id: itemId } = (await sql.get<{ id: number }>(
          `INSERT INTO investigation_items (investigation_id, kind, type, value, report_id, data, note, org_id, user_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
          [id, item.kind, row.type, row.value, row.report, row.data, item.note ?? null, by.org, by.user ?? null, at],
        ))!;
        return (await items(sql, id)).find((found) => found.id === itemId)!;
      });
    },

    async listItems(id, org) {
      await requireCase(db, id, org);
      return items(db, id);
    },

    ...postgresRfis(db, findInvestigation),
  };
}
