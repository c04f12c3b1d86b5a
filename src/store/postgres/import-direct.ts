import { BatchReader, NUMBER, TEXT, type ObservationBatch } from '../batch.ts';
import type { Session } from './db.ts';
import { copyCell } from './copy-rows.ts';
import type { CopyQueue, PendingBatch } from './import-copy.ts';
import { ADVANCE_IDS, MERGE_LOCK } from './import-sql.ts';

/** What a direct load writes each observation with. */
export interface DirectParams {
  source: number;
  import: number;
  now: number;
  tlp: string;
  confidence: number | null;
}

const INDICATOR_COLUMNS = 'id, hash, type, value, ip_first, ip_last, host_key, first_seen, last_seen, added_at';
// `listed` takes its default (1)
const OBSERVATION_COLUMNS =
  'indicator_id, source_id, first_seen, last_seen, confidence, threat_type, malware, tags, reference, tlp, valid_until, revoked_at, raw, ' +
  'origin_import, origin_line, added_at, updated_at, object_id';

/**
 * The first import into a store that holds no value, written straight into
 * values and observations as its batches come, instead of staged and merged
 * at commit. Into an empty store a value met for the first time in the
 * import is new, and the filter of hashes met (SeenFilter) says for certain
 * which rows are met for the first time: those go straight in, with their
 * position as id; the few flagged as possible repeats are staged and merge
 * at commit as in any import. The secondary indexes (but those it fills in
 * order, or leaves empty) are dropped at the start and built again at
 * commit, and the merge lock that orders all imports is held throughout:
 * readers of values wait for the commit, as they would for any bulk merge,
 * and there is nothing in the store to read yet.
 */
export class DirectLoad {
  /** Values written. */
  rows = 0;
  /** The CIDR prefix lengths met, as `family/length`. */
  private readonly prefixes = new Set<string>();

  private constructor(
    private readonly sql: Session,
    private readonly params: DirectParams,
    private dropped: DroppedIndex[],
  ) {}

