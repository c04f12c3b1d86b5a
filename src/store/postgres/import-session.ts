import type { Observation } from '../../model/index.ts';
import { encodeBatch, type ObservationBatch } from '../batch.ts';
import type { ImportCounts, ImportMeta, ImportSession, StoredObject } from '../store.ts';
import type { Session } from './db.ts';
import { filterBits, SeenFilter } from '../seen-filter.ts';
import { copySource } from './copy-rows.ts';
import { batchHashes, copyBatches, CopyQueue, flagRepeats, LATER_TABLE, type PendingBatch, STAGE_TABLE } from './import-copy.ts';
import { DirectLoad, dropSecondaryIndexes } from './import-direct.ts';
import { ObjectWriter } from './import-objects.ts';
import {
  ADVANCE_IDS,
  bind,
  DELIST,
  FILL_FIRST_ROUND,
  FILL_LATER_ROUND,
  INSERT_FIRST_INDICATORS,
  INSERT_FIRST_OBSERVATIONS,
  INSERT_INDICATORS,
  LATER_ROUNDS,
  MERGE_LOCK,
  MOVE_LATER_ROUNDS,
  INSERT_NEW_OBSERVATIONS,
  NOTE_FIRST_PREFIXES,
  NOTE_PREFIXES,
  ROUND_TABLE,
  UPSERT_OBSERVATIONS,
  WIDEN_SEEN,
} from './import-sql.ts';

/** What inserts a round's new values: from import_round, or (round 1 into an empty store) from the stage. */
interface NewValueStatements {
  indicators: string;
  prefixes: string;
  observations: string;
}
const FROM_ROUND: NewValueStatements = { indicators: INSERT_INDICATORS, prefixes: NOTE_PREFIXES, observations: INSERT_NEW_OBSERVATIONS };
const FROM_STAGE: NewValueStatements = { indicators: INSERT_FIRST_INDICATORS, prefixes: NOTE_FIRST_PREFIXES, observations: INSERT_FIRST_OBSERVATIONS };

/**
 * Characters of batch text from which the batches taken are copied, together: each COPY costs the server
 * two round trips to the client, which it spends idle, and one per batch of a CSV feed's rows kept it idle
 * for a good part of a load (a batch ends at 256 KiB of input: batching.ts).
 */
const COPY_TEXT = 4 * 2 ** 20;
/**
 * Text of the first COPY: the server waits idle for it while the parser reads the batches it copies. Each
 * COPY after it may take twice the text of the one before, up to COPY_TEXT (a 1M-row CSV began its first COPY
 * some 0.3 s after its first batch when that one waited for COPY_TEXT).
 */
const FIRST_COPY_TEXT = 2 ** 18;
/** Memory for the merge's joins and sorts, and for index builds, for this transaction only. */
const MERGE_WORK_MEM = '256MB';
/**
 * New values from which a merge drops the secondary indexes of values and observations and builds them
 * again after its inserts (when they are also at least half of what the store held): one sort of the
 * table is far cheaper than a bulk of random index inserts. Readers of those tables wait for the import's
 * commit meanwhile, so only a load that at least doubles the store does it.
 */
const BULK_MIN_VALUES = 100_000;
/** A round with fewer rows than the store's values over this merges by lookups (mergeRound). */
const SMALL_ROUND_SHARE = 20;
/** Rows written from which the import refreshes the planner's statistics before it commits, rather than leaving the first reads to plan on stale ones (autovacuum comes later). */
const ANALYZE_AFTER_ROWS = 50_000;

interface Params {
  source: number;
  import: number;
  now: number;
  tlp: string;
  confidence: number | null;
}

/**
 * An import as one PostgreSQL transaction on a client of its own: readers
 * see the store as it was until commit, and a failed import changes nothing.
 * One import of a source at a time across every process (an advisory lock
 * on the source's name, held to commit).
 *
 * Batches are streamed by COPY into a temporary staging table a few
 * megabytes at a time (COPY_TEXT).
 * At commit the staged rows are merged set-based, under one lock that
 * orders the merges of all imports (so a value new to two imports at once
 * is created once): values in rounds of distinct values (a value's n-th
 * occurrence in round n), each round one statement per step: new values,
 * new observations, merged observations, widened seen ranges.
 */
