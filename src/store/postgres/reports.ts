import { randomUUID } from 'node:crypto';
import { ConflictError, TixError } from '../../errors.ts';
import type { StixObject } from '../../model/index.ts';
import type { AttachmentMeta, ReportContent } from '../../reports/report.ts';
import { reportBundle } from '../../reports/stix.ts';
import type { Report, ReportReader, ReportStore } from '../reports.ts';
import { readableReport, REPORT_SELECT as SELECT, reportListQuery, reportPage, toReport, type ReportRow } from '../sql/reports.ts';
import { objectRow } from '../sqlite/objects.ts';
import { pgCode, type Db, type Sql } from './db.ts';
import { storable } from './text.ts';
import { visibility } from './visibility.ts';

/** The lock every writer of exchange objects holds to commit (as the import does), so that date_added never goes back along seq. */
const OBJECTS_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('tix:objects', 0))";

async function checkRefs(sql: Sql, content: ReportContent, author: ReportReader | undefined, investigation: number | undefined): Promise<void> {
  if (investigation !== undefined) {
    const member = author
      ? await sql.get('SELECT 1 FROM investigation_members WHERE investigation_id = ? AND org_id = ?', [investigation, author.org])
      : await sql.get('SELECT 1 FROM investigations WHERE id = ?', [investigation]);
    if (!member) throw new TixError('TIX_CASE_UNKNOWN', `no investigation ${investigation} that the author is a member of`);
  }
  if (!content.links.objects.length) return;
  const visible = author ? await visibility(sql, author.clearance, 'x') : { sql: '1 = 1', params: [] };
  for (const id of content.links.objects) {
    const found = await sql.get(`SELECT 1 FROM stix_objects x WHERE x.id = ? AND ${visible.sql} LIMIT 1`, [id, ...visible.params]);
    if (!found) throw new TixError('TIX_REPORT_BAD_REF', `the report links ${id}, which is not an object its author may read`);
  }
}

