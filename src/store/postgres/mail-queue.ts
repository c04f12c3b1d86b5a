import type { RfiPriority } from '../../investigations/rules.ts';
import { noticeAudience, rfiNotice, type RfiEvent } from '../../mail/notice.ts';
import type { Sql } from './db.ts';

const WITH_ADDRESS = "u.email IS NOT NULL AND u.email <> '' AND u.disabled_at IS NULL";

/** Who hears of an event on a request: ids of users with an address, none when nobody has one. */
async function recipients(
  sql: Sql,
  audience: 'asker' | 'asked',
  row: { from_org_id: number; to_org_id: number; asker_user: number | null },
): Promise<number[]> {
  const ids = (rows: Array<{ id: number }>): number[] => rows.map((user) => user.id);
  if (audience === 'asked') {
    return ids(await sql.all(`SELECT u.id FROM users u WHERE u.org_id = ? AND u.role IN ('analyst', 'admin') AND ${WITH_ADDRESS} ORDER BY u.id`, [row.to_org_id]));
  }
  const asker =
    row.asker_user === null ? undefined : await sql.get<{ id: number }>(`SELECT u.id FROM users u WHERE u.id = ? AND u.org_id = ? AND ${WITH_ADDRESS}`, [row.asker_user, row.from_org_id]);
  return asker ? [asker.id] : ids(await sql.all(`SELECT u.id FROM users u WHERE u.org_id = ? AND ${WITH_ADDRESS} ORDER BY u.id`, [row.from_org_id]));
}

/**
 * Writes the e-mail notices of an event on request `rfi` by organisation `actor`, inside the caller's
 * transaction (`sql` is its session). The asking side hears through the user who asked when that user
 * has an address, else through every user of the organisation who has one; the asked side through
 * those of its users who may answer (analysts and admins: not readers, nor the machine accounts of sync).
 */
export async function queueRfiNotices(sql: Sql, event: RfiEvent, rfi: number, actor: number, at: number): Promise<number> {
  const row = await sql.get<{
    id: number;
    from_org_id: number;
    to_org_id: number;
    priority: string;
    due_at: number | null;
    case_number: string;
    actor_name: string;
    asker_user: number | null;
  }>(
    `SELECT r.id, r.from_org_id, r.to_org_id, r.priority, r.due_at, i.case_number, o.name AS actor_name,
       (SELECT m.user_id FROM rfi_messages m WHERE m.rfi_id = r.id AND m.action = 'ask' ORDER BY m.id LIMIT 1) AS asker_user
     FROM rfis r JOIN investigations i ON i.id = r.investigation_id JOIN organisations o ON o.id = ?
     WHERE r.id = ?`,
    [actor, rfi],
  );
  if (!row) return 0;
  const users = await recipients(sql, noticeAudience(event, actor === row.from_org_id), row);
  if (users.length === 0) return 0;
  const notice = rfiNotice(event, {
    id: row.id,
    caseNumber: row.case_number,
    actor: row.actor_name,
    priority: row.priority as RfiPriority,
    ...(row.due_at === null ? {} : { dueAt: row.due_at }),
  });
  await sql.run(
    `INSERT INTO mail_outbox (user_id, kind, subject, body, link, created_at, next_attempt_at)
     SELECT u, ?, ?, ?, ?, ?, ? FROM unnest(?::bigint[]) WITH ORDINALITY AS t(u, n) ORDER BY n`,
    [notice.kind, notice.subject, notice.body, notice.link, at, at, users],
  );
  return users.length;
}
