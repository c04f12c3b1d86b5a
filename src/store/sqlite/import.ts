import { availableParallelism } from 'node:os';
import type Database from 'better-sqlite3';
import type { Observation } from '../../model/index.ts';
import { BatchReader, encodeBatch, type ObservationBatch } from '../batch.ts';
import type { ImportCounts, ImportMeta, ImportSession, StoredObject } from '../store.ts';
import { ObjectWriter } from './import-objects.ts';
import { FreshLoad, KEPT_IN_FRESH_LOAD, leaveWalForFirstLoad, restoreWal } from './import-fresh.ts';
import { mergeHeldRepeats } from './import-held.ts';
import { BARE_COLUMNS, CELL_COLUMNS, FULL_COLUMNS, INSERT_NEW_OBSERVATIONS, type ImportParams, placeholder, ROWS_PER_INSERT, STAGE_COLUMNS, UPSERT_OBSERVATIONS } from './import-sql.ts';

const BULK_MIN_VALUES = 500_000;
/**
 * Page cache while indexes are built at commit. SQLite sizes its sort runs by the page cache, and
 * small runs sort faster: building the three indicator indexes over 10M values took 26 s with the
 * 128 MiB import cache and 11 s with 2 MiB (8 s with a helper thread).
 */
const SORT_CACHE = -2000;
/** Helper threads SQLite may use to sort while building indexes; the import's parser thread is idle by then. */
const SORT_THREADS = Math.min(2, Math.max(0, availableParallelism() - 1));
/**
 * Page cache while a first load merges the rows it held back: each merge reads and rewrites rows spread over the
 * whole store, so it wants the cache the appends did not need. The parser thread has ended by then.
 */
const HELD_MERGE_CACHE = -65536;

interface IndexDefinition {
  name: string;
  sql: string;
}

/**
 * An import as one SQLite transaction. Other connections (other processes:
 * WAL) see the store as it was until commit. The store's own connection is
 * shared: what else it writes while the import is open joins the import's
 * transaction (the store appends its audit entries again after a rollback).
 *
 * Into an empty store (a first load) the indicator indexes are dropped and
 * each value is appended as it comes, bound many rows to a statement straight
 * into the tables: nothing has to be looked up, except values met earlier in
 * the same import, which a filter of the hashes seen catches. Those rows are
 * held back and merged at commit, once the indexes are rebuilt from sorted
 * runs, which is far cheaper than millions of random B-tree inserts.
 *
 * Into a store that holds values, each batch goes to a temporary staging
 * table (many rows to a statement, in hash order), and then new values,
 * observation merges and the values' seen range are each one set-based
 * statement. Once an import has added many values (at least 500,000 and half
 * of what the store held), the secondary indexes are dropped and rebuilt at
 * commit as well.
 */
export class SqliteImportSession implements ImportSession {
  readonly id: number;
  private readonly sourceId: number;
  private readonly stageStatements: Map<number, Database.Statement> = new Map();
  private readonly findExisting: Database.Statement;
  private readonly insertIndicators: Database.Statement;
  private readonly assignNewIds: Database.Statement;
  private readonly maxId: Database.Statement;
  private readonly notePrefixes: Database.Statement;
  private readonly insertNewObservations: Database.Statement;
  private readonly upsertObservations: Database.Statement;
  private readonly widenSeen: Database.Statement;
  private readonly clearStage: Database.Statement;
  private readonly markSeen: Database.Statement | undefined;
  /** Writes this import's exchange objects, made with the first of them. */
  private objects: ObjectWriter | undefined;
  private readonly params: ImportParams;
  private counts: ImportCounts = { new: 0, updated: 0, unchanged: 0, delisted: 0, objects: 0 };
  private open = true;
  /** Values the store held when the import began (its highest id). */
  private readonly heldAtStart: number;
  private readonly fresh: FreshLoad | undefined;
  /** Indexes dropped for this import, rebuilt at commit inside the same transaction. */
  private dropped: IndexDefinition[] = [];
  /** The connection's foreign-key setting before the import, restored after it. */
  private readonly foreignKeys: number;
  /** A first load written outside the WAL (see `leaveWalForFirstLoad`): WAL mode comes back when it ends. */
  private readonly directWrite: boolean;

