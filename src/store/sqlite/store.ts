import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../../errors.ts';
import { valueHash } from '../../normalise/index.ts';
import type { IndicatorDetail, IndicatorType } from '../../model/index.ts';
import type { Clearance } from '../../policy/index.ts';
import type { AccessStore, AuditEntry } from '../access.ts';
import type { SightingStore } from '../sightings.ts';
import type { InvestigationStore } from '../investigations.ts';
import type { ReportStore } from '../reports.ts';
import type { OperationsStore } from '../operations.ts';
import type {
  FeedDefinition,
  FeedState,
  ImportMeta,
  ImportRecord,
  ImportSession,
  IndicatorPage,
  ObjectPage,
  ObjectQuery,
  ObjectVersions,
  IndicatorQuery,
  RevokeRequest,
  SourceSummary,
  Store,
  StoreStats,
  OverviewStats,
} from '../store.ts';
import { OverviewCounter } from './overview.ts';
import { listObjects, objectVersions } from './objects.ts';
import { sqliteAccess } from './access.ts';
import { sqliteSightings } from './sightings.ts';
import { sqliteInvestigations } from './investigations.ts';
import { sqliteReports } from './reports.ts';
import { sqliteWarninglists } from './warninglists.ts';
import type { WarninglistStore } from '../warninglists.ts';
import { sqliteEnrichment } from './enrichment.ts';
import { sqliteOperations } from './operations.ts';
import { sqliteMail } from './mail.ts';
import type { MailStore } from '../mail.ts';
import type { SyncStore } from '../sync.ts';
import { sqliteSync } from './sync.ts';
import type { CoordinationStore } from '../coordination.ts';
import { sqliteCoordination } from './coordination.ts';
import { listSources } from './sources.ts';
import { visibility, type Visibility } from './visibility.ts';
import { SqliteImportSession } from './import.ts';
import { migrate } from './migrations.ts';
import {
  OBSERVATION_COLUMNS,
  observationRow,
  OBSERVATION_JOINS,
  summarise,
  toSourceView,
  type IndicatorRow,
  type ObservationRow,
} from './rows.ts';
import { buildSearch } from '../sql/search.ts';
import { LIST_IMPORTS, pullUpdate, toFeedState, toImportRecord, type FeedRow, type ImportRow } from './feeds.ts';

/**
 * SQLite page cache (negative: KiB). Imports get 64 MiB, so random index inserts of large imports
 * stay in memory longer, while the parser thread's heap beside it keeps peak RSS at 10M values
 * under 500 MB; reads get 32 MiB, which
 * holds the upper levels of every index for lookups, while a scan of the whole store (an export)
 * does not fill memory with pages it will not read again.
 */
const IMPORT_CACHE = -65536;
const READ_CACHE = -32768;

// the access half of the Store interface (organisations, keys, agreements, audit) lives in access.ts, sightings in sightings.ts,
// reports in reports.ts, investigations in investigations.ts (requests and outcomes in rfis.ts)
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface SqliteStore extends AccessStore, SightingStore, ReportStore, InvestigationStore, WarninglistStore, OperationsStore, MailStore, CoordinationStore, SyncStore {}

/** The embedded store: one SQLite file (WAL) in the data directory. */
export class SqliteStore implements Store {
  readonly location: string;
  private readonly db: Database.Database;
  private prefixes: { v4: number[]; v6: number[] } | undefined;
  private importing = false;
  /**
   * Audit entries of other requests appended while an import was open. On this one connection they are part of
   * the import's transaction: if it is rolled back they are appended again, for the audit log must not lose them.
   */
  private auditedDuringImport: AuditEntry[] = [];
  private readonly statements = new Map<string, Database.Statement>();
  private overviewCounter: OverviewCounter | undefined;