export class PostgresImportSession implements ImportSession {
  private counts: ImportCounts = { new: 0, updated: 0, unchanged: 0, delisted: 0, objects: 0 };
  private open = true;
  /** Rows added so far: the next row's position. */
  private staged = 0;
  /** Rows in the staging table (all but those a direct load wrote). */
  private inStage = 0;
  private batches = 0;
  /** The values met so far, by hash: which rows of a batch may repeat one of an earlier batch. */
  /** Made at the first batch, which tells how densely the input holds values. */
  private seen: SeenFilter | undefined;
  /** Rows moved out of the stage to later rounds. */
  private later = 0;
  /** Whether round 1 went into a store that held no value (nothing of this source to delist then). */
  private firstLoad = false;
  private objects: ObjectWriter | undefined;
  /** The import's COPYs, one after another on its client. */
  private readonly copies: CopyQueue;
  /** Set at the first batch: a direct load (into an empty store), or null for staging every row. */
  private direct: DirectLoad | null | undefined;
  /** Batches taken but not yet copied, the rows among them a direct load writes, and the length of their text. */
  private pending: PendingBatch[] = [];
  private pendingFresh = 0;
  private pendingText = 0;
  /** Text of batches held from which they are copied: from FIRST_COPY_TEXT, doubled after each COPY, up to COPY_TEXT. */
  private copyText = FIRST_COPY_TEXT;

  private constructor(
    private readonly sql: Session,
    private readonly release: (error?: Error) => void,
    private readonly meta: ImportMeta,
    readonly id: number,
    private readonly params: Params,
  ) {
    this.copies = new CopyQueue(sql.client);
  }

  /** Opens the transaction, waits for any import of the same source to end, and records the import as running. */
  static async begin(session: { sql: Session; release: (error?: Error) => void }, meta: ImportMeta): Promise<PostgresImportSession> {
    const { sql, release } = session;
    try {
      await sql.exec('BEGIN');
      await sql.run("SELECT pg_advisory_xact_lock(hashtextextended('tix:import:' || ?::text, 0))", [meta.source]);
      await sql.exec(`SET LOCAL work_mem = '${MERGE_WORK_MEM}'; SET LOCAL maintenance_work_mem = '${MERGE_WORK_MEM}'`);
      await sql.exec(STAGE_TABLE);
      await sql.exec(LATER_TABLE);
      await sql.exec(ROUND_TABLE);
      await sql.run('INSERT INTO sources (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', [meta.source, meta.startedAt]);
      const source = (await sql.get<{ id: number }>('SELECT id FROM sources WHERE name = ?', [meta.source]))!.id;
      const id = (await sql.get<{ id: number }>(
        "INSERT INTO imports (source_id, origin, format, started_at, status) VALUES (?, ?, ?, ?, 'running') RETURNING id",
        [source, meta.origin, meta.format, meta.startedAt],
      ))!.id;
      // inside the import's transaction: a failed import does not re-share the source either
      if (meta.distribution !== undefined) await sql.run('UPDATE sources SET distribution_id = ? WHERE id = ?', [meta.distribution, source]);
      const params = { source, import: id, now: meta.startedAt, tlp: meta.tlp, confidence: meta.confidence ?? null };
      return new PostgresImportSession(sql, release, meta, id, params);
    } catch (error) {
      await end(sql, release, 'ROLLBACK');
      throw error;
    }
  }

  async add(batch: readonly Observation[]): Promise<void> {
    await this.addBatch(encodeBatch(batch));
  }

  async addBatch(batch: ObservationBatch): Promise<void> {
    this.assertOpen();
    if (batch.length === 0) return;
    if (this.direct === undefined) {
      this.direct = (await DirectLoad.start(this.sql, this.params, batch)) ?? null;
      if (this.direct) this.firstLoad = true;
    }
    this.seen ??= new SeenFilter(filterBits(this.meta.sizeHint, batch));
    const maybeRepeats = flagRepeats(this.seen, batchHashes(batch));
    const fresh = this.direct ? maybeRepeats.length - maybeRepeats.reduce((sum, flag) => sum + flag, 0) : 0;
    this.pending.push({ batch, first: this.staged, maybeRepeats, source: copySource(batch) });
    this.pendingFresh += fresh;
    this.pendingText += batch.text.length;
    this.counts.new += fresh;
    this.inStage += batch.length - fresh;
    this.staged += batch.length;
    this.batches++;
    if (this.pendingText >= this.copyText) {
      this.copyText = Math.min(COPY_TEXT, this.copyText * 2);
      await this.copyPending();
    }
  }

