import type Database from 'better-sqlite3';
import { noticeAudience, rfiNotice, type RfiEvent } from '../../mail/notice.ts';
import type { RfiPriority } from '../../investigations/rules.ts';
import type { MailRecord, MailStatus, MailStore, OutgoingMail } from '../mail.ts';

/**
 * Writes the e-mail notices of an event on request `rfi` by organisation `actor`, inside the caller's
 * transaction. The asking side hears through the user who asked when that user has an address, else
 * through every user of the organisation who has one; the asked side through those of its users who
 * may answer (analysts and admins: not readers, nor the machine accounts of sync).
 */
export function queueRfiNotices(db: Database.Database, event: RfiEvent, rfi: number, actor: number, at: number): number {
  const row = db
    .prepare(
      `SELECT r.id, r.from_org_id, r.to_org_id, r.priority, r.due_at, i.case_number, o.name AS actor_name,
         (SELECT m.user_id FROM rfi_messages m WHERE m.rfi_id = r.id AND m.action = 'ask' ORDER BY m.id LIMIT 1) AS asker_user
       FROM rfis r JOIN investigations i ON i.id = r.investigation_id JOIN organisations o ON o.id = ?
       WHERE r.id = ?`,
    )
    .get(actor, rfi) as
    | { id: number; from_org_id: number; to_org_id: number; priority: string; due_at: number | null; case_number: string; actor_name: string; asker_user: number | null }
    | undefined;
  if (!row) return 0;
  const audience = noticeAudience(event, actor === row.from_org_id);
  const withAddress = "u.email IS NOT NULL AND u.email <> '' AND u.disabled_at IS NULL";
  let users: number[];
  if (audience === 'asker') {
    const asker = row.asker_user === null ? undefined : (db.prepare(`SELECT u.id FROM users u WHERE u.id = ? AND u.org_id = ? AND ${withAddress}`).get(row.asker_user, row.from_org_id) as { id: number } | undefined);
    users = asker ? [asker.id] : (db.prepare(`SELECT u.id FROM users u WHERE u.org_id = ? AND ${withAddress} ORDER BY u.id`).all(row.from_org_id) as Array<{ id: number }>).map((user) => user.id);
  } else {
    users = (db.prepare(`SELECT u.id FROM users u WHERE u.org_id = ? AND u.role IN ('analyst', 'admin') AND ${withAddress} ORDER BY u.id`).all(row.to_org_id) as Array<{ id: number }>).map((user) => user.id);
  }
  if (users.length === 0) return 0;
  const notice = rfiNotice(event, {
    id: row.id,
    caseNumber: row.case_number,
    actor: row.actor_name,
    priority: row.priority as RfiPriority,
    ...(row.due_at === null ? {} : { dueAt: row.due_at }),
  });
  const insert = db.prepare('INSERT INTO mail_outbox (user_id, kind, subject, body, link, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  for (const user of users) insert.run(user, notice.kind, notice.subject, notice.body, notice.link, at, at);
  return users.length;
}

/** How long a notice waits to be sent before it is given up. */
export const MAIL_EXPIRY_DAYS = 7;

interface OutboxRow {
  id: number;
  user_name: string;
  email: string | null;
  disabled_at: number | null;
  kind: string;
  subject: string;
  body: string;
  link: string | null;
  attempts: number;
}

export function sqliteMail(db: Database.Database): MailStore {
  const claim = db.transaction((now: number, leaseMs: number, limit: number): OutgoingMail[] => {
    // a notice not sent within its time (no relay was configured, or it was down for long) is news no more
    db.prepare('UPDATE mail_outbox SET failed_at = ?, last_error = ? WHERE sent_at IS NULL AND failed_at IS NULL AND created_at < ?').run(now, `not sent within ${MAIL_EXPIRY_DAYS} days`, now - MAIL_EXPIRY_DAYS * 86_400_000);
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
    const rows = db
      .prepare(
        `SELECT m.id, u.name AS user_name, u.email, u.disabled_at, m.kind, m.subject, m.body, m.link, m.attempts
         FROM mail_outbox m JOIN users u ON u.id = m.user_id WHERE m.id IN (${ids.map(() => '?').join(', ')}) ORDER BY m.id`,
      )
      .all(...ids) as OutboxRow[];
    const out: OutgoingMail[] = [];
    for (const row of rows) {
      // the address is read now: a user who lost it, or was disabled, since the notice was written is not mailed
      if (!row.email || row.disabled_at !== null) {
        db.prepare('UPDATE mail_outbox SET failed_at = ?, last_error = ? WHERE id = ?').run(now, row.email ? 'the user is disabled' : 'the user has no e-mail address', row.id);
        continue;
      }
      out.push({ id: row.id, to: row.email, user: row.user_name, kind: row.kind as OutgoingMail['kind'], subject: row.subject, body: row.body, ...(row.link ? { link: row.link } : {}), attempts: row.attempts });
    }
    return out;
  });

  return {
    async claimMail(now, leaseMs, limit) {
      return claim.immediate(now, leaseMs, limit);
    },
    async settleMail(id, outcome) {
      if ('sent' in outcome) db.prepare('UPDATE mail_outbox SET sent_at = ?, claimed_until = NULL, last_error = NULL WHERE id = ?').run(outcome.sent, id);
      else if ('retryAt' in outcome) db.prepare('UPDATE mail_outbox SET next_attempt_at = ?, claimed_until = NULL, last_error = ? WHERE id = ?').run(outcome.retryAt, outcome.error, id);
      else db.prepare('UPDATE mail_outbox SET failed_at = ?, claimed_until = NULL, last_error = ? WHERE id = ?').run(outcome.failedAt, outcome.error, id);
    },
    async listMail(query) {
      const where: Record<MailStatus, string> = {
        queued: 'm.sent_at IS NULL AND m.failed_at IS NULL',
        sent: 'm.sent_at IS NOT NULL',
        failed: 'm.failed_at IS NOT NULL',
      };
      const rows = db
        .prepare(
          `SELECT m.id, u.name AS user_name, m.kind, m.subject, m.attempts, m.created_at, m.sent_at, m.failed_at, m.last_error
           FROM mail_outbox m JOIN users u ON u.id = m.user_id ${query.status ? `WHERE ${where[query.status]}` : ''} ORDER BY m.id DESC LIMIT ?`,
        )
        .all(query.limit) as Array<{ id: number; user_name: string; kind: string; subject: string; attempts: number; created_at: number; sent_at: number | null; failed_at: number | null; last_error: string | null }>;
      return rows.map(
        (row): MailRecord => ({
          id: row.id,
          user: row.user_name,
          kind: row.kind as MailRecord['kind'],
          subject: row.subject,
          status: row.sent_at !== null ? 'sent' : row.failed_at !== null ? 'failed' : 'queued',
          attempts: row.attempts,
          createdAt: row.created_at,
          ...(row.sent_at === null ? {} : { sentAt: row.sent_at }),
          ...(row.last_error === null ? {} : { lastError: row.last_error }),
        }),
      );
    },
  };
}
