import type Database from 'better-sqlite3';
import { BatchReader, type ObservationBatch } from '../batch.ts';
import { CELL_COLUMNS, type ImportParams, literal, placeholder, ROWS_PER_INSERT, STAGE_COLUMNS } from './import-sql.ts';
import { filterBits, SeenFilter } from '../seen-filter.ts';

/**
 * Page cache of a first load. It only appends, at the end of each table and kept index, so a cache that holds
 * those pages does as well as a large one, and the memory is left to the parser.
 */
const FRESH_CACHE = -16384;

/**
 * Indexes a first load keeps up to date rather than rebuilds: new values take ids in increasing order, so
 * their observations land at the end of these (or, for the malware index, at the end of each family's run)
 * instead of at random places. Kept, they cost less than the full scan of observations each rebuild needs.
 */
export const KEPT_IN_FRESH_LOAD = new Set(['observations_source', 'observations_malware', 'observations_object']);

const INDICATOR_WIDTH = 9;

/**
 * The first load of an empty store, inside the import's transaction: each
 * value not met before in this import is appended (new ids in input order,
 * many rows bound to a statement straight into the tables, nothing looked up);
 * a value the filter of hashes seen may have met is held back in
 * `temp.import_held`, for the session to merge at commit once the indexes
 * are built again.
 */
export class FreshLoad {
  /** Rows held back for the commit: values perhaps met before in this import. */
  held = 0;
  /** Made at the first batch, which tells how densely the input holds values. */
  private filter: SeenFilter | undefined;
  /** `ROWS_PER_INSERT` rows, and one row. */
  private readonly indicators: [Database.Statement, Database.Statement];
  private readonly bareObservations: [Database.Statement, Database.Statement];
  private readonly fullObservations: [Database.Statement, Database.Statement];
  private readonly holdRow: Database.Statement;
  private readonly prefix: Database.Statement;
  private readonly prefixes = new Set<string>();
  /** Highest id given so far. */
  private lastId = 0;

