import { NotFoundError, TixError } from '../../errors.ts';
import { nextRfiStatus } from '../../investigations/rules.ts';
import { replyEvent } from '../../mail/notice.ts';
import type { IndicatorType } from '../../model/index.ts';
import { valueHash } from '../../normalise/index.ts';
import type { Investigation, InvestigationStore, Outcome, Rfi } from '../investigations.ts';
import {
  outcomesQuery,
  RFI_SELECT as SELECT,
  rfiListQuery,
  rfiMember,
  threadSelect,
  toOutcome,
  toRfi,
  toRfiMessage,
  type OutcomeRow,
  type RfiMessageRow,
  type RfiRow,
} from '../sql/casework.ts';
import type { Db, Sql } from './db.ts';
import { queueRfiNotices } from './mail-queue.ts';
import { storable } from './text.ts';

/** An investigation by id or case number, as `org` may read it. */
type Find = (sql: Sql, ref: number | string, org?: number) => Promise<Investigation | undefined>;

type RfiPart = Pick<InvestigationStore, 'createRfi' | 'getRfi' | 'listRfis' | 'replyRfi' | 'addOutcome' | 'listOutcomes'>;

/** Requests with their threads, read in one statement. */
async function withThreads(sql: Sql, rows: readonly RfiRow[]): Promise<Rfi[]> {
  if (!rows.length) return [];
  const messages = await sql.all<RfiMessageRow>(threadSelect('m.rfi_id = ANY(?::bigint[])'), [rows.map((row) => row.id)]);
  return rows.map((row) => toRfi(row, messages.filter((message) => message.rfi_id === row.id).map(toRfiMessage)));
}

async function read(sql: Sql, id: number, org?: number): Promise<Rfi | undefined> {
  const visible = rfiMember(org);
  const row = await sql.get<RfiRow>(`${SELECT} WHERE r.id = ? AND ${visible.sql}`, [id, ...visible.params]);
  return row && (await withThreads(sql, [row]))[0];
}

async function addMessage(sql: Sql, rfi: number, org: number, user: number | undefined, action: string, text: string, indicators: unknown[], reports: number[], at: number): Promise<void> {
  await sql.run('INSERT INTO rfi_messages (rfi_id, org_id, user_id, action, text, indicators, report_ids, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
    rfi,
    org,
    user ?? null,
    action,
    text,
    JSON.stringify(indicators),
    JSON.stringify(reports),
    at,
  ]);
}

async function indicatorId(sql: Sql, indicator: { type: IndicatorType; value: string }): Promise<number | undefined> {
  if (!storable(indicator.value)) return undefined;
  const row = await sql.get<{ id: number }>('SELECT id FROM indicators WHERE hash = ? AND value = ? AND type = ?', [valueHash(indicator.type, indicator.value), indicator.value, indicator.type]);
  return row?.id;
}

async function outcomes(sql: Sql, where: string, params: unknown[], org: number | undefined): Promise<Outcome[]> {
  const query = outcomesQuery(where, params, org);
  return (await sql.all<OutcomeRow>(query.sql, query.params)).map(toOutcome);
}

/** Requests for information and outcomes in PostgreSQL: a request is read by the members of its investigation alone. */
export function postgresRfis(db: Db, findInvestigation: Find): RfiPart {
  return {
    async createRfi(rfi) {
      return db.transaction(async (sql) => {
        const investigation = await findInvestigation(sql, rfi.investigation, rfi.from);
        if (!investigation) throw new TixError('TIX_CASE_UNKNOWN', `no investigation ${rfi.investigation} that you are a member of`);
        if (rfi.to === rfi.from) throw new TixError('TIX_CASE_DENIED', 'a request goes to another organisation');
        if (!investigation.members.some((org) => org.id === rfi.to)) {
          throw new TixError('TIX_CASE_DENIED', `organisation ${rfi.to} is not a member of investigation ${investigation.caseNumber}; invite it first`);
        }
        const { id } = (await sql.get<{ id: number }>(
          'INSERT INTO rfis (investigation_id, from_org_id, to_org_id, subject, "values", priority, due_at, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
          [rfi.investigation, rfi.from, rfi.to, rfi.subject, JSON.stringify(rfi.values), rfi.priority, rfi.dueAt ?? null, 'open', rfi.createdAt, rfi.createdAt],
        ))!;
        await addMessage(sql, id, rfi.from, rfi.user, 'ask', rfi.question, rfi.values, [], rfi.createdAt);
        await queueRfiNotices(sql, 'asked', id, rfi.from, rfi.createdAt);
        return (await read(sql, id))!;
      });
    },

    async getRfi(id, org) {
      return read(db, id, org);
    },

    async listRfis(query) {
      const list = rfiListQuery(query);
      return withThreads(db, await db.all<RfiRow>(list.sql, list.params));
    },

    async replyRfi(id, reply) {
      return db.transaction(async (sql) => {
        // the request locked first: of two replies at once, the second sees the state the first left
        await sql.get('SELECT id FROM rfis WHERE id = ? FOR UPDATE', [id]);
        const rfi = await read(sql, id, reply.org);
        if (!rfi) throw new NotFoundError(`no request ${id} that you may read`);
        const status = nextRfiStatus(rfi, reply.org, reply.action);
        for (const report of reply.reports) {
          if (!(await sql.get('SELECT 1 FROM reports WHERE id = ?', [report]))) throw new TixError('TIX_REPORT_BAD_REF', `no report ${report}`);
        }
        await addMessage(sql, id, reply.org, reply.user, reply.action, reply.text, reply.indicators, reply.reports, reply.at);
        await sql.run('UPDATE rfis SET status = ?, updated_at = ? WHERE id = ?', [status, reply.at, id]);
        const event = replyEvent(reply.action);
        if (event) await queueRfiNotices(sql, event, id, reply.org, reply.at);
        return (await read(sql, id))!;
      });
    },

    async addOutcome(outcome) {
      let indicator: number | null = null;
      let report: number | null = null;
      if ('indicator' in outcome.target) {
        indicator = (await indicatorId(db, outcome.target.indicator)) ?? null;
        if (indicator === null) return undefined;
      } else {
        report = outcome.target.report;
        if (!(await db.get('SELECT 1 FROM reports WHERE id = ?', [report]))) return undefined;
      }
      const { id } = (await db.get<{ id: number }>(
        'INSERT INTO outcomes (org_id, user_id, kind, indicator_id, report_id, note, occurred_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
        [outcome.org, outcome.user ?? null, outcome.kind, indicator, report, outcome.note ?? null, outcome.occurredAt, outcome.createdAt],
      ))!;
      return (await outcomes(db, 'o.id = ?', [id], undefined))[0];
    },

    async listOutcomes(target, org) {
      if ('indicator' in target) {
        const id = await indicatorId(db, target.indicator);
        return id === undefined ? [] : outcomes(db, 'o.indicator_id = ?', [id], org);
      }
      return outcomes(db, 'o.report_id = ?', [target.report], org);
    },
  };
}