  private constructor(file: string) {
    this.location = file;
    try {
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma(`cache_size = ${READ_CACHE}`);
      this.db.pragma('busy_timeout = 5000');
      migrate(this.db);
      Object.assign(this, sqliteAccess(this.db, (entries) => {
          if (this.importing) this.auditedDuringImport.push(...entries);
        }), sqliteSightings(this.db), sqliteReports(this.db), sqliteInvestigations(this.db), sqliteWarninglists(this.db), sqliteEnrichment(this.db), sqliteOperations(this.db), sqliteMail(this.db), sqliteCoordination(this.db), sqliteSync(this.db));
    } catch (error) {
      if (error instanceof StoreError) throw error;
      // a first load of a large feed writes the file outside the WAL and holds it until it commits (import-fresh.ts)
      const busy = (error as { code?: string }).code === 'SQLITE_BUSY' ? ' (another tix process is writing it, as a first load of a large feed does until it commits: try again when it has finished)' : '';
      throw new StoreError('TIX_STORE_FAILED', `cannot open the store at ${file}: ${(error as Error).message}${busy}`, { cause: error });
    }
  }

  /** Opens (creating if needed) the store in `directory`. */
  static open(directory: string): SqliteStore {
    mkdirSync(directory, { recursive: true });
    return new SqliteStore(join(directory, 'tix.db'));
  }

  /** A store in memory, gone when closed: for tests of code above the store. */
  static memory(): SqliteStore {
    return new SqliteStore(':memory:');
  }

  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  async beginImport(meta: ImportMeta): Promise<ImportSession> {
    if (this.importing) throw new StoreError('TIX_STORE_FAILED', 'another import is running on this store handle');
    this.importing = true;
    try {
      this.db.pragma(`cache_size = ${IMPORT_CACHE}`);
      const session = new SqliteImportSession(this.db, meta, async (committed) => {
        this.importing = false;
        this.prefixes = undefined;
        this.db.pragma(`cache_size = ${READ_CACHE}`);
        const audited = this.auditedDuringImport;
        this.auditedDuringImport = [];
        if (!committed && audited.length) await this.appendAudits(audited);
      });
      // inside the import's transaction: a failed import does not re-share the source either
      if (meta.distribution !== undefined) this.statement('UPDATE sources SET distribution_id = ? WHERE name = ?').run(meta.distribution, meta.source);
      return session;
    } catch (error) {
      this.importing = false;
      this.db.pragma(`cache_size = ${READ_CACHE}`);
      throw error;
    }
  }

  async cidrPrefixes(): Promise<{ v4: number[]; v6: number[] }> {
    if (!this.prefixes) {
      const rows = this.statement('SELECT family, prefix FROM cidr_prefixes').all() as Array<{ family: number; prefix: number }>;
      this.prefixes = {
        v4: rows.filter((row) => row.family === 4).map((row) => row.prefix),
        v6: rows.filter((row) => row.family === 6).map((row) => row.prefix),
      };
    }
    return this.prefixes;
  }

  async search(query: IndicatorQuery): Promise<IndicatorPage> {
    const visible = query.clearance && visibility(this.db, query.clearance, 'o');
    const built = buildSearch(query, query.containing ? await this.cidrPrefixes() : { v4: [], v6: [] }, visible);
    const rows = (this.statement(built.sql).raw(true).all(...built.params) as unknown[][]).map(
      (a): IndicatorRow => ({ id: a[0] as number, type: a[1] as string, value: a[2] as string, first_seen: a[3] as number, last_seen: a[4] as number, added_at: a[5] as number }),
    );
    const more = rows.length > query.limit;
    if (more) rows.pop();
    const views = this.observationsOf(rows.map((row) => row.id), visible);
    const items = rows.map((row) => summarise(row, (views.get(row.id) ?? []).map(toSourceView), query.now));
    const last = rows[rows.length - 1];
    return more && last ? { items, next: String(last.id) } : { items };
  }