  constructor(
    db: Database.Database,
    private readonly params: ImportParams,
    private readonly sizeHint: number | undefined,
  ) {
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS import_held (${STAGE_COLUMNS})`);
    db.exec('DELETE FROM temp.import_held');
    const many = (sql: (rows: number) => string): [Database.Statement, Database.Statement] => [db.prepare(sql(ROWS_PER_INSERT)), db.prepare(sql(1))];
    const rows = (row: string, count: number): string => new Array(count).fill(row).join(', ');
    const [now, source, importId, tlp, confidence] = [params.now, params.source, params.import, params.tlp, params.confidence].map(literal);
    // OR FAIL: a failed statement need not undo its own earlier rows (the whole import is rolled back), so SQLite
    // keeps no statement journal for these many-row inserts
    this.indicators = many(
      (count) => `INSERT OR FAIL INTO indicators (id, hash, type, value, ip_first, ip_last, host_key, first_seen, last_seen, added_at)
        VALUES ${rows(`(?, ?, ?, ?, unhex(?), unhex(?), ?, ?, ?, ${now})`, count)}`,
    );
    this.bareObservations = many(
      (count) => `INSERT OR FAIL INTO observations (indicator_id, source_id, first_seen, last_seen, confidence, tlp, raw, origin_import, origin_line, added_at, updated_at)
        VALUES ${rows(`(?, ${source}, ?, ?, ${confidence}, ${tlp}, ?, ${importId}, ?, ${now}, ${now})`, count)}`,
    );
    this.fullObservations = many(
      (count) => `INSERT OR FAIL INTO observations (indicator_id, source_id, first_seen, last_seen, confidence, threat_type, malware, tags,
          reference, tlp, valid_until, revoked_at, raw, origin_import, origin_line, added_at, updated_at, object_id)
        VALUES ${rows(`(?, ${source}, ?, ?, coalesce(?, ${confidence}), ?, ?, ?, ?, coalesce(?, ${tlp}), ?, ?, ?, ${importId}, ?, ${now}, ${now}, ?)`, count)}`,
    );
    this.holdRow = db.prepare(`INSERT INTO temp.import_held (${CELL_COLUMNS.join(', ')}) VALUES (${CELL_COLUMNS.map(placeholder).join(', ')})`);
    this.prefix = db.prepare('INSERT OR IGNORE INTO cidr_prefixes (family, prefix) VALUES (?, ?)');
    db.pragma(`cache_size = ${FRESH_CACHE}`);
  }

  /** Appends a batch's values not met before and holds back the others; returns how many it appended. */
  append(batch: ObservationBatch): number {
    const filter = (this.filter ??= new SeenFilter(filterBits(this.sizeHint, batch)));
    const reader = new BatchReader(batch);
    const bare = batch.bare;
    const [observationsMany, observationsOne] = bare ? this.bareObservations : this.fullObservations;
    const observationWidth = bare ? 5 : 14;
    const indicators: unknown[] = new Array(ROWS_PER_INSERT * INDICATOR_WIDTH);
    const observations: unknown[] = new Array(ROWS_PER_INSERT * observationWidth);
    const now = this.params.now;
    let appended = 0;
    let rows = 0;
    let i = 0;
    let o = 0;
    for (let row = 0; row < batch.length; row++) {
      reader.next();
      if (filter.add(reader.hash)) {
        this.hold(reader);
        continue;
      }
      const id = ++this.lastId;
      indicators[i] = id;
      indicators[i + 1] = reader.hash;
      indicators[i + 2] = reader.type;
      indicators[i + 3] = reader.value;
      indicators[i + 4] = reader.ipFirst;
      indicators[i + 5] = reader.ipLast ?? reader.ipFirst;
      indicators[i + 6] = reader.hostKey;
      indicators[i + 7] = reader.firstSeen;
      indicators[i + 8] = reader.lastSeen;
      i += INDICATOR_WIDTH;
      observations[o] = id;
      observations[o + 1] = reader.firstSeen;
      observations[o + 2] = reader.lastSeen;
      if (bare) {
        observations[o + 3] = reader.raw;
        observations[o + 4] = reader.line;
      } else {
        observations[o + 3] = reader.confidence;
        observations[o + 4] = reader.threatType;
        observations[o + 5] = reader.malware;
        observations[o + 6] = reader.tags;
        observations[o + 7] = reader.reference;
        observations[o + 8] = reader.tlp;
        observations[o + 9] = reader.validUntil;
        observations[o + 10] = reader.revoked ? now : null;
        observations[o + 11] = reader.raw;
        observations[o + 12] = reader.line;
        observations[o + 13] = reader.objectId;
      }
      o += observationWidth;
      if (reader.type === 'cidr') this.notePrefix(reader.value);
      if (++rows === ROWS_PER_INSERT) {
        this.indicators[0].run(indicators);
        observationsMany.run(observations);
        appended += rows;
        rows = i = o = 0;
      }
    }
    for (let row = 0; row < rows; row++) {
      this.indicators[1].run(indicators.slice(row * INDICATOR_WIDTH, (row + 1) * INDICATOR_WIDTH));
      observationsOne.run(observations.slice(row * observationWidth, (row + 1) * observationWidth));
    }
    return appended + rows;
  }

  private hold(reader: BatchReader): void {
    this.holdRow.run(
      reader.hash, reader.type, reader.value, reader.ipFirst, reader.ipLast, reader.hostKey, reader.firstSeen, reader.lastSeen, reader.raw, reader.line, 1,
      reader.confidence, reader.threatType, reader.malware, reader.tags, reader.reference, reader.tlp, reader.validUntil, reader.revoked, reader.objectId,
    );
    this.held++;
  }

  /** CIDR prefix lengths held, for "which blocks contain this IP". */
  private notePrefix(cidr: string): void {
    const family = cidr.includes(':') ? 6 : 4;
    const prefix = Number(cidr.slice(cidr.indexOf('/') + 1));
    const key = `${family}/${prefix}`;
    if (this.prefixes.has(key)) return;
    this.prefixes.add(key);
    this.prefix.run(family, prefix);
  }
}

/** Inputs from this size (bytes) up are first loads worth writing outside the WAL. */
export const DIRECT_WRITE_MIN_BYTES = 16 * 2 ** 20;

/**
 * Before the first load of a large input into an empty store: leaves WAL mode for a rollback journal when no
 * other connection has the store open, so each page is written once into the file, not into the WAL and then
 * again by the checkpoint (a 1M-row CSV writes some 550 MB; this took a fifth off its load). Pages added at the
 * end of the file need no journal, so the journal stays small, and a crash still leaves the empty store behind.
 * Until the load commits, other processes that open the store wait for it (the store was empty: they miss nothing).
 * Returns whether it switched; `restoreWal` undoes it once the transaction is over.
 */
export function leaveWalForFirstLoad(db: Database.Database, sizeHint: number | undefined): boolean {
  if ((sizeHint ?? 0) < DIRECT_WRITE_MIN_BYTES) return false;
  if (db.prepare('SELECT 1 FROM indicators LIMIT 1').get() !== undefined) return false;
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  // another connection in WAL mode makes the switch fail at once: then the load goes through the WAL as usual
  db.pragma('busy_timeout = 0');
  try {
    return db.pragma('journal_mode = DELETE', { simple: true }) === 'delete';
  } catch {
    return false;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}

/**
 * Back to WAL mode once the first load's transaction is over. It cannot fail the import: should another process
 * hold the store at that moment, the store stays on its rollback journal until the next open sets WAL again.
 */
export function restoreWal(db: Database.Database): void {
  try {
    db.pragma('journal_mode = WAL');
  } catch {
    // SQLITE_BUSY: see above
  }
}