  constructor(
    private readonly db: Database.Database,
    private readonly meta: ImportMeta,
    /** Called once the transaction is over, committed or rolled back. */
    private readonly onFinish: (committed: boolean) => Promise<void>,
  ) {
    // Every reference an import writes is to a row it made or looked up itself (its source, its import, the ids it
    // gives values). Checked anyway, a foreign key makes each multi-row insert keep a statement journal (a copy of
    // every page it touches, written to a temporary file), which cost a CSV load more than its inserts did.
    // The setting takes effect only outside a transaction: off before BEGIN, back when the import ends.
    this.foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
    db.pragma('foreign_keys = OFF');
    this.directWrite = leaveWalForFirstLoad(db, meta.sizeHint);
    try {
      db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      this.restoreConnection();
      throw error;
    }
    try {
      db.exec(`CREATE TEMP TABLE IF NOT EXISTS import_stage (${STAGE_COLUMNS})`);
      db.exec('DELETE FROM temp.import_stage');
      this.maxId = db.prepare('SELECT coalesce(max(id), 0) AS id FROM indicators');
      this.heldAtStart = (this.maxId.get() as { id: number }).id;
      db.prepare('INSERT INTO sources (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING').run(meta.source, meta.startedAt);
      this.sourceId = (db.prepare('SELECT id FROM sources WHERE name = ?').get(meta.source) as { id: number }).id;
      this.id = Number(
        db
          .prepare("INSERT INTO imports (source_id, origin, format, started_at, status) VALUES (?, ?, ?, ?, 'running')")
          .run(this.sourceId, meta.origin, meta.format, meta.startedAt).lastInsertRowid,
      );
      this.params = {
        source: this.sourceId,
        import: this.id,
        now: meta.startedAt,
        tlp: meta.tlp,
        confidence: meta.confidence ?? null,
      };
      if (meta.fullDump && this.heldAtStart > 0) {
        db.exec('CREATE TEMP TABLE IF NOT EXISTS seen (id INTEGER PRIMARY KEY)');
        db.exec('DELETE FROM temp.seen');
        this.markSeen = db.prepare('INSERT OR IGNORE INTO temp.seen (id) SELECT indicator_id FROM temp.import_stage');
      }
      this.clearStage = db.prepare('DELETE FROM temp.import_stage');
      this.findExisting = db.prepare(`
        UPDATE temp.import_stage SET indicator_id = (
          SELECT i.id FROM indicators i WHERE i.hash = import_stage.hash AND i.value = import_stage.value AND i.type = import_stage.type)`);
      // new values take ids above every existing one, in staging order, so the table only ever grows at its end
      this.assignNewIds = db.prepare('UPDATE temp.import_stage SET indicator_id = @base + rowid, is_new = 1 WHERE indicator_id IS NULL');
      this.insertIndicators = db.prepare(`
        INSERT INTO indicators (id, hash, type, value, ip_first, ip_last, host_key, first_seen, last_seen, added_at)
        SELECT indicator_id, hash, type, value, ip_first, coalesce(ip_last, ip_first), host_key, first_seen, last_seen, @now FROM temp.import_stage
        WHERE is_new = 1 ORDER BY rowid`);
      this.notePrefixes = db.prepare(`
        INSERT OR IGNORE INTO cidr_prefixes (family, prefix)
        SELECT DISTINCT CASE WHEN instr(value, ':') > 0 THEN 6 ELSE 4 END, CAST(substr(value, instr(value, '/') + 1) AS INTEGER)
        FROM temp.import_stage WHERE is_new = 1 AND type = 'cidr'`);
      this.insertNewObservations = db.prepare(INSERT_NEW_OBSERVATIONS);
      this.upsertObservations = db.prepare(UPSERT_OBSERVATIONS);
      this.widenSeen = db.prepare(`
        UPDATE indicators SET first_seen = min(indicators.first_seen, s.first_seen), last_seen = max(indicators.last_seen, s.last_seen)
        FROM temp.import_stage s
        WHERE s.is_new IS NULL AND indicators.id = s.indicator_id
          AND (indicators.first_seen > s.first_seen OR indicators.last_seen < s.last_seen)`);
      if (this.heldAtStart === 0) {
        this.dropped = this.indicatorIndexes().filter((index) => !KEPT_IN_FRESH_LOAD.has(index.name));
        for (const index of this.dropped) db.exec(`DROP INDEX ${index.name}`);
        this.fresh = new FreshLoad(db, this.params, meta.sizeHint);
      }
    } catch (error) {
      db.exec('ROLLBACK');
      this.restoreConnection();
      throw error;
    }
  }

