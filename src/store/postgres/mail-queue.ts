import { noticeAudience, type RfiEvent } from '../../mail/notice.ts';
import { RFI_NOTICE_SQL, rfiNoticeOf, type RfiNoticeRow } from '../sql/mail.ts';
import type { Sql } from './db.ts';

/**
 * Writes the e-mail notices of an event on request `rfi` by organisation `actor`, inside the caller's
 * transaction (`sql` is its session), as the SQLite store does: the asking side hears through the user
 * who asked when that user has an address, else through every user of the organisation who has one;
 * the asked side through those of its users who may answer.
 */
export async function queueRfiNotices(sql: Sql, event: RfiEvent, rfi: number, actor: number, at: number): Promise<number> {
  const row = await sql.get<RfiNoticeRow>(RFI_NOTICE_SQL.rfi, [actor, rfi]);
  if (!row) return 0;
  const userIds = async (query: string, params: unknown[]): Promise<number[]> => (await sql.all<{ id: number }>(query, params)).map((user) => user.id);
  let users: number[];
  if (noticeAudience(event, actor === row.from_org_id) === 'asker') {
    const asker = row.asker_user === null ? [] : await userIds(RFI_NOTICE_SQL.asker, [row.asker_user, row.from_org_id]);
    users = asker.length ? asker : await userIds(RFI_NOTICE_SQL.members, [row.from_org_id]);
  } else {
    users = await userIds(RFI_NOTICE_SQL.answerers, [row.to_org_id]);
  }
  if (users.length === 0) return 0;
  const notice = rfiNoticeOf(event, row);
  for (const user of users) await sql.run(RFI_NOTICE_SQL.insert, [user, notice.kind, notice.subject, notice.body, notice.link, at, at]);
  return users.length;
}
