import type Database from 'better-sqlite3';
import { NotFoundError, TixError } from '../../errors.ts';
import { nextRfiStatus } from '../../investigations/rules.ts';
import type { IndicatorType } from '../../model/index.ts';
import { valueHash } from '../../normalise/index.ts';
import type { Investigation, InvestigationStore, Outcome, Rfi, RfiMessage } from '../investigations.ts';
import { replyEvent } from '../../mail/notice.ts';
import {
  outcomesQuery,
  RFI_SELECT as SELECT,
  rfiListQuery,
  rfiMember,
  THREAD_SELECT,
  toOutcome,
  toRfi,
  toRfiMessage,
  type OutcomeRow,
  type RfiMessageRow,
  type RfiRow,
} from '../sql/casework.ts';
import { queueRfiNotices } from './mail.ts';

type Find = (ref: number | string, org?: number) => Investigation | undefined;

/** Requests for information and outcomes in SQLite: a request is read by the members of its investigation alone. */
export function sqliteRfis(
  db: Database.Database,
  find: Find,
): Pick<InvestigationStore, 'createRfi' | 'getRfi' | 'listRfis' | 'replyRfi' | 'addOutcome' | 'listOutcomes'> {
  const thread = (id: number): RfiMessage[] => (db.prepare(THREAD_SELECT).all(id) as RfiMessageRow[]).map(toRfiMessage);

  const asRfi = (row: RfiRow): Rfi => toRfi(row, thread(row.id));

  const read = (id: number, org?: number): Rfi | undefined => {
    const visible = rfiMember(org);
    const row = db.prepare(`${SELECT} WHERE r.id = ? AND ${visible.sql}`).get(id, ...visible.params) as RfiRow | undefined;
    return row && asRfi(row);
  };

  const addMessage = (rfi: number, org: number, user: number | undefined, action: string, text: string, indicators: unknown[], reports: number[], at: number): void => {
    db.prepare('INSERT INTO rfi_messages (rfi_id, org_id, user_id, action, text, indicators, report_ids, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      rfi,
      org,
      user ?? null,
      action,
      text,
      JSON.stringify(indicators),
      JSON.stringify(reports),
      at,
    );
  };

  const indicatorId = (indicator: { type: IndicatorType; value: string }): number | undefined =>
    (db.prepare('SELECT id FROM indicators WHERE hash = ? AND value = ? AND type = ?').get(valueHash(indicator.type, indicator.value), indicator.value, indicator.type) as { id: number } | undefined)?.id;

  return {
    async createRfi(rfi) {
      return db.transaction(() => {
        const investigation = find(rfi.investigation, rfi.from);
        if (!investigation) throw new TixError('TIX_CASE_UNKNOWN', `no investigation ${rfi.investigation} that you are a member of`);
        if (rfi.to === rfi.from) throw new TixError('TIX_CASE_DENIED', 'a request goes to another organisation');
        if (!investigation.members.some((org) => org.id === rfi.to)) {
          throw new TixError('TIX_CASE_DENIED', `organisation ${rfi.to} is not a member of investigation ${investigation.caseNumber}; invite it first`);
        }
        const id = Number(
          db
            .prepare('INSERT INTO rfis (investigation_id, from_org_id, to_org_id, subject, "values", priority, due_at, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
            .run(rfi.investigation, rfi.from, rfi.to, rfi.subject, JSON.stringify(rfi.values), rfi.priority, rfi.dueAt ?? null, 'open', rfi.createdAt, rfi.createdAt).lastInsertRowid,
        );
        addMessage(id, rfi.from, rfi.user, 'ask', rfi.question, rfi.values, [], rfi.createdAt);
        queueRfiNotices(db, 'asked', id, rfi.from, rfi.createdAt);
        return read(id)!;
      }).immediate();
    },

    async getRfi(id, org) {
      return read(id, org);
    },

    async listRfis(query) {
      const list = rfiListQuery(query);
      return (db.prepare(list.sql).all(...list.params) as RfiRow[]).map(asRfi);
    },

    async replyRfi(id, reply) {
      return db.transaction(() => {
        const rfi = read(id, reply.org);
        if (!rfi) throw new NotFoundError(`no request ${id} that you may read`);
        const status = nextRfiStatus(rfi, reply.org, reply.action);
        for (const report of reply.reports) {
          if (!db.prepare('SELECT 1 FROM reports WHERE id = ?').get(report)) throw new TixError('TIX_REPORT_BAD_REF', `no report ${report}`);
        }
        addMessage(id, reply.org, reply.user, reply.action, reply.text, reply.indicators, reply.reports, reply.at);
        db.prepare('UPDATE rfis SET status = ?, updated_at = ? WHERE id = ?').run(status, reply.at, id);
        const event = replyEvent(reply.action);
        if (event) queueRfiNotices(db, event, id, reply.org, reply.at);
        return read(id)!;
      }).immediate();
    },

    async addOutcome(outcome) {
      let indicator: number | null = null;
      let report: number | null = null;
      if ('indicator' in outcome.target) {
        indicator = indicatorId(outcome.target.indicator) ?? null;
        if (indicator === null) return undefined;
      } else {
        report = outcome.target.report;
        if (!db.prepare('SELECT 1 FROM reports WHERE id = ?').get(report)) return undefined;
      }
      const id = Number(
        db
          .prepare('INSERT INTO outcomes (org_id, user_id, kind, indicator_id, report_id, note, occurred_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(outcome.org, outcome.user ?? null, outcome.kind, indicator, report, outcome.note ?? null, outcome.occurredAt, outcome.createdAt).lastInsertRowid,
      );
      return outcomes('o.id = ?', [id], undefined)[0];
    },

    async listOutcomes(target, org) {
      if ('indicator' in target) {
        const id = indicatorId(target.indicator);
        return id === undefined ? [] : outcomes('o.indicator_id = ?', [id], org);
      }
      return outcomes('o.report_id = ?', [target.report], org);
    },
  };

  function outcomes(where: string, params: unknown[], org: number | undefined): Outcome[] {
    const query = outcomesQuery(where, params, org);
    return (db.prepare(query.sql).all(...query.params) as OutcomeRow[]).map(toOutcome);
  }
}