async function writeVersion(sql: Sql, id: number, version: number, content: ReportContent, blobs: ReadonlyMap<string, Buffer>, user: number | undefined, at: number): Promise<void> {
  for (const [sha256, bytes] of blobs) {
    await sql.run('INSERT INTO attachments (sha256, size, content) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING', [sha256, bytes.length, bytes]);
  }
  await sql.run(
    `INSERT INTO report_versions (report_id, version, title, summary, body, published_at, links, attachments, user_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [id, version, content.title, content.summary ?? null, content.body, content.publishedAt, JSON.stringify(content.links), JSON.stringify(content.attachments), user ?? null, at],
  );
  await sql.run('DELETE FROM report_indicators WHERE report_id = ?', [id]);
  const links = content.links.indicators;
  if (links.length) {
    await sql.run(
      'INSERT INTO report_indicators (report_id, type, value) SELECT ?, t, v FROM unnest(?::text[], ?::text[]) AS l(t, v) ON CONFLICT DO NOTHING',
      [id, links.map((link) => link.type), links.map((link) => link.value)],
    );
  }
}

/**
 * A shared report (not an investigation's) is also a STIX `report` object of
 * the object store, so TAXII and the objects API serve it under the same
 * rules: it belongs to the source `reports:<owner id>:<distribution id>`,
 * shared under the report's distribution. Written in the report's own
 * transaction; each version is a new object version.
 */
async function publish(sql: Sql, report: Report, at: number): Promise<void> {
  if (report.investigation !== undefined) return;
  const name = `reports:${report.owner}:${report.distribution}`;
  await sql.run('INSERT INTO sources (name, created_at, distribution_id) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING', [name, at, report.distribution]);
  const source = (await sql.get<{ id: number }>('SELECT id FROM sources WHERE name = ?', [name]))!.id;
  const origin = (await sql.get<{ id: number }>(
    "INSERT INTO imports (source_id, origin, format, started_at, finished_at, status, counts) VALUES (?, ?, 'stix', ?, ?, 'committed', '{\"objects\":1}') RETURNING id",
    [source, `report ${report.id} version ${report.version}`, at, at],
  ))!.id;
  const object = reportBundle(report).objects.find((item) => item.type === 'report')!;
  const row = objectRow({ line: 1, tlp: report.tlp, object: object as StixObject });
  await sql.exec(OBJECTS_LOCK);
  // date_added never goes back along seq (see the import session)
  const addedAt = Math.max(at, (await sql.get<{ at: number | null }>('SELECT max(added_at) AS at FROM stix_objects'))?.at ?? 0);
  const added = await sql.run(
    `INSERT INTO stix_objects (id, type, modified, spec_version, tlp, source_id, origin_import, origin_line, added_at, json, latest)
     VALUES (?, 'report', ?, '2.1', ?, ?, ?, 1, ?, ?, 1) ON CONFLICT (id, modified) DO NOTHING`,
    [row.id, row.modified, report.tlp, source, origin, addedAt, row.json],
  );
  if (added) await sql.run('UPDATE stix_objects SET latest = 0 WHERE id = ? AND modified < ?::text COLLATE "C" AND latest = 1', [row.id, row.modified]);
}

async function read(sql: Sql, id: number | string, reader: ReportReader | undefined, version?: number, lock = false): Promise<Report | undefined> {
  if (typeof id === 'string' && !storable(id)) return undefined;
  const visible = readableReport(reader);
  const key = typeof id === 'number' ? 'r.id = ?' : 'r.stix_id = ?';
  const row = await sql.get<ReportRow>(
    `${SELECT} WHERE ${key} AND v.version = ${version === undefined ? 'r.version' : '?'} AND ${visible.sql}${lock ? ' FOR UPDATE OF r' : ''}`,
    [id, ...(version === undefined ? [] : [version]), ...visible.params],
  );
  return row && toReport(row);
}

/** Reports in PostgreSQL: every version kept whole, the current one's values indexed, attachments stored once by hash. */
export function postgresReports(db: Db): ReportStore {
  return {
    async createReport(report, author) {
      const stixId = report.stixId ?? `report--${randomUUID()}`;
      try {
        return await db.transaction(async (sql) => {
          await checkRefs(sql, report.content, author, report.investigation);
          if (await sql.get('SELECT 1 FROM reports WHERE stix_id = ?', [stixId])) throw new ConflictError(`report ${stixId} exists already`);
          const { id } = (await sql.get<{ id: number }>(
            `INSERT INTO reports (stix_id, owner_org_id, distribution_id, tlp, pap, investigation_id, version, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
            [stixId, report.owner, report.distribution, report.tlp, report.pap ?? null, report.investigation ?? null, report.createdAt, report.createdAt],
          ))!;
          await writeVersion(sql, id, 1, report.content, report.blobs, report.user, report.createdAt);
          const created = (await read(sql, id, undefined))!;
          await publish(sql, created, report.createdAt);
          return created;
        });
      } catch (error) {
        // the same report created by another process a moment before
        if (pgCode(error) === '23505' && /stix_id|reports_/.test((error as Error).message)) throw new ConflictError(`report ${stixId} exists already`);
        throw error;
      }
    },

    async reviseReport(id, revision, author) {
      return db.transaction(async (sql) => {
        // the report row locked: two revisions at once are numbered one after the other
        const current = await read(sql, id, author, undefined, true);
        if (!current || (author && current.owner !== author.org)) return undefined;
        await checkRefs(sql, revision.content, author, undefined);
        const version = current.latestVersion + 1;
        await writeVersion(sql, id, version, revision.content, revision.blobs, revision.user, revision.at);
        await sql.run('UPDATE reports SET version = ?, updated_at = ? WHERE id = ?', [version, revision.at, id]);
        const revised = (await read(sql, id, undefined))!;
        await publish(sql, revised, revision.at);
        return revised;
      });
    },

    async getReport(id, reader, version) {
      return read(db, id, reader, version);
    },

    async listReports(query) {
      if (query.indicator && !storable(query.indicator.value)) return { items: [] };
      const list = reportListQuery(query);
      return reportPage(await db.all<ReportRow>(list.sql, list.params), query.limit);
    },

    async getAttachment(reportId, sha256, reader) {
      if (!storable(sha256)) return undefined;
      const visible = readableReport(reader);
      const rows = await db.all<{ attachments: string }>(
        `SELECT v.attachments FROM reports r JOIN report_versions v ON v.report_id = r.id WHERE r.id = ? AND ${visible.sql}`,
        [reportId, ...visible.params],
      );
      const meta = rows.flatMap((row) => JSON.parse(row.attachments) as AttachmentMeta[]).find((item) => item.sha256 === sha256);
      if (!meta) return undefined;
      const blob = await db.get<{ content: Buffer }>('SELECT content FROM attachments WHERE sha256 = ?', [sha256]);
      return blob && { meta, content: blob.content };
    },
  };
}
