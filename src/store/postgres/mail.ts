import { noticeAudience, type RfiEvent } from '../../mail/notice.ts';
import type { MailStore, OutgoingMail } from '../mail.ts';
import { claimedRowsSql, FAIL_MAIL_SQL, listMailSql, mailExpiryParams, outgoing, RFI_NOTICE_SQL, rfiNoticeOf, settleStatement, toMailRecord, type MailListRow, type OutboxRow, type RfiNoticeRow } from '../sql/mail.ts';
import type { Db, Sql } from './db.ts';

/**
 * Writes the e-mail notices of an event on request `rfi` by organisation `actor`; pass the
 * transaction's `sql` so they are written with what they announce. The asking side hears through the
 * user who asked when that user has an address, else through every user of the organisation who has
 * one; the asked side through those of its users who may answer (analysts and admins).
 */
export async function queueRfiNotices(sql: Sql, event: RfiEvent, rfi: number, actor: number, at: number): Promise<number> {
  const row = await sql.get<RfiNoticeRow>(RFI_NOTICE_SQL.rfi, [actor, rfi]);
  if (!row) return 0;
  const userIds = async (text: string, params: unknown[]): Promise<number[]> => (await sql.all<{ id: number }>(text, params)).map((user) => user.id);
  let users: number[];
  if (noticeAudience(event, actor === row.from_org_id) === 'asker') {
    const asker = row.asker_user === null ? [] : await userIds(RFI_NOTICE_SQL.asker, [row.asker_user, row.from_org_id]);
    users = asker.length ? asker : await userIds(RFI_NOTICE_SQL.members, [row.from_org_id]);
  } else {
    users = await userIds(RFI_NOTICE_SQL.answerers, [row.to_org_id]);
  }
  if (users.length === 0) return 0;
  const notice = rfiNoticeOf(event, row);
  await sql.run('INSERT INTO mail_outbox (user_id, kind, subject, body, link, created_at, next_attempt_at) SELECT unnest(?::bigint[]), ?, ?, ?, ?, ?, ?', [
    users,
    notice.kind,
    notice.subject,
    notice.body,
    notice.link,
    at,
    at,
  ]);
  return users.length;
}

/**
 * Takes up to `limit` due notices for `leaseMs`. Every server process drains
 * the outbox: rows another process is claiming right now are skipped, not
 * waited for (SKIP LOCKED), and a claimed row is due again only when its
 * lease ran out, so each notice goes to exactly one process at a time.
 */
const CLAIM = `UPDATE mail_outbox SET claimed_until = ?, attempts = attempts + 1
  WHERE id IN (
    SELECT id FROM mail_outbox
    WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)
    ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)
  RETURNING id`;

/** Gives up notices past their time, skipping rows another process holds (it gives them up itself), so two claims never wait on each other. */
const EXPIRE = `UPDATE mail_outbox SET failed_at = ?, last_error = ?
  WHERE id IN (SELECT id FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL AND created_at < ? FOR UPDATE SKIP LOCKED)`;

/** The e-mail outbox in PostgreSQL, shared by every server process. */
export function postgresMail(db: Db): MailStore {
  return {
    async claimMail(now, leaseMs, limit) {
      return db.transaction(async (sql) => {
        await sql.run(EXPIRE, mailExpiryParams(now));
        const ids = (await sql.all<{ id: number }>(CLAIM, [now + leaseMs, now, now, limit])).map((row) => row.id);
        if (ids.length === 0) return [];
        const out: OutgoingMail[] = [];
        for (const row of await sql.all<OutboxRow>(claimedRowsSql('m.id = ANY(?::bigint[])'), [ids])) {
          const mail = outgoing(row);
          if ('failed' in mail) await sql.run(FAIL_MAIL_SQL, [now, mail.failed, row.id]);
          else out.push(mail);
        }
        return out;
      });
    },
    async settleMail(id, outcome) {
      const { sql, params } = settleStatement(id, outcome);
      await db.run(sql, params);
    },
    async listMail(query) {
      return (await db.all<MailListRow>(listMailSql(query.status), [query.limit])).map(toMailRecord);
    },
  };
}
