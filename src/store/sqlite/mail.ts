import type Database from 'better-sqlite3';
import { noticeAudience, type RfiEvent } from '../../mail/notice.ts';
import type { MailStore, OutgoingMail } from '../mail.ts';
import { claimedRowsSql, EXPIRE_MAIL_SQL, FAIL_MAIL_SQL, listMailSql, mailExpiryParams, mailPruneParams, outgoing, PRUNE_MAIL_SQL, settleStatement, RFI_NOTICE_SQL, rfiNoticeOf, toMailRecord, type MailListRow, type OutboxRow, type RfiNoticeRow } from '../sql/mail.ts';

export { MAIL_EXPIRY_DAYS } from '../sql/mail.ts';

/**
 * Writes the e-mail notices of an event on request `rfi` by organisation `actor`, inside the caller's
 * transaction. The asking side hears through the user who asked when that user has an address, else
 * through every user of the organisation who has one; the asked side through those of its users who
 * may answer (analysts and admins: not readers, nor the machine accounts of sync).
 */
export function queueRfiNotices(db: Database.Database, event: RfiEvent, rfi: number, actor: number, at: number): number {
  const row = db.prepare(RFI_NOTICE_SQL.rfi).get(actor, rfi) as RfiNoticeRow | undefined;
  if (!row) return 0;
  const audience = noticeAudience(event, actor === row.from_org_id);
  const userIds = (sql: string, ...params: unknown[]): number[] => (db.prepare(sql).all(...params) as Array<{ id: number }>).map((user) => user.id);
  let users: number[];
  if (audience === 'asker') {
    const asker = row.asker_user === null ? [] : userIds(RFI_NOTICE_SQL.asker, row.asker_user, row.from_org_id);
    users = asker.length ? asker : userIds(RFI_NOTICE_SQL.members, row.from_org_id);
  } else {
    users = userIds(RFI_NOTICE_SQL.answerers, row.to_org_id);
  }
  if (users.length === 0) return 0;
  const notice = rfiNoticeOf(event, row);
  const insert = db.prepare(RFI_NOTICE_SQL.insert);
  for (const user of users) insert.run(user, notice.kind, notice.subject, notice.body, notice.link, at, at);
  return users.length;
}

export function sqliteMail(db: Database.Database): MailStore {
  const claim = db.transaction((now: number, leaseMs: number, limit: number): OutgoingMail[] => {
    db.prepare(EXPIRE_MAIL_SQL).run(...mailExpiryParams(now));
    db.prepare(PRUNE_MAIL_SQL).run(...mailPruneParams(now));
    const ids = (
      db
        .prepare(
          `UPDATE mail_outbox SET claimed_until = ?, attempts = attempts + 1
           WHERE id IN (SELECT id FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY id LIMIT ?)
           RETURNING id`,
        )
        .all(now + leaseMs, now, now, limit) as Array<{ id: number }>
    ).map((row) => row.id);
    if (ids.length === 0) return [];
    const rows = db.prepare(claimedRowsSql(`m.id IN (${ids.map(() => '?').join(', ')})`)).all(...ids) as OutboxRow[];
    const out: OutgoingMail[] = [];
    for (const row of rows) {
      const mail = outgoing(row);
      if ('failed' in mail) db.prepare(FAIL_MAIL_SQL).run(now, mail.failed, row.id);
      else out.push(mail);
    }
    return out;
  });

  return {
    async claimMail(now, leaseMs, limit) {
      return claim.immediate(now, leaseMs, limit);
    },
    async settleMail(id, outcome) {
      const { sql, params } = settleStatement(id, outcome);
      db.prepare(sql).run(...params);
    },
    async listMail(query) {
      return (db.prepare(listMailSql(query.status)).all(query.limit) as MailListRow[]).map(toMailRecord);
    },
  };
}
