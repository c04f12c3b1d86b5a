import { ConflictError, StoreError } from '../../errors.ts';
import type { OperationsStore } from '../operations.ts';
import { toOperation, toOperationOutcome, toPackage, type OperationOutcomeRow, type OperationRow, type PackageRow } from '../sql/operations.ts';
import { pgCode, type Db } from './db.ts';
import type { EnrichmentPart } from './enrichment.ts';
import { scopeRows } from './scope.ts';
import { storable } from './text.ts';

type OperationsPart = Omit<OperationsStore, keyof EnrichmentPart>;

const SELECT_OPERATION = `SELECT op.id, op.name::text AS name, op.countries, op.starts_at, op.ends_at, op.agreement_id, op.tag, op.created_at,
    (SELECT string_agg(p.org_id::text, ',' ORDER BY p.org_id) FROM operation_partners p WHERE p.operation_id = op.id) AS partners
  FROM operations op`;

const EVENTS_BATCH = 5_000;

/** Operations, their scope, outcomes, packages and the notification record, in PostgreSQL. */
export function postgresOperations(db: Db): OperationsPart {
  const fail = (what: string, error: unknown): never => {
    throw new StoreError('TIX_STORE_FAILED', `${what}: ${(error as Error).message}`, { cause: error });
  };
  return {
    async createOperation(operation, now) {
      let id = 0;
      try {
        id = await db.transaction(async (sql) => {
          const { id: created } = (await sql.get<{ id: number }>(
            'INSERT INTO operations (name, countries, starts_at, ends_at, agreement_id, tag, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
            [operation.name, operation.countries.join(','), operation.startsAt, operation.endsAt, operation.agreement ?? null, operation.tag, now],
          ))!;
          if (operation.partners.length) {
            await sql.run('INSERT INTO operation_partners (operation_id, org_id) SELECT ?, unnest(?::bigint[]) ON CONFLICT DO NOTHING', [created, [...operation.partners]]);
          }
          return created;
        });
      } catch (error) {
        // the name is unique whatever its case, across every process
        if (pgCode(error) === '23505') throw new ConflictError(`operation ${operation.name} already exists`);
        fail(`operation ${operation.name} not created`, error);
      }
      return toOperation((await db.get<OperationRow>(`${SELECT_OPERATION} WHERE op.id = ?`, [id]))!);
    },

    async findOperation(name) {
      if (!storable(name)) return undefined;
      const row = await db.get<OperationRow>(`${SELECT_OPERATION} WHERE op.name = ?::citext`, [name]);
      return row && toOperation(row);
    },

    async listOperations() {
      return (await db.all<OperationRow>(`${SELECT_OPERATION} ORDER BY op.starts_at, op.name`)).map(toOperation);
    },

    async addOperationOutcome(operation, outcome, now) {
      const row = await db.get<{ id: number }>(
        'INSERT INTO operation_outcomes (operation_id, kind, country, at, count, amount, currency, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
        [operation, outcome.kind, outcome.country, outcome.at, outcome.count, outcome.amount ?? null, outcome.currency ?? null, outcome.note ?? null, now],
      );
      return { ...outcome, id: row!.id };
    },

    async listOperationOutcomes(operation) {
      const rows = await db.all<OperationOutcomeRow>('SELECT id, kind, country, at, count, amount, currency, note FROM operation_outcomes WHERE operation_id = ? ORDER BY at, id', [operation]);
      return rows.map(toOperationOutcome);
    },

    scopeRows(query) {
      return scopeRows(db, query);
    },

    async recordPackage(record) {
      await db.run(
        'INSERT INTO operation_packages (operation_id, country, recipient_org, created_at, expires_at, path, manifest_sha256, items) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [record.operation, record.country, record.recipient ?? null, record.createdAt, record.expiresAt, record.path, record.manifestSha256, record.items],
      );
    },

    async lastPackage(operation, country, recipient) {
      const row = await db.get<PackageRow>(
        `SELECT operation_id, country, recipient_org, created_at, expires_at, path, manifest_sha256, items FROM operation_packages
         WHERE operation_id = ? AND country = ? AND recipient_org IS NOT DISTINCT FROM ?::bigint ORDER BY created_at DESC, id DESC LIMIT 1`,
        [operation, country, recipient ?? null],
      );
      return row && toPackage(row);
    },

    async notifiedEvents(recipient, events) {
      const found = new Set<string>();
      for (let start = 0; start < events.length; start += EVENTS_BATCH) {
        const rows = await db.all<{ event: string }>('SELECT event FROM notified_events WHERE recipient = ? AND event = ANY(?::text[])', [recipient, events.slice(start, start + EVENTS_BATCH)]);
        for (const row of rows) found.add(row.event);
      }
      return found;
    },

    async recordNotification(sent) {
      try {
        await db.transaction(async (sql) => {
          const { id } = (await sql.get<{ id: number }>('INSERT INTO notifications (recipient, subject, events, sent_at, message_id) VALUES (?, ?, ?, ?, ?) RETURNING id', [
            sent.recipient,
            sent.subject,
            sent.events.length,
            sent.sentAt,
            sent.messageId ?? null,
          ]))!;
          if (sent.events.length) {
            await sql.run('INSERT INTO notified_events (recipient, event, notification_id) SELECT ?, unnest(?::text[]), ? ON CONFLICT DO NOTHING', [sent.recipient, [...sent.events], id]);
          }
        });
      } catch (error) {
        fail(`notification to ${sent.recipient} not recorded`, error);
      }
    },
  };
}
