import type { Enrichment } from '../../enrich/index.ts';
import { StoreError } from '../../errors.ts';
import type { IndicatorType } from '../../model/index.ts';
import { valueHash } from '../../normalise/index.ts';
import type { EnrichmentRun, EnrichmentSourceRecord, OperationsStore } from '../operations.ts';
import { toEnrichment, type EnrichmentRow } from '../sql/operations.ts';
import { postgresContacts } from './contacts.ts';
import type { Db, Session, Sql } from './db.ts';
import { storable } from './text.ts';

export type EnrichmentPart = Pick<OperationsStore, 'applyEnrichment' | 'enrichmentOf' | 'enrichmentSources' | 'putContacts' | 'listContacts'>;

/** Values read per page, by id. */
const PAGE = 20_000;
/** Changed rows written per statement: one statement per row would cost far more than the row. */
export const WRITE_BATCH = 10_000;
/** Values looked up per statement by enrichmentOf. */
const LOOKUP_BATCH = 5_000;

/** A value and what is stored for it: id, type, value, then the location row's key, country, AS and registrable domain. */
type HeldRow = [number, IndicatorType, string, number | null, string | null, number | null, string | null];

/** Changed locations, written a batch at a time in the enrichment's transaction. */
class LocationWriter {
  private ids: number[] = [];
  private countries: Array<string | null> = [];
  private asns: Array<number | null> = [];
  private registrables: Array<string | null> = [];
  private removed: number[] = [];

  constructor(private readonly sql: Sql) {}

  async put(id: number, country: string | null, asn: number | null, registrable: string | null): Promise<void> {
    this.ids.push(id);
    this.countries.push(country);
    this.asns.push(asn);
    this.registrables.push(registrable);
    if (this.ids.length >= WRITE_BATCH) await this.flushPut();
  }

  async remove(id: number): Promise<void> {
    this.removed.push(id);
    if (this.removed.length >= WRITE_BATCH) await this.flushRemove();
  }

  async flush(): Promise<void> {
    await this.flushPut();
    await this.flushRemove();
  }

  private async flushPut(): Promise<void> {
    if (!this.ids.length) return;
    await this.sql.run(
      `INSERT INTO indicator_locations (indicator_id, country, asn, registrable)
       SELECT * FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::text[])
       ON CONFLICT (indicator_id) DO UPDATE SET country = excluded.country, asn = excluded.asn, registrable = excluded.registrable`,
      [this.ids, this.countries, this.asns, this.registrables],
    );
    this.ids = [];
    this.countries = [];
    this.asns = [];
    this.registrables = [];
  }

  private async flushRemove(): Promise<void> {
    if (!this.removed.length) return;
    await this.sql.run('DELETE FROM indicator_locations WHERE indicator_id = ANY(?::bigint[])', [this.removed]);
    this.removed = [];
  }
}