  /**
   * Queues the COPYs of the batches held, then waits for those queued before: their failure is this call's,
   * these ones' the next call's (or the commit's). They are made while the server takes those.
   */
  private async copyPending(): Promise<void> {
    const batches = this.pending;
    const fresh = this.pendingFresh;
    this.pending = [];
    this.pendingFresh = 0;
    this.pendingText = 0;
    const previous = this.copies.settled();
    this.direct?.add(this.copies, batches, fresh).catch(() => {});
    const staged = this.direct ? batches.filter(({ maybeRepeats }) => maybeRepeats.includes(1)) : batches;
    if (staged.length > 0) copyBatches(this.copies, staged, this.direct !== null).catch(() => {});
    await previous;
  }

  async addObjects(batch: readonly StoredObject[]): Promise<void> {
    this.assertOpen();
    // the objects' statements go on the same client: none while a COPY runs
    await this.copies.settled();
    this.objects ??= await ObjectWriter.open(this.sql, this.params);
    this.counts.objects += await this.objects.add(batch);
  }

  async commit(summary: { read: number; accepted: number; rejected: number }): Promise<ImportCounts> {
    this.assertOpen();
    this.open = false;
    try {
      await this.copyPending();
      await this.copies.settled();
      // values of one batch are distinct already; only across batches can one come again
      if (this.batches > 1 && this.inStage > 0) this.later = await this.sql.run(MOVE_LATER_ROUNDS);
      // the staged rows' statistics plan their joins with the values held: into an empty store (round 1 read as it
      // stands) no plan needs them, and a few thousand rows plan as well on the table's size alone
      const empty = !this.direct && (await this.sql.get<{ empty: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM indicators) AS empty'))!.empty;
      const analysed = [];
      if (!empty && this.inStage - this.later >= ANALYZE_AFTER_ROWS) analysed.push('import_stage');
      if (this.later >= ANALYZE_AFTER_ROWS) analysed.push('import_later');
      if (analysed.length > 0) await this.sql.exec(`ANALYZE ${analysed.join(', ')}`);
      await this.sql.exec(`SELECT pg_advisory_xact_lock(${MERGE_LOCK})`);
      // rows per round: round 1 is what stays in the stage
      const roundRows = this.inStage === 0 ? [] : [this.inStage - this.later];
      if (this.later > 0) for (const { rows } of await this.sql.all<{ rows: number }>(LATER_ROUNDS)) roundRows.push(rows);
      const rounds = roundRows.length;
      /** Rows written since the statistics of values and observations were last refreshed. */
      let unanalysed = 0;
      // a direct load's staged rows merge before its other indexes are built again, which then need no upkeep
      // for the rows they change: only the index they look values up by comes first
      if (this.direct && this.inStage > 0) await this.direct.buildIndexes(['indicators_hash']);
      for (let round = 1; round <= Math.max(rounds, 1); round++) {
        if (round <= rounds) unanalysed += await this.mergeRound(round, roundRows[round - 1]!);
        // later rounds look their values up one by one, which the planner only chooses knowing how many values round 1 wrote
        if (round === 1 && rounds > 1 && unanalysed >= ANALYZE_AFTER_ROWS) {
          await this.sql.exec('ANALYZE indicators, observations');
          unanalysed = 0;
        }
        // round 1 holds every value of the import: what a full dump no longer lists is what is not in it
        if (round === 1 && this.meta.fullDump && !this.firstLoad) {
          this.counts.delisted = await this.run(DELIST, { now: this.params.now, expire: this.meta.fullDump.expireAfterMs ?? null, source: this.params.source });
        }
        await this.sql.exec('TRUNCATE import_round');
      }
      if (this.direct) {
        await this.direct.finish();
        unanalysed += this.direct.rows;
      }
      // statistics first: the malware link below joins the rows just written, and plans on stale statistics go row by row
      if (unanalysed >= ANALYZE_AFTER_ROWS) await this.sql.exec('ANALYZE indicators, observations');
      if (this.counts.objects >= ANALYZE_AFTER_ROWS) await this.sql.exec('ANALYZE stix_objects');
      if (this.counts.objects > 0) await this.objects?.linkMalware();
      // a sync's page and its checkpoint land together, or neither does
      if (this.meta.checkpoint) await this.sql.run('UPDATE sync_state SET checkpoint = ? WHERE name = ?', [this.meta.checkpoint.addedAfter, this.meta.checkpoint.sync]);
      await this.sql.run("UPDATE imports SET status = 'committed', finished_at = ?, counts = ? WHERE id = ?", [
        this.params.now,
        JSON.stringify({ ...summary, ...this.counts }),
        this.id,
      ]);
    } catch (error) {
      await end(this.sql, this.release, 'ROLLBACK');
      throw error;
    }
    await end(this.sql, this.release, 'COMMIT');
    return { ...this.counts };
  }

  async rollback(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.copies.settled().catch(() => {});
    await end(this.sql, this.release, 'ROLLBACK');
  }

  /** One round of distinct values (`total` rows) merged into the store: new values inserted, the others' observations merged; the rows it wrote. */
  private async mergeRound(round: number, total: number): Promise<number> {
    const base = (await this.sql.get<{ id: number }>('SELECT coalesce(max(id), 0) AS id FROM indicators'))!.id;
    if (round === 1 && base === 0) return this.mergeFirstLoad();
    // a round small beside the store (the repeats of a first load, a day's feed): values and observations
    // looked up one by one by index, where the planner, pricing each lookup as a read from disk, scans both whole
    const small = total * SMALL_ROUND_SHARE < base;
    if (small) await this.sql.exec('SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off');
    try {
      return await this.mergeRoundRows(round, total, base, small);
    } finally {
      if (small) await this.sql.exec('RESET enable_hashjoin; RESET enable_mergejoin');
    }
  }

  private async mergeRoundRows(round: number, total: number, base: number, small: boolean): Promise<number> {
    const { source, now, confidence } = this.params;
    // the rows that change something: the others are counted unchanged without being written
    const rows = await this.run(round === 1 ? FILL_FIRST_ROUND : FILL_LATER_ROUND, { base, round, source, now, confidence });
    if (rows === 0) {
      this.counts.unchanged += total;
      return 0;
    }
    // a small round is merged by lookups whatever its statistics, and cannot make a bulk load
    if (!small) await this.sql.exec('ANALYZE import_round');
    const fresh = round === 1 && !small ? (await this.sql.get<{ n: number }>('SELECT count(*) AS n FROM import_round WHERE is_new'))!.n : 0;
    const created = await this.insertNew(FROM_ROUND, fresh >= BULK_MIN_VALUES && fresh >= base / 2);
    const changed = created + (created < rows ? await this.run(UPSERT_OBSERVATIONS, this.params) : 0);
    if (created < rows) await this.sql.exec(WIDEN_SEEN);
    this.counts.new += created;
    this.counts.updated += changed - created;
    this.counts.unchanged += total - changed;
    return changed;
  }

  /** Round 1 into an empty store: every value new, inserted straight from the stage. */
  private async mergeFirstLoad(): Promise<number> {
    this.firstLoad = true;
    const created = await this.insertNew(FROM_STAGE, this.inStage - this.later >= BULK_MIN_VALUES);
    this.counts.new += created;
    return created;
  }

  /** The new values of a round and their observations; with `bulk`, around the secondary indexes dropped and built again (BULK_MIN_VALUES). */
  private async insertNew(statements: NewValueStatements, bulk: boolean): Promise<number> {
    const dropped = bulk ? await dropSecondaryIndexes(this.sql) : [];
    const created = await this.run(statements.indicators, { now: this.params.now });
    if (created > 0) {
      await this.sql.exec(ADVANCE_IDS);
      await this.sql.exec(statements.prefixes);
      await this.run(statements.observations, this.params);
    }
    for (const index of dropped) await this.sql.exec(index.definition);
    return created;
  }

  private run(sql: string, values: object): Promise<number> {
    return this.sql.run(...bind(sql, values as Record<string, unknown>));
  }

  private assertOpen(): void {
    if (!this.open) throw new Error('import session is closed');
  }
}

/** Ends the transaction and gives the client back; a client that cannot even roll back is discarded. */
async function end(sql: Session, release: (error?: Error) => void, how: 'COMMIT' | 'ROLLBACK'): Promise<void> {
  try {
    await sql.exec(how);
  } catch (error) {
    if (how === 'ROLLBACK') {
      release(error as Error);
      return;
    }
    await sql.exec('ROLLBACK').catch(() => {});
    release();
    throw error;
  }
  release();
}
