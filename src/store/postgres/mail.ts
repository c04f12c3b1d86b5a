import type { MailStore, OutgoingMail } from '../mail.ts';
import { claimedRowsSql, FAIL_MAIL_SQL, listMailSql, mailExpiryParams, mailPruneParams, outgoing, PRUNE_MAIL_SQL, settleStatement, toMailRecord, type MailListRow, type OutboxRow } from '../sql/mail.ts';
import type { Db } from './db.ts';

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
        await sql.run(PRUNE_MAIL_SQL, mailPruneParams(now));
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
