import type Database from 'better-sqlite3';
import { StoreError } from '../../errors.ts';
import type { IndicatorType } from '../../model/index.ts';
import { valueHash } from '../../normalise/index.ts';
import type { EnrichmentRun, EnrichmentSourceRecord, OperationsStore } from '../operations.ts';
import { toContact, toEnrichment, type ContactRow, type EnrichmentRow } from '../sql/operations.ts';

/** Values read per page: small enough that a page's rows die young (50,000 cost a second of garbage collection per million). */
const PAGE = 8_192;
/** Changed rows past which the country index is dropped and built again once, rather than updated row by row. */
const REBUILD_INDEX_AFTER = 20_000;

type EnrichmentPart = Pick<OperationsStore, 'applyEnrichment' | 'enrichmentOf' | 'enrichmentSources' | 'putContacts' | 'listContacts'>;

/**
 * Enrichment columns and the contacts directory in SQLite. Enrichment is
 * applied in one transaction: values are read a page at a time by id with
 * what is stored for them, and only rows whose result changed are written,
 * so a second run over unchanged data writes nothing and leaves the index be.
 */
export function sqliteEnrichment(db: Database.Database): EnrichmentPart {
  return {
    async applyEnrichment(enrich, sources, now): Promise<EnrichmentRun> {
      // each value with what is stored for it, a page at a time by id: the join probes the locations by integer key
      const read = db.prepare(
        `SELECT i.id, i.type, i.value, l.indicator_id, l.country, l.asn, l.registrable FROM indicators i LEFT JOIN indicator_locations l ON l.indicator_id = i.id
         WHERE i.id > ? AND (i.ip_first IS NOT NULL OR i.host_key IS NOT NULL) ORDER BY i.id LIMIT ?`,
      );
      read.raw(true);
      // rows are written 256 to a statement: one call per row would cost more than the row
      const WRITE_BATCH = 256;
      const insert = (rows: number): Database.Statement =>
        db.prepare(`INSERT OR REPLACE INTO indicator_locations (indicator_id, country, asn, registrable) VALUES ${Array(rows).fill('(?, ?, ?, ?)').join(', ')}`);
      const writeMany = insert(WRITE_BATCH);
      const pending: unknown[] = [];
      const flush = (): void => {
        if (pending.length === WRITE_BATCH * 4) writeMany.run(pending);
        else if (pending.length) insert(pending.length / 4).run(pending);
        pending.length = 0;
      };
      const remove = db.prepare('DELETE FROM indicator_locations WHERE indicator_id = ?');
      const name = db.prepare('INSERT INTO as_names (asn, name) VALUES (?, ?) ON CONFLICT (asn) DO UPDATE SET name = excluded.name WHERE name <> excluded.name');
      const recordSource = db.prepare(
        `INSERT INTO enrichment_sources (kind, name, built_at, applied_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (kind) DO UPDATE SET name = excluded.name, built_at = excluded.built_at, applied_at = excluded.applied_at`,
      );
      const run: EnrichmentRun = { scanned: 0, changed: 0, located: 0 };
      const names = new Map<number, string>();
      let indexDropped = false;
      try {
        db.transaction(() => {
          let after = 0;
          for (;;) {
            const rows = read.all(after, PAGE) as Array<[number, IndicatorType, string, number | null, string | null, number | null, string | null]>;
            if (!rows.length) break;
            for (const [id, type, value, held, country, asn, registrable] of rows) {
              const found = enrich(type, value);
              run.scanned++;
              const nextCountry = found.country ?? null;
              const nextAsn = found.asn ?? null;
              const nextRegistrable = found.registrable ?? null;
              if (nextCountry !== null) run.located++;
              if (nextAsn !== null && found.asOrg && !names.has(nextAsn)) names.set(nextAsn, found.asOrg);
              if (nextCountry === country && nextAsn === asn && nextRegistrable === registrable) continue;
              if (nextCountry === null && nextAsn === null && nextRegistrable === null) {
                if (held === null) continue;
                remove.run(id);
              } else {
                pending.push(id, nextCountry, nextAsn, nextRegistrable);
                if (pending.length === WRITE_BATCH * 4) flush();
              }
              run.changed++;
              // many changes: the country index is rebuilt from sorted data at the end, cheaper than as many scattered inserts into it
              if (run.changed === REBUILD_INDEX_AFTER) {
                db.exec('DROP INDEX IF EXISTS indicator_locations_country');
                indexDropped = true;
              }
            }
            after = rows[rows.length - 1]![0];
          }
          flush();
          if (indexDropped) db.exec(`CREATE INDEX indicator_locations_country ON indicator_locations(country) WHERE country IS NOT NULL`);
          for (const [asn, org] of names) name.run(asn, org);
          for (const { kind, source } of sources) recordSource.run(kind, source.name, source.builtAt ?? null, now);
        })();
      } catch (error) {
        throw new StoreError('TIX_STORE_FAILED', `enrichment not stored: ${(error as Error).message}`, { cause: error });
      }
      return run;
    },

    async enrichmentOf(values) {
      const get = db.prepare(
        `SELECT l.country, l.asn, n.name AS as_org, l.registrable FROM indicators i
         JOIN indicator_locations l ON l.indicator_id = i.id LEFT JOIN as_names n ON n.asn = l.asn
         WHERE i.hash = ? AND i.value = ? AND i.type = ?`,
      );
      return values.map(({ type, value }) => {
        const row = get.get(valueHash(type, value), value, type) as EnrichmentRow | undefined;
        return row && toEnrichment(row);
      });
    },

    async enrichmentSources() {
      const rows = db.prepare('SELECT kind, name, built_at, applied_at FROM enrichment_sources ORDER BY kind').all() as Array<{
        kind: 'geo' | 'asn';
        name: string;
        built_at: number | null;
        applied_at: number;
      }>;
      return rows.map(
        (row): EnrichmentSourceRecord => ({
          kind: row.kind,
          source: row.built_at === null ? { name: row.name } : { name: row.name, builtAt: row.built_at },
          appliedAt: row.applied_at,
        }),
      );
    },

    async putContacts(contacts, now) {
      const upsert = db.prepare(
        `INSERT INTO contacts (scope, key, role, name, email, manual, origin, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (scope, key, role, manual) DO UPDATE SET name = excluded.name, email = excluded.email, origin = excluded.origin, updated_at = excluded.updated_at`,
      );
      try {
        db.transaction(() => {
          for (const c of contacts) upsert.run(c.scope, c.key, c.role, c.name, c.email ?? null, c.manual ? 1 : 0, c.origin ?? null, now);
        })();
      } catch (error) {
        throw new StoreError('TIX_STORE_FAILED', `contacts not stored: ${(error as Error).message}`, { cause: error });
      }
      return contacts.length;
    },

    async listContacts() {
      return (db.prepare('SELECT scope, key, role, name, email, manual, origin FROM contacts ORDER BY scope, key, role, manual DESC').all() as ContactRow[]).map(toContact);
    },
  };
}