  /** The observations of these values, only those the reader may see: a summary is made of visible views alone. */
  private observationsOf(ids: number[], visible?: Visibility): Map<number, ObservationRow[]> {
    const byId = new Map<number, ObservationRow[]>();
    const collect = (raw: unknown[][], wanted?: Set<number>): void => {
      for (const values of raw) {
        const row = observationRow(values);
        if (wanted && !wanted.has(row.indicator_id)) continue;
        const list = byId.get(row.indicator_id);
        if (list) list.push(row);
        else byId.set(row.indicator_id, [row]);
      }
    };
    // sources in name order, sorted here per value: a sort in SQL would cost as much as the whole read
    const bySource = (): Map<number, ObservationRow[]> => {
      for (const list of byId.values()) if (list.length > 1) list.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
      return byId;
    };
    const extra = visible ? `AND ${visible.sql}` : '';
    const first = ids[0];
    const last = ids[ids.length - 1];
    // a page of consecutive ids (a listing, an export) is read as one range walk of the primary key, not a long IN list
    if (first !== undefined && last !== undefined && ids.length > 50 && last - first < ids.length * 2) {
      const rows = this.statement(
        `SELECT ${OBSERVATION_COLUMNS} FROM observations o ${OBSERVATION_JOINS}
         WHERE o.indicator_id BETWEEN ? AND ? ${extra} ORDER BY o.indicator_id`,
      )
        .raw(true)
        .all(first, last, ...(visible?.params ?? [])) as unknown[][];
      collect(rows, last - first + 1 === ids.length ? undefined : new Set(ids));
      return bySource();
    }
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = ids.slice(start, start + 500);
      const rows = this.statement(
        `SELECT ${OBSERVATION_COLUMNS} FROM observations o ${OBSERVATION_JOINS}
         WHERE o.indicator_id IN (${chunk.map(() => '?').join(',')}) ${extra} ORDER BY o.indicator_id`,
      )
        .raw(true)
        .all(...chunk, ...(visible?.params ?? [])) as unknown[][];
      collect(rows);
    }
    return bySource();
  }

  async get(type: IndicatorType, value: string, now: number, clearance?: Clearance): Promise<IndicatorDetail | undefined> {
    const row = this.statement(
      'SELECT id, type, value, first_seen, last_seen, added_at FROM indicators WHERE hash = ? AND value = ? AND type = ?',
    ).get(valueHash(type, value), value, type) as IndicatorRow | undefined;
    if (!row) return undefined;
    const visible = clearance && visibility(this.db, clearance, 'o');
    const observations = (this.observationsOf([row.id], visible).get(row.id) ?? []).map(toSourceView);
    // a value no visible source reports does not exist for this reader
    if (!observations.length) return undefined;
    return { ...summarise(row, observations, now), observations };
  }

  async stats(): Promise<StoreStats> {
    const count = (sql: string): number => (this.statement(sql).get() as { n: number }).n;
    const grouped = (sql: string): Record<string, number> =>
      Object.fromEntries((this.statement(sql).all() as Array<{ k: string; n: number }>).map((row) => [row.k, row.n]));
    const bySource = this.statement(
      `SELECT s.name AS source, (SELECT count(*) FROM observations o WHERE o.source_id = s.id) AS indicators,
         (SELECT max(finished_at) FROM imports im WHERE im.source_id = s.id AND im.status = 'committed') AS last_import
       FROM sources s ORDER BY s.name`,
    ).all() as Array<{ source: string; indicators: number; last_import: number | null }>;
    return {
      indicators: count('SELECT count(*) AS n FROM indicators'),
      observations: count('SELECT count(*) AS n FROM observations'),
      byType: grouped('SELECT type AS k, count(*) AS n FROM indicators GROUP BY type ORDER BY type'),
      bySource: bySource.map((row) =>
        row.last_import === null
          ? { source: row.source, indicators: row.indicators }
          : { source: row.source, indicators: row.indicators, lastImport: row.last_import },
      ),
      byThreatType: grouped(
        "SELECT coalesce(threat_type, 'unknown') AS k, count(DISTINCT indicator_id) AS n FROM observations GROUP BY k ORDER BY k",
      ),
      byTlp: grouped('SELECT tlp AS k, count(DISTINCT indicator_id) AS n FROM observations GROUP BY tlp ORDER BY tlp'),
    };
  }

  async objectIdsOf(type: IndicatorType, value: string, clearance?: Clearance): Promise<string[]> {
    const visible = clearance ? visibility(this.db, clearance, 'o') : { sql: '1', params: [] };
    const rows = this.db
      .prepare(
        `SELECT DISTINCT o.object_id AS id FROM observations o JOIN indicators i ON i.id = o.indicator_id
         WHERE i.hash = ? AND i.value = ? AND i.type = ? AND o.object_id IS NOT NULL AND ${visible.sql} LIMIT 100`,
      )
      .all(valueHash(type, value), value, type, ...visible.params) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  async countByCountry(clearance?: Clearance): Promise<Array<{ country: string; indicators: number }>> {
    const visible = clearance ? visibility(this.db, clearance, 'o') : { sql: '1', params: [] };
    return this.db
      .prepare(
        `SELECT l.country, count(*) AS indicators FROM indicator_locations l
         WHERE l.country IS NOT NULL AND EXISTS (SELECT 1 FROM observations o WHERE o.indicator_id = l.indicator_id AND ${visible.sql})
         GROUP BY l.country ORDER BY indicators DESC, l.country`,
      )
      .all(...visible.params) as Array<{ country: string; indicators: number }>;
  }

  async overview(clearance?: Clearance): Promise<OverviewStats> {
    this.overviewCounter ??= new OverviewCounter(this.db);
    return this.overviewCounter.stats(clearance);
  }

  async count(query: Omit<IndicatorQuery, 'limit' | 'after'>): Promise<number> {
    const visible = query.clearance && visibility(this.db, query.clearance, 'o');
    const built = buildSearch({ ...query, limit: 0 }, query.containing ? await this.cidrPrefixes() : { v4: [], v6: [] }, visible);
    // the search without its page: the LIMIT parameter is last, and a negative LIMIT is none in SQLite
    built.params[built.params.length - 1] = -1;
    return (this.statement(`SELECT count(*) AS n FROM (${built.sql})`).get(...built.params) as { n: number }).n;
  }

  async listSources(clearance?: Clearance): Promise<SourceSummary[]> {
    return listSources(this.db, clearance);
  }

  async revoke(request: RevokeRequest): Promise<boolean> {
    const result = this.statement(
      `UPDATE observations SET revoked_at = @at, revoke_reason = @reason, updated_at = @at
       WHERE indicator_id = (SELECT id FROM indicators WHERE hash = @hash AND value = @value AND type = @type)
         AND source_id = (SELECT id FROM sources WHERE name = @source)`,
    ).run({
      at: request.at,
      reason: request.reason ?? null,
      hash: valueHash(request.type, request.value),
      value: request.value,
      type: request.type,
      source: request.source,
    });
    return result.changes > 0;
  }

  async listObjects(query: ObjectQuery): Promise<ObjectPage> {
    return listObjects(this.db, query);
  }

  async objectVersions(id: string, clearance?: Clearance): Promise<ObjectVersions | undefined> {
    return objectVersions(this.db, id, clearance);
  }

  async listImports(limit: number): Promise<ImportRecord[]> {
    return (this.statement(LIST_IMPORTS).all(limit) as ImportRow[]).map(toImportRecord);
  }

  async addFeed(feed: FeedDefinition, now: number): Promise<void> {
    this.statement(
      `INSERT INTO feeds (name, url, format, every_ms, mode, expire_after_ms, tlp, confidence, created_at)
       VALUES (@name, @url, @format, @everyMs, @mode, @expireAfterMs, @tlp, @confidence, @now)
       ON CONFLICT (name) DO UPDATE SET url = excluded.url, format = excluded.format, every_ms = excluded.every_ms,
         mode = excluded.mode, expire_after_ms = excluded.expire_after_ms, tlp = excluded.tlp, confidence = excluded.confidence`,
    ).run({
      name: feed.name,
      url: feed.url,
      format: feed.format ?? null,
      everyMs: feed.everyMs,
      mode: feed.mode,
      expireAfterMs: feed.expireAfterMs ?? null,
      tlp: feed.tlp ?? null,
      confidence: feed.confidence ?? null,
      now,
    });
  }

  async removeFeed(name: string): Promise<boolean> {
    return this.statement('DELETE FROM feeds WHERE name = ?').run(name).changes > 0;
  }

  async listFeeds(): Promise<FeedState[]> {
    return (this.statement('SELECT * FROM feeds ORDER BY name').all() as FeedRow[]).map(toFeedState);
  }

  async getFeed(name: string): Promise<FeedState | undefined> {
    const row = this.statement('SELECT * FROM feeds WHERE name = ?').get(name) as FeedRow | undefined;
    return row ? toFeedState(row) : undefined;
  }

  async recordPull(
    name: string,
    state: Partial<Pick<FeedState, 'etag' | 'lastModified' | 'lastPullAt' | 'lastStatus' | 'lastError' | 'lastCounts'>>,
  ): Promise<void> {
    const update = pullUpdate(name, state);
    if (update) this.db.prepare(update.sql).run(...update.params);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