  /**
   * A direct load when the store holds no value and no other import is merging (one that is holds the merge
   * lock, which is then not waited for); otherwise undefined, and the import stages every row.
   */
  static async start(sql: Session, params: DirectParams, first: ObservationBatch): Promise<DirectLoad | undefined> {
    // the lock first, without waiting: an import holding it may have dropped the indexes, and a look at the
    // values would then wait for its commit. Taken for the session, so that it can be let go at once when the
    // store is not empty, and held for the transaction (to commit) when it is.
    const locked = (await sql.get<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${MERGE_LOCK}) AS locked`))!.locked;
    if (!locked) return undefined;
    try {
      if (!(await isEmpty(sql))) return undefined;
      await sql.exec(`SELECT pg_advisory_xact_lock(${MERGE_LOCK})`);
    } finally {
      await letGo(sql);
    }
    // an index the load would leave empty is kept: building it again would read the whole table for nothing
    const kept = fromObjects(first) ? IN_ORDER : [...IN_ORDER, 'observations_object'];
    return new DirectLoad(sql, params, await dropSecondaryIndexes(sql, kept));
  }

  /**
   * Writes the rows of some batches that are certainly met for the first time (`maybeRepeats` 0), `fresh`
   * in all. Queues the two COPYs and returns: they end when the promise does. Each table's lines are
   * streamed as they are made: making both in one reading of the batches held all their text at once and
   * cost more in garbage collection than a second reading.
   */
  add(copies: CopyQueue, batches: readonly PendingBatch[], fresh: number): Promise<unknown> {
    if (fresh === 0) return Promise.resolve();
    const { source, import: importId, now, tlp, confidence } = this.params;
    // the cells every row shares, made once
    const defaultConfidence = confidence === null ? '\\N' : String(confidence);
    const sourceCell = `\t${source}\t`;
    const tail = `\t${now}\n`;
    const revokedCell = `\t${now}\t`;
    const origin = `\t${importId}\t`;
    const stamps = `\t${now}\t${now}\t`;
    const tlpCell = copyCell(tlp);
    this.rows += fresh;
    return Promise.all([
      copies.copy(`COPY indicators (${INDICATOR_COLUMNS}) FROM STDIN`, batches, (out, row, { first, maybeRepeats }) => {
        if (maybeRepeats[row]) return false;
        if (out.type === 'cidr') this.notePrefix(out.string(TEXT.value));
        out.int(first + row + 1);
        out.tab();
        out.valueCells(true);
        out.literal(tail);
        return true;
      }),
      // with the import's defaults as INSERT_NEW_OBSERVATIONS (import-sql.ts) fills them
      copies.copy(`COPY observations (${OBSERVATION_COLUMNS}) FROM STDIN`, batches, (out, row, { first, maybeRepeats, batch }) => {
        if (maybeRepeats[row]) return false;
        out.int(first + row + 1);
        out.literal(sourceCell);
        out.int(out.numberOf(NUMBER.firstSeen));
        out.tab();
        out.int(out.numberOf(NUMBER.lastSeen));
        out.tab();
        if (batch.bare) {
          // no metadata: the import's defaults, no tags
          out.literal(defaultConfidence);
          out.literal('\t\\N\t\\N\t\t\\N\t');
          out.literal(tlpCell);
          out.literal('\t\\N\t\\N\t');
        } else {
          const rowConfidence = out.numberOf(NUMBER.confidence);
          if (Number.isNaN(rowConfidence)) out.literal(defaultConfidence);
          else out.int(rowConfidence);
          out.tab();
          out.metadataCells(tlpCell);
          out.tab();
          out.int(out.numberOf(NUMBER.validUntil));
          out.literal(out.numberOf(NUMBER.revoked) ? revokedCell : '\t\\N\t');
        }
        out.text(TEXT.raw);
        out.literal(origin);
        out.int(out.numberOf(NUMBER.line));
        out.literal(stamps);
        if (batch.bare) out.literal('\\N');
        else out.text(TEXT.objectId);
        out.newline();
        return true;
      }),
    ]);
  }

  /** Builds the indexes again, moves the id sequence past the ids written, and notes the prefix lengths met. */
  async finish(): Promise<void> {
    await this.buildIndexes();
    if (this.rows === 0) return;
    await this.sql.exec(ADVANCE_IDS);
    for (const prefix of this.prefixes) {
      const [family, length] = prefix.split('/').map(Number);
      await this.sql.run('INSERT INTO cidr_prefixes (family, prefix) VALUES (?, ?) ON CONFLICT DO NOTHING', [family, length]);
    }
  }

  /** Builds again the dropped indexes named (all by default). */
  async buildIndexes(names?: readonly string[]): Promise<void> {
    const built = names ? this.dropped.filter((index) => names.includes(index.name)) : this.dropped;
    this.dropped = this.dropped.filter((index) => !built.includes(index));
    for (const index of built) await this.sql.exec(index.definition);
  }

  private notePrefix(cidr: string): void {
    const slash = cidr.indexOf('/');
    this.prefixes.add(`${cidr.includes(':') ? 6 : 4}/${cidr.slice(slash + 1)}`);
  }
}

/**
 * Lets go of the session's hold on the merge lock. A session lock outlives the transaction, and the client
 * goes back to the pool: should the transaction have failed meanwhile, it is rolled back (the import fails
 * with its first error all the same) so that the lock can still be let go.
 */
async function letGo(sql: Session): Promise<void> {
  try {
    await sql.exec(`SELECT pg_advisory_unlock(${MERGE_LOCK})`);
  } catch {
    await sql.exec('ROLLBACK');
    await sql.exec(`SELECT pg_advisory_unlock(${MERGE_LOCK})`);
  }
}

/**
 * Whether rows of the batch come from exchange objects (STIX): a load whose first batch does not is taken
 * for one of a feed, whose rows fill no object index (any later row that does is indexed as it comes).
 */
function fromObjects(batch: ObservationBatch): boolean {
  if (batch.bare) return false;
  const reader = new BatchReader(batch);
  for (let row = 0; row < batch.length; row++) {
    reader.next();
    if (reader.objectId !== null) return true;
  }
  return false;
}

const isEmpty = async (sql: Session): Promise<boolean> => (await sql.get<{ empty: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM indicators) AS empty'))!.empty;

/**
 * Indexes a direct load fills in key order, or nearly: one source with ids ascending, and a family's rows
 * with ids ascending (a feed names a few thousand families at most). Each entry goes at the end of its key's
 * run, a few pages kept hot, which costs the load less than a build that reads the whole table again.
 */
const IN_ORDER = ['observations_source', 'observations_malware'];

/** An index dropped for a bulk write, with the statement that builds it again. */
export interface DroppedIndex {
  name: string;
  definition: string;
}

/** Drops the secondary indexes of values and observations, but those `kept`. */
export async function dropSecondaryIndexes(sql: Session, kept: string[] = []): Promise<DroppedIndex[]> {
  const indexes = (
    await sql.all<DroppedIndex>(
      `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
       WHERE schemaname = current_schema() AND tablename IN ('indicators', 'observations') AND indexname NOT LIKE '%\\_pkey' ORDER BY indexname`,
    )
  ).filter((index) => !kept.includes(index.name));
  for (const index of indexes) await sql.exec(`DROP INDEX ${index.name}`);
  return indexes;
}
