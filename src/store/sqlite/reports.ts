import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { ConflictError, TixError } from '../../errors.ts';
import type { StixObject } from '../../model/index.ts';
import type { AttachmentMeta, ReportContent } from '../../reports/report.ts';
import { reportBundle } from '../../reports/stix.ts';
import type { Report, ReportReader, ReportStore } from '../reports.ts';
import { objectRow } from './objects.ts';
import { readableReport, REPORT_SELECT as SELECT, reportListQuery, reportPage, toReport, type ReportRow } from '../sql/reports.ts';
import { visibility } from './visibility.ts';

/** Reports in SQLite: every version kept whole, the current one's values indexed, attachments stored once by hash. */
export function sqliteReports(db: Database.Database): ReportStore {
  const checkRefs = (content: ReportContent, author: ReportReader | undefined, investigation: number | undefined): void => {
    if (investigation !== undefined) {
      const member = author
        ? db.prepare('SELECT 1 FROM investigation_members WHERE investigation_id = ? AND org_id = ?').get(investigation, author.org)
        : db.prepare('SELECT 1 FROM investigations WHERE id = ?').get(investigation);
      if (!member) throw new TixError('TIX_CASE_UNKNOWN', `no investigation ${investigation} that the author is a member of`);
    }
    const visible = author ? visibility(db, author.clearance, 'x') : { sql: '1', params: [] };
    for (const id of content.links.objects) {
      const found = db.prepare(`SELECT 1 FROM stix_objects x WHERE x.id = ? AND ${visible.sql} LIMIT 1`).get(id, ...visible.params);
      if (!found) throw new TixError('TIX_REPORT_BAD_REF', `the report links ${id}, which is not an object its author may read`);
    }
  };

  const writeVersion = (id: number, version: number, content: ReportContent, blobs: ReadonlyMap<string, Buffer>, user: number | undefined, at: number): void => {
    for (const [sha256, bytes] of blobs) db.prepare('INSERT OR IGNORE INTO attachments (sha256, size, content) VALUES (?, ?, ?)').run(sha256, bytes.length, bytes);
    db.prepare(
      `INSERT INTO report_versions (report_id, version, title, summary, body, published_at, links, attachments, user_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(id, version, content.title, content.summary ?? null, content.body, content.publishedAt, JSON.stringify(content.links), JSON.stringify(content.attachments), user ?? null, at);
    db.prepare('DELETE FROM report_indicators WHERE report_id = ?').run(id);
    const link = db.prepare('INSERT OR IGNORE INTO report_indicators (report_id, type, value) VALUES (?, ?, ?)');
    for (const indicator of content.links.indicators) link.run(id, indicator.type, indicator.value);
  };

  /**
   * A shared report (not an investigation's) is also a STIX `report` object of
   * the object store, so TAXII and the objects API serve it under the same
   * rules: it belongs to the source `reports:<owner id>:<distribution id>`,
   * shared under the report's distribution. Written in the report's own
   * transaction; each version is a new object version.
   */
  const publish = (report: Report, at: number): void => {
    if (report.investigation !== undefined) return;
    const name = `reports:${report.owner}:${report.distribution}`;
    db.prepare('INSERT INTO sources (name, created_at, distribution_id) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING').run(name, at, report.distribution);
    const source = (db.prepare('SELECT id FROM sources WHERE name = ?').get(name) as { id: number }).id;
    const origin = Number(
      db
        .prepare("INSERT INTO imports (source_id, origin, format, started_at, finished_at, status, counts) VALUES (?, ?, 'stix', ?, ?, 'committed', '{\"objects\":1}')")
        .run(source, `report ${report.id} version ${report.version}`, at, at).lastInsertRowid,
    );
    const object = reportBundle(report).objects.find((item) => item.type === 'report')!;
    const row = objectRow({ line: 1, tlp: report.tlp, object: object as StixObject });
    // date_added never goes back along seq (see the import session)
    const addedAt = Math.max(at, (db.prepare('SELECT max(added_at) AS at FROM stix_objects').get() as { at: number | null }).at ?? 0);
    const added = db
      .prepare(
        `INSERT INTO stix_objects (id, type, modified, spec_version, tlp, source_id, origin_import, origin_line, added_at, json, latest)
         VALUES (?, 'report', ?, '2.1', ?, ?, ?, 1, ?, ?, 1) ON CONFLICT (id, modified) DO NOTHING`,
      )
      .run(row.id, row.modified, report.tlp, source, origin, addedAt, row.json).changes;
    if (added) db.prepare('UPDATE stix_objects SET latest = 0 WHERE id = ? AND modified < ? AND latest = 1').run(row.id, row.modified);
  };

  const read = (id: number | string, reader: ReportReader | undefined, version?: number): Report | undefined => {
    const visible = readableReport(reader);
    const key = typeof id === 'number' ? 'r.id = ?' : 'r.stix_id = ?';
    const row = db
      .prepare(`${SELECT} WHERE ${key} AND v.version = ${version === undefined ? 'r.version' : '?'} AND ${visible.sql}`)
      .get(id, ...(version === undefined ? [] : [version]), ...visible.params) as ReportRow | undefined;
    return row && toReport(row);
  };

  return {
    async createReport(report, author) {
      return db.transaction(() => {
        checkRefs(report.content, author, report.investigation);
        const stixId = report.stixId ?? `report--${randomUUID()}`;
        if (db.prepare('SELECT 1 FROM reports WHERE stix_id = ?').get(stixId)) throw new ConflictError(`report ${stixId} exists already`);
        const id = Number(
          db
            .prepare(
              `INSERT INTO reports (stix_id, owner_org_id, distribution_id, tlp, pap, investigation_id, version, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`,
            )
            .run(stixId, report.owner, report.distribution, report.tlp, report.pap ?? null, report.investigation ?? null, report.createdAt, report.createdAt).lastInsertRowid,
        );
        writeVersion(id, 1, report.content, report.blobs, report.user, report.createdAt);
        const created = read(id, undefined)!;
        publish(created, report.createdAt);
        return created;
      }).immediate();
    },

    async reviseReport(id, revision, author) {
      return db.transaction(() => {
        const current = read(id, author);
        if (!current || (author && current.owner !== author.org)) return undefined;
        checkRefs(revision.content, author, undefined);
        const version = current.latestVersion + 1;
        writeVersion(id, version, revision.content, revision.blobs, revision.user, revision.at);
        db.prepare('UPDATE reports SET version = ?, updated_at = ? WHERE id = ?').run(version, revision.at, id);
        const revised = read(id, undefined)!;
        publish(revised, revision.at);
        return revised;
      }).immediate();
    },

    async getReport(id, reader, version) {
      return read(id, reader, version);
    },

    async listReports(query) {
      const list = reportListQuery(query);
      return reportPage(db.prepare(list.sql).all(...list.params) as ReportRow[], query.limit);
    },

    async getAttachment(reportId, sha256, reader) {
      const visible = readableReport(reader);
      const rows = db
        .prepare(`SELECT v.attachments FROM reports r JOIN report_versions v ON v.report_id = r.id WHERE r.id = ? AND ${visible.sql}`)
        .all(reportId, ...visible.params) as Array<{ attachments: string }>;
      const meta = rows.flatMap((row) => JSON.parse(row.attachments) as AttachmentMeta[]).find((item) => item.sha256 === sha256);
      if (!meta) return undefined;
      const blob = db.prepare('SELECT content FROM attachments WHERE sha256 = ?').get(sha256) as { content: Buffer } | undefined;
      return blob && { meta, content: blob.content };
    },
  };
}