async function enrichAll(sql: Session, enrich: (type: IndicatorType, value: string) => Enrichment, sources: readonly EnrichmentSourceRecord[], now: number): Promise<EnrichmentRun> {
  // one enrichment at a time on this database: two would write the same rows
  await sql.exec("SELECT pg_advisory_xact_lock(hashtext('tix:enrich'))");
  const run: EnrichmentRun = { scanned: 0, changed: 0, located: 0 };
  const names = new Map<number, string>();
  const writer = new LocationWriter(sql);
  // one cursor over every value with what is stored for it, in id order: a single merge join, read a page at a time
  await sql.exec(`DECLARE enrich_values NO SCROLL CURSOR FOR
    SELECT i.id, i.type, i.value, l.indicator_id, l.country, l.asn, l.registrable
    FROM indicators i LEFT JOIN indicator_locations l ON l.indicator_id = i.id
    WHERE i.ip_first IS NOT NULL OR i.host_key IS NOT NULL ORDER BY i.id`);
  for (;;) {
    const { rows } = await sql.client.query<HeldRow>({ text: `FETCH ${PAGE} FROM enrich_values`, rowMode: 'array' });
    for (const [id, type, value, held, stored, storedAsn, storedRegistrable] of rows) {
      const found = enrich(type, value);
      run.scanned++;
      const country = found.country ?? null;
      const asn = found.asn ?? null;
      const registrable = found.registrable ?? null;
      if (country !== null) run.located++;
      if (asn !== null && found.asOrg && !names.has(asn)) names.set(asn, found.asOrg);
      // only what changed is written: a second run over the same data writes nothing
      if (country === stored && asn === storedAsn && registrable === storedRegistrable) continue;
      if (country === null && asn === null && registrable === null) {
        if (held === null) continue;
        await writer.remove(id);
      } else {
        await writer.put(id, country, asn, registrable);
      }
      run.changed++;
    }
    if (rows.length < PAGE) break;
  }
  await sql.exec('CLOSE enrich_values');
  await writer.flush();
  if (names.size) {
    await sql.run(
      `INSERT INTO as_names (asn, name) SELECT * FROM unnest(?::bigint[], ?::text[])
       ON CONFLICT (asn) DO UPDATE SET name = excluded.name WHERE as_names.name <> excluded.name`,
      [[...names.keys()], [...names.values()]],
    );
  }
  for (const { kind, source } of sources) {
    await sql.run(
      `INSERT INTO enrichment_sources (kind, name, built_at, applied_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (kind) DO UPDATE SET name = excluded.name, built_at = excluded.built_at, applied_at = excluded.applied_at`,
      // a data file's time may carry a fraction of a millisecond (its mtime): times are whole milliseconds here
      [kind, source.name, source.builtAt === undefined ? null : Math.round(source.builtAt), Math.round(now)],
    );
  }
  return run;
}

/**
 * Enrichment kept with values, in PostgreSQL. Applied in one transaction:
 * values are read a page at a time by id with what is stored for them, and
 * only rows whose result changed are written, in batches of set-based
 * statements. The country index is kept up to date as rows are written,
 * not dropped and built again as in SQLite: dropping it would lock every
 * other server process out of the locations until the run commits.
 */
export function postgresEnrichment(db: Db): EnrichmentPart {
  return {
    async applyEnrichment(enrich, sources, now) {
      try {
        return await db.transaction((sql) => enrichAll(sql, enrich, sources, now));
      } catch (error) {
        throw new StoreError('TIX_STORE_FAILED', `enrichment not stored: ${(error as Error).message}`, { cause: error });
      }
    },

    async enrichmentOf(values) {
      const out: Array<Enrichment | undefined> = new Array(values.length).fill(undefined);
      for (let start = 0; start < values.length; start += LOOKUP_BATCH) {
        // a value with a NUL is held by no row (and could not be sent)
        const chunk = values.slice(start, start + LOOKUP_BATCH).map((item) => (storable(item.value) ? item : { type: item.type, value: '' }));
        const rows = await db.all<EnrichmentRow & { n: number }>(
          `SELECT q.n, l.country, l.asn, n.name AS as_org, l.registrable
           FROM unnest(?::bigint[], ?::text[], ?::text[]) WITH ORDINALITY AS q(hash, value, type, n)
           JOIN indicators i ON i.hash = q.hash AND i.value = q.value AND i.type = q.type
           JOIN indicator_locations l ON l.indicator_id = i.id LEFT JOIN as_names n ON n.asn = l.asn`,
          [chunk.map(({ type, value }) => valueHash(type, value)), chunk.map((item) => item.value), chunk.map((item) => item.type)],
        );
        for (const row of rows) out[start + row.n - 1] = toEnrichment(row);
      }
      return out;
    },

    async enrichmentSources() {
      const rows = await db.all<{ kind: 'geo' | 'asn'; name: string; built_at: number | null; applied_at: number }>(
        'SELECT kind, name, built_at, applied_at FROM enrichment_sources ORDER BY kind COLLATE "C"',
      );
      return rows.map(
        (row): EnrichmentSourceRecord => ({
          kind: row.kind,
          source: row.built_at === null ? { name: row.name } : { name: row.name, builtAt: row.built_at },
          appliedAt: row.applied_at,
        }),
      );
    },

    ...postgresContacts(db),
  };
}
