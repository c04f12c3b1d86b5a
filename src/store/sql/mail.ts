import type { RfiPriority } from '../../investigations/rules.ts';
import { rfiNotice, type Notice, type RfiEvent } from '../../mail/notice.ts';
import type { MailOutcome, MailRecord, MailStatus, OutgoingMail } from '../mail.ts';

/** How long a notice waits to be sent before it is given up. */
export const MAIL_EXPIRY_DAYS = 7;
export const MAIL_EXPIRED = `not sent within ${MAIL_EXPIRY_DAYS} days`;

/** The users an RFI notice goes to: only those with an address who are not disabled. */
const WITH_ADDRESS = "u.email IS NOT NULL AND u.email <> '' AND u.disabled_at IS NULL";
export const RFI_NOTICE_SQL = {
  /** The request, its case, the acting organisation's name and the user who asked (params: actor, rfi). */
  rfi: `SELECT r.id, r.from_org_id, r.to_org_id, r.priority, r.due_at, i.case_number, o.name AS actor_name,
      (SELECT m.user_id FROM rfi_messages m WHERE m.rfi_id = r.id AND m.action = 'ask' ORDER BY m.id LIMIT 1) AS asker_user
    FROM rfis r JOIN investigations i ON i.id = r.investigation_id JOIN organisations o ON o.id = ?
    WHERE r.id = ?`,
  /** The asking user, if still reachable (params: user, org). */
  asker: `SELECT u.id FROM users u WHERE u.id = ? AND u.org_id = ? AND ${WITH_ADDRESS}`,
  /** Every reachable user of an organisation (params: org). */
  members: `SELECT u.id FROM users u WHERE u.org_id = ? AND ${WITH_ADDRESS} ORDER BY u.id`,
  /** The reachable users of an organisation who may answer (params: org). */
  answerers: `SELECT u.id FROM users u WHERE u.org_id = ? AND u.role IN ('analyst', 'admin') AND ${WITH_ADDRESS} ORDER BY u.id`,
  insert: 'INSERT INTO mail_outbox (user_id, kind, subject, body, link, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
} as const;

export interface RfiNoticeRow {
  id: number;
  from_org_id: number;
  to_org_id: number;
  priority: string;
  due_at: number | null;
  case_number: string;
  actor_name: string;
  asker_user: number | null;
}

/** The notice of an event on a request, from its row. */
export const rfiNoticeOf = (event: RfiEvent, row: RfiNoticeRow): Notice =>
  rfiNotice(event, {
    id: row.id,
    caseNumber: row.case_number,
    actor: row.actor_name,
    priority: row.priority as RfiPriority,
    ...(row.due_at === null ? {} : { dueAt: row.due_at }),
  });

/** A claimed notice with its user as the user is now. */
export interface OutboxRow {
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

/** Claimed notices with their users (the ids are listed by the caller). */
export const claimedRowsSql = (idsPredicate: string): string =>
  `SELECT m.id, u.name AS user_name, u.email, u.disabled_at, m.kind, m.subject, m.body, m.link, m.attempts
   FROM mail_outbox m JOIN users u ON u.id = m.user_id WHERE ${idsPredicate} ORDER BY m.id`;

/** A claimed notice to send, or why it cannot be: the address is read at sending time, so a user who lost it, or was disabled, is not mailed. */
export function outgoing(row: OutboxRow): OutgoingMail | { failed: string } {
  if (!row.email || row.disabled_at !== null) return { failed: row.email ? 'the user is disabled' : 'the user has no e-mail address' };
  return { id: row.id, to: row.email, user: row.user_name, kind: row.kind as OutgoingMail['kind'], subject: row.subject, body: row.body, ...(row.link ? { link: row.link } : {}), attempts: row.attempts };
}

const STATUS_WHERE: Record<MailStatus, string> = {
  queued: 'm.sent_at IS NULL AND m.failed_at IS NULL',
  sent: 'm.sent_at IS NOT NULL',
  failed: 'm.failed_at IS NOT NULL',
};

/** The outbox, newest first, of one status or all (param: limit). */
export const listMailSql = (status: MailStatus | undefined): string =>
  `SELECT m.id, u.name AS user_name, m.kind, m.subject, m.attempts, m.created_at, m.sent_at, m.failed_at, m.last_error
   FROM mail_outbox m JOIN users u ON u.id = m.user_id ${status ? `WHERE ${STATUS_WHERE[status]}` : ''} ORDER BY m.id DESC LIMIT ?`;

export interface MailListRow {
  id: number;
  user_name: string;
  kind: string;
  subject: string;
  attempts: number;
  created_at: number;
  sent_at: number | null;
  failed_at: number | null;
  last_error: string | null;
}

export const toMailRecord = (row: MailListRow): MailRecord => ({
  id: row.id,
  user: row.user_name,
  kind: row.kind as MailRecord['kind'],
  subject: row.subject,
  status: row.sent_at !== null ? 'sent' : row.failed_at !== null ? 'failed' : 'queued',
  attempts: row.attempts,
  createdAt: row.created_at,
  ...(row.sent_at === null ? {} : { sentAt: row.sent_at }),
  ...(row.last_error === null ? {} : { lastError: row.last_error }),
});

/** The statement that records how sending notice `id` went; the claim is released. */
export function settleStatement(id: number, outcome: MailOutcome): { sql: string; params: unknown[] } {
  if ('sent' in outcome) return { sql: 'UPDATE mail_outbox SET sent_at = ?, claimed_until = NULL, last_error = NULL WHERE id = ?', params: [outcome.sent, id] };
  if ('retryAt' in outcome) return { sql: 'UPDATE mail_outbox SET next_attempt_at = ?, claimed_until = NULL, last_error = ? WHERE id = ?', params: [outcome.retryAt, outcome.error, id] };
  return { sql: 'UPDATE mail_outbox SET failed_at = ?, claimed_until = NULL, last_error = ? WHERE id = ?', params: [outcome.failedAt, outcome.error, id] };
}

/** Gives up notices not sent within their time (no relay was configured, or it was down for long): news no more (params: now, MAIL_EXPIRED, oldest kept). */
export const EXPIRE_MAIL_SQL = 'UPDATE mail_outbox SET failed_at = ?, last_error = ? WHERE sent_at IS NULL AND failed_at IS NULL AND created_at < ?';
export const mailExpiryParams = (now: number): unknown[] => [now, MAIL_EXPIRED, now - MAIL_EXPIRY_DAYS * 86_400_000];
export const FAIL_MAIL_SQL = 'UPDATE mail_outbox SET failed_at = ?, last_error = ? WHERE id = ?';

/** Days a settled notice (sent, or given up) stays in the outbox: a queue with some history, not an archive (the audit log keeps who did what). */
export const MAIL_KEPT_DAYS = 90;
/** Deletes the notices settled before the history kept (params: oldest settlement kept). */
export const PRUNE_MAIL_SQL = 'DELETE FROM mail_outbox WHERE coalesce(sent_at, failed_at) < ?';
export const mailPruneParams = (now: number): unknown[] => [now - MAIL_KEPT_DAYS * 86_400_000];
