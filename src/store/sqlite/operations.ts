import type Database from 'better-sqlite3';
import { ConflictError, StoreError } from '../../errors.ts';
import type { IndicatorType, ThreatType, Tlp } from '../../model/index.ts';
import type { OperationsStore, ScopeRow } from '../operations.ts';
import { likeEscape, toOperation, toOperationOutcome, toPackage, type OperationOutcomeRow, type OperationRow, type PackageRow } from '../sql/operations.ts';
import { visibility } from './visibility.ts';

type OperationsPart = Omit<OperationsStore, 'applyEnrichment' | 'enrichmentOf' | 'enrichmentSources' | 'putContacts' | 'listContacts'>;

const SELECT_OPERATION = `SELECT op.*, (SELECT group_concat(org_id) FROM operation_partners p WHERE p.operation_id = op.id) AS partners FROM operations op`;

/** Operations, their scope, outcomes, packages and the notification record, in SQLite. */
export function sqliteOperations(db: Database.Database): OperationsPart {
  const fail = (what: string, error: unknown): never => {
    throw new StoreError('TIX_STORE_FAILED', `${what}: ${(error as Error).message}`, { cause: error });
  };
  return {
    async createOperation(operation, now) {
      if (db.prepare('SELECT 1 FROM operations WHERE name = ?').get(operation.name)) throw new ConflictError(`operation ${operation.name} already exists`);
      let id = 0;
      try {
        db.transaction(() => {
          id = Number(
            db
              .prepare('INSERT INTO operations (name, countries, starts_at, ends_at, agreement_id, tag, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
              .run(operation.name, operation.countries.join(','), operation.startsAt, operation.endsAt, operation.agreement ?? null, operation.tag, now).lastInsertRowid,
          );
          const partner = db.prepare('INSERT OR IGNORE INTO operation_partners (operation_id, org_id) VALUES (?, ?)');
          for (const org of operation.partners) partner.run(id, org);
        })();
      } catch (error) {
        fail(`operation ${operation.name} not created`, error);
      }
      return toOperation(db.prepare(`${SELECT_OPERATION} WHERE op.id = ?`).get(id) as OperationRow);
    },

    async findOperation(name) {
      const row = db.prepare(`${SELECT_OPERATION} WHERE op.name = ?`).get(name) as OperationRow | undefined;
      return row && toOperation(row);
    },

    async listOperations() {
      return (db.prepare(`${SELECT_OPERATION} ORDER BY op.starts_at, op.name`).all() as OperationRow[]).map(toOperation);
    },

    async addOperationOutcome(operation, outcome, now) {
      const result = db
        .prepare('INSERT INTO operation_outcomes (operation_id, kind, country, at, count, amount, currency, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(operation, outcome.kind, outcome.country, outcome.at, outcome.count, outcome.amount ?? null, outcome.currency ?? null, outcome.note ?? null, now);
      return { ...outcome, id: Number(result.lastInsertRowid) };
    },

    async listOperationOutcomes(operation) {
      return (db.prepare('SELECT * FROM operation_outcomes WHERE operation_id = ? ORDER BY at, id').all(operation) as OperationOutcomeRow[]).map(toOperationOutcome);
    },

    async *scopeRows(query) {
      const visible = query.clearance && visibility(db, query.clearance, 'o');
      const tag = likeEscape(query.tag.toLowerCase());
      const countries = query.countries.length ? query.countries : ['--'];
      // the values tagged for the operation, found once: a subquery in the paged statement would scan every observation per page
      const tagged = (
        db
          .prepare(
            `SELECT DISTINCT indicator_id FROM observations WHERE (',' || lower(tags) || ',') LIKE ? ESCAPE '\\' OR (',' || lower(tags) || ',') LIKE ? ESCAPE '\\'`,
          )
          .pluck()
          .all(`%,${tag},%`, `%,${tag}:__,%`) as number[]
      ).sort((a, b) => a - b);
      const taggedJson = JSON.stringify(tagged);
      // "i.id >= ?" stands on its own so that each page starts at its first id: inside the OR, every page scanned from the first value
      const statement = db.prepare(
        `SELECT i.id, i.type, i.value, i.first_seen, i.last_seen, i.added_at, l.country, l.asn, NULL,
           o.source_id, NULL, o.threat_type, o.malware, o.tags, o.tlp, o.confidence
         FROM indicators i JOIN observations o ON o.indicator_id = i.id LEFT JOIN indicator_locations l ON l.indicator_id = i.id
         WHERE i.id >= ? AND (i.id > ? OR o.source_id > ?)
           AND (l.country IN (${countries.map(() => '?').join(',')})
             OR i.id IN (SELECT value FROM json_each(?)))
           AND i.first_seen <= ? AND i.last_seen >= ?
           AND o.revoked_at IS NULL AND (o.valid_until IS NULL OR o.valid_until > ?)
           ${visible ? `AND ${visible.sql}` : ''}
         ORDER BY i.id, o.source_id LIMIT ?`,
      );
      statement.raw(true);
      // sources are few: their names are looked up here rather than joined into every row
      const asNames = new Map((db.prepare('SELECT asn, name FROM as_names').all() as Array<{ asn: number; name: string }>).map((row) => [row.asn, row.name]));
      const sourceNames = new Map((db.prepare('SELECT id, name FROM sources').all() as Array<{ id: number; name: string }>).map((row) => [row.id, row.name]));
      const size = query.batch ?? 50_000;
      let afterId = 0;
      let afterSource = 0;
      for (;;) {
        const raw = statement.all(
          afterId,
          afterId,
          afterSource,
          ...countries,
          taggedJson,
          query.to,
          query.from,
          query.now,
          ...(visible?.params ?? []),
          size,
        ) as unknown[][];
        if (!raw.length) return;
        const rows = raw.map((a): ScopeRow => {
          const row: ScopeRow = {
            id: a[0] as number,
            type: a[1] as IndicatorType,
            value: a[2] as string,
            firstSeen: a[3] as number,
            lastSeen: a[4] as number,
            addedAt: a[5] as number,
            source: sourceNames.get(a[9] as number) ?? String(a[9]),
            tags: a[13] ? (a[13] as string).split(',') : [],
            tlp: a[14] as Tlp,
          };
          if (a[6] !== null) row.country = a[6] as string;
          if (a[7] !== null) {
            row.asn = a[7] as number;
            const name = asNames.get(row.asn);
            if (name) row.asOrg = name;
          }
          if (a[11] !== null) row.threatType = a[11] as ThreatType;
          if (a[12] !== null) row.malware = a[12] as string;
          if (a[15] !== null) row.confidence = a[15] as number;
          return row;
        });
        const last = raw[raw.length - 1]!;
        afterId = last[0] as number;
        afterSource = last[9] as number;
        yield rows;
        if (raw.length < size) return;
      }
    },

    async recordPackage(record) {
      db.prepare(
        'INSERT INTO operation_packages (operation_id, country, recipient_org, created_at, expires_at, path, manifest_sha256, items) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(record.operation, record.country, record.recipient ?? null, record.createdAt, record.expiresAt, record.path, record.manifestSha256, record.items);
    },

    async lastPackage(operation, country, recipient) {
      const row = db
        .prepare(
          `SELECT * FROM operation_packages WHERE operation_id = ? AND country = ? AND recipient_org IS ? ORDER BY created_at DESC, id DESC LIMIT 1`,
        )
        .get(operation, country, recipient ?? null) as PackageRow | undefined;
      return row && toPackage(row);
    },

    async notifiedEvents(recipient, events) {
      const found = new Set<string>();
      const statement = db.prepare(`SELECT event FROM notified_events WHERE recipient = ? AND event IN (${Array(500).fill('?').join(',')})`);
      for (let start = 0; start < events.length; start += 500) {
        const chunk = events.slice(start, start + 500);
        while (chunk.length < 500) chunk.push('\u0000');
        for (const row of statement.all(recipient, ...chunk) as Array<{ event: string }>) found.add(row.event);
      }
      return found;
    },

    async recordNotification(sent) {
      try {
        db.transaction(() => {
          const id = db
            .prepare('INSERT INTO notifications (recipient, subject, events, sent_at, message_id) VALUES (?, ?, ?, ?, ?)')
            .run(sent.recipient, sent.subject, sent.events.length, sent.sentAt, sent.messageId ?? null).lastInsertRowid;
          const event = db.prepare('INSERT OR IGNORE INTO notified_events (recipient, event, notification_id) VALUES (?, ?, ?)');
          for (const key of sent.events) event.run(sent.recipient, key, id);
        })();
      } catch (error) {
        fail(`notification to ${sent.recipient} not recorded`, error);
      }
    },
  };
}