  async add(batch: readonly Observation[]): Promise<void> {
    await this.addBatch(encodeBatch(batch));
  }

  async addBatch(batch: ObservationBatch): Promise<void> {
    if (!this.open) throw new Error('import session is closed');
    if (batch.length === 0) return;
    if (this.fresh) {
      this.counts.new += this.fresh.append(batch);
      return;
    }
    this.stage(batch);
    this.mergeStaged(batch.length);
    this.clearStage.run();
    if (this.dropped.length === 0 && this.counts.new >= BULK_MIN_VALUES && this.counts.new >= this.heldAtStart / 2) {
      // a bulk load after all: the secondary indexes are cheaper rebuilt once than updated value by value
      this.dropped = this.indicatorIndexes().filter((index) => index.name !== 'indicators_hash');
      for (const index of this.dropped) this.db.exec(`DROP INDEX ${index.name}`);
    }
  }

  /** Binds a batch into the staging table, `ROWS_PER_INSERT` rows to a statement. */
  private stage(batch: ObservationBatch): void {
    const reader = new BatchReader(batch);
    const bare = batch.bare;
    const columns = bare ? BARE_COLUMNS : FULL_COLUMNS;
    const args: unknown[] = new Array(ROWS_PER_INSERT * columns);
    let at = 0;
    for (let row = 0; row < batch.length; row++) {
      reader.next();
      args[at] = reader.hash;
      args[at + 1] = reader.type;
      args[at + 2] = reader.value;
      args[at + 3] = reader.ipFirst;
      args[at + 4] = reader.ipLast;
      args[at + 5] = reader.hostKey;
      args[at + 6] = reader.firstSeen;
      args[at + 7] = reader.lastSeen;
      args[at + 8] = reader.raw;
      args[at + 9] = reader.line;
      args[at + 10] = null;
      if (!bare) {
        args[at + 11] = reader.confidence;
        args[at + 12] = reader.threatType;
        args[at + 13] = reader.malware;
        args[at + 14] = reader.tags;
        args[at + 15] = reader.reference;
        args[at + 16] = reader.tlp;
        args[at + 17] = reader.validUntil;
        args[at + 18] = reader.revoked;
        args[at + 19] = reader.objectId;
      }
      at += columns;
      if (at === args.length) {
        this.stageStatement(columns, ROWS_PER_INSERT).run(args);
        at = 0;
      }
    }
    if (at > 0) this.stageStatement(columns, at / columns).run(args.slice(0, at));
  }

  private stageStatement(columns: number, rows: number): Database.Statement {
    const key = columns * 1000 + rows;
    let statement = this.stageStatements.get(key);
    if (!statement) {
      const row = `(${CELL_COLUMNS.slice(0, columns).map(placeholder).join(', ')})`;
      statement = this.db.prepare(`INSERT INTO temp.import_stage (${CELL_COLUMNS.slice(0, columns).join(', ')}) VALUES ${new Array(rows).fill(row).join(', ')}`);
      // remainders of every size would each be a statement: keep only the full one
      if (rows === ROWS_PER_INSERT) this.stageStatements.set(key, statement);
    }
    return statement;
  }

  /** The staged rows (distinct values) merged into the store: new values inserted, the others' observations merged. */
  private mergeStaged(rows: number): void {
    this.findExisting.run();
    this.assignNewIds.run({ base: (this.maxId.get() as { id: number }).id });
    const created = this.insertIndicators.run({ now: this.params.now }).changes;
    if (created > 0) {
      this.notePrefixes.run();
      this.insertNewObservations.run(this.params);
    }
    const changed = created + (created < rows ? this.upsertObservations.run(this.params).changes : 0);
    this.widenSeen.run();
    this.markSeen?.run();
    this.counts.new += created;
    this.counts.updated += changed - created;
    this.counts.unchanged += rows - changed;
  }

  /**
   * The rows held back by a fresh import, merged once the indexes are back:
   * first the repeats of values it appended (`mergeHeldRepeats`); the rest,
   * values the filter only thought it had met, are staged like any batch, in
   * rounds, the n-th occurrence of each value in round n, so that each round
   * stages distinct values, in the order they were read.
   */
  private mergeHeld(): void {
    if (!this.fresh || this.fresh.held === 0) return;
    const db = this.db;
    db.pragma(`cache_size = ${HELD_MERGE_CACHE}`);
    const repeats = mergeHeldRepeats(db, this.params);
    this.counts.updated += repeats.changed;
    this.counts.unchanged += repeats.rows - repeats.changed;
    db.exec(`UPDATE temp.import_held SET round = r.n
      FROM (SELECT rowid AS id, row_number() OVER (PARTITION BY hash, type, value ORDER BY rowid) AS n FROM temp.import_held) AS r
      WHERE import_held.rowid = r.id`);
    db.exec('CREATE INDEX temp.import_held_round ON import_held (round, hash)');
    // no rows left gives no round
    const rounds = (db.prepare('SELECT coalesce(max(round), 0) AS n FROM temp.import_held').get() as { n: number }).n;
    const columns = CELL_COLUMNS.join(', ');
    const take = db.prepare(`INSERT INTO temp.import_stage (${columns}) SELECT ${columns} FROM temp.import_held WHERE round = ? ORDER BY hash`);
    for (let round = 1; round <= rounds; round++) {
      this.mergeStaged(take.run(round).changes);
      this.clearStage.run();
    }
    db.exec('DROP INDEX temp.import_held_round');
    db.exec('DELETE FROM temp.import_held');
    this.fresh.held = 0;
  }

  /** The secondary indexes of values and observations, which a first load drops and builds again at commit. */
  private indicatorIndexes(): IndexDefinition[] {
    return this.db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('indicators', 'observations') AND sql IS NOT NULL ORDER BY name")
      .all() as IndexDefinition[];
  }

  /** Builds the dropped indexes again, each from one sort of the table. */
  private rebuildIndexes(): void {
    if (this.dropped.length === 0) return;
    const db = this.db;
    const cache = db.pragma('cache_size', { simple: true }) as number;
    db.pragma(`cache_size = ${SORT_CACHE}`);
    db.pragma(`threads = ${SORT_THREADS}`);
    try {
      for (const index of this.dropped) db.exec(index.sql);
    } finally {
      db.pragma('threads = 0');
      db.pragma(`cache_size = ${cache}`);
    }
    this.dropped = [];
  }

  async addObjects(batch: readonly StoredObject[]): Promise<void> {
    if (!this.open) throw new Error('import session is closed');
    this.objects ??= new ObjectWriter(this.db, this.params);
    this.counts.objects += this.objects.add(batch);
  }

  async commit(summary: { read: number; accepted: number; rejected: number }): Promise<ImportCounts> {
    if (!this.open) throw new Error('import session is closed');
    try {
      this.rebuildIndexes();
      this.mergeHeld();
      // a fresh import had nothing to delist: the store held no values
      if (this.meta.fullDump && this.markSeen) {
        const expire = this.meta.fullDump.expireAfterMs ?? null;
        this.counts.delisted = this.db
          .prepare(
            `UPDATE observations SET listed = 0, updated_at = @now,
               valid_until = CASE WHEN @expire IS NULL THEN valid_until ELSE min(coalesce(valid_until, last_seen + @expire), last_seen + @expire) END
             WHERE source_id = @source AND listed = 1 AND indicator_id NOT IN (SELECT id FROM temp.seen)`,
          )
          .run({ now: this.params.now, expire, source: this.sourceId }).changes;
        this.db.exec('DELETE FROM temp.seen');
      }
      if (this.counts.objects > 0) this.objects?.linkMalware();
      if (this.meta.checkpoint) {
        this.db.prepare('UPDATE sync_state SET checkpoint = ? WHERE name = ?').run(this.meta.checkpoint.addedAfter, this.meta.checkpoint.sync);
      }
      this.db
        .prepare("UPDATE imports SET status = 'committed', finished_at = ?, counts = ? WHERE id = ?")
        .run(this.params.now, JSON.stringify({ ...summary, ...this.counts }), this.id);
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      // the commit's own failure is the one to report
      await this.finish(false).catch(() => {});
      throw error;
    }
    await this.finish(true);
    return { ...this.counts };
  }

  async rollback(): Promise<void> {
    if (!this.open) return;
    this.db.exec('ROLLBACK');
    await this.finish(false);
  }

  private finish(committed: boolean): Promise<void> {
    this.open = false;
    this.restoreConnection();
    return this.onFinish(committed);
  }

  /** The connection as it was before the import: its journal mode and foreign-key setting (both set outside a transaction). */
  private restoreConnection(): void {
    if (this.directWrite) restoreWal(this.db);
    this.db.pragma(`foreign_keys = ${this.foreignKeys}`);
  }
}
