import { pipeline } from 'node:stream/promises';
import { PassThrough, Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import type pg from 'pg';
import { NUMBER, numberCells, TEXT, type ObservationBatch } from '../batch.ts';
import type { SeenFilter } from '../seen-filter.ts';
import { CopyRows, type CopySource } from './copy-rows.ts';

/**
 * The staging table of an import: every row of every batch, in the order
 * read (`n`), written by COPY. `round` is the how-manieth occurrence of its
 * value in the import: at commit, the later occurrences of a value that came
 * in several batches move to `import_later` with their round.
 */
export const STAGE_TABLE = `CREATE TEMP TABLE import_stage (
  n bigint NOT NULL, hash bigint NOT NULL, type text NOT NULL, value text NOT NULL, ip_first bytea, ip_last bytea, host_key text,
  first_seen bigint NOT NULL, last_seen bigint NOT NULL, raw text, line bigint NOT NULL, repeat boolean NOT NULL DEFAULT false,
  confidence integer, threat_type text, malware text, tags text NOT NULL DEFAULT '', reference text, tlp text,
  valid_until bigint, revoked integer NOT NULL DEFAULT 0, object_id text, round integer NOT NULL DEFAULT 1
) ON COMMIT DROP`;
export const LATER_TABLE = 'CREATE TEMP TABLE import_later (LIKE import_stage) ON COMMIT DROP';

const BARE = 'n, hash, type, value, ip_first, ip_last, host_key, first_seen, last_seen, raw, line, repeat';
/** Every column of a staged row but its round. */
export const FULL = `${BARE}, confidence, threat_type, malware, tags, reference, tlp, valid_until, revoked, object_id`;

/** A batch as an import holds it until its rows are copied: where its rows start in the import, which of them may repeat a value of an earlier batch (flagRepeats), and its cells as the COPYs read them. */
export interface PendingBatch {
  batch: ObservationBatch;
  /** The position of its first row in the import. */
  first: number;
  maybeRepeats: Uint8Array;
  source: CopySource;
}

/** Writes one row of a pending batch as COPY text (`out` is at the row), or skips it (false). */
type RowWriter = (out: CopyRows, row: number, pending: PendingBatch) => boolean;

/** The rows of some batches that `write` writes, as COPY text, a chunk at a time. */
function* copyChunks(batches: readonly PendingBatch[], write: RowWriter): Generator<Buffer> {
  const out = new CopyRows();
  for (const pending of batches) {
    out.use(pending.source);
    for (let row = 0; row < pending.batch.length; row++) {
      out.row(row);
      if (!write(out, row, pending)) continue;
      const chunk = out.chunk();
      if (chunk) yield chunk;
    }
  }
  const last = out.chunk(true);
  if (last) yield last;
}

/** Bytes of COPY text made before the server is ready for them: a whole COPY of the batches copied together (COPY_TEXT in import-session.ts), made while the server still takes the one before. */
const AHEAD_BYTES = 16 * 2 ** 20;

/**
 * The COPYs of an import, on its one client, one after another: each is issued when the one before has
 * ended (a client runs one query at a time; pg no longer queues them for its caller), its text made
 * meanwhile, up to AHEAD_BYTES, so that the server never waits for the client to make it. A COPY whose
 * predecessor failed is not issued, and fails with the same error.
 */
export class CopyQueue {
  private last: Promise<void> = Promise.resolve();

  constructor(private readonly client: pg.PoolClient) {}

  /** Streams the rows of some batches that `write` writes into one `COPY … FROM STDIN`; ends when the COPY does. */
  copy(statement: string, batches: readonly PendingBatch[], write: RowWriter): Promise<void> {
    // both of its sides buffer: half each
    const ahead = new PassThrough({ highWaterMark: AHEAD_BYTES / 2 });
    const made = pipeline(Readable.from(copyChunks(batches, write), { objectMode: false }), ahead);
    const sent = this.last.then(
      () => pipeline(ahead, this.client.query(copyFrom(statement))),
      (error: unknown) => {
        ahead.destroy();
        throw error;
      },
    );
    const done = Promise.all([made, sent]).then(() => undefined);
    this.last = done;
    return done;
  }

  /** Settles when every COPY queued so far has ended, or the first to fail has. */
  settled(): Promise<void> {
    return this.last;
  }
}

/**
 * Streams batches into the staging table, one COPY for those without metadata and one for the others; each
 * row is numbered by its position in the import and says whether its value may have come in an earlier
 * batch (see flagRepeats). With `onlyMaybe`, the rows flagged so are staged alone (a direct load wrote the
 * others).
 */
export function copyBatches(copies: CopyQueue, batches: readonly PendingBatch[], onlyMaybe = false): Promise<unknown> {
  const bare = batches.filter((pending) => pending.batch.bare);
  const full = batches.filter((pending) => !pending.batch.bare);
  return Promise.all([bare, full].filter((some) => some.length > 0).map((some) => copyStage(copies, some, onlyMaybe)));
}

function copyStage(copies: CopyQueue, batches: readonly PendingBatch[], onlyMaybe: boolean): Promise<void> {
  const bare = batches[0]!.batch.bare;
  return copies.copy(`COPY import_stage (${bare ? BARE : FULL}) FROM STDIN`, batches, (out, row, { first, maybeRepeats }) => {
    if (onlyMaybe && !maybeRepeats[row]) return false;
    out.int(first + row);
    out.tab();
    out.valueCells(false);
    out.tab();
    out.text(TEXT.raw);
    out.tab();
    out.int(out.numberOf(NUMBER.line));
    out.literal(maybeRepeats[row] ? '\tt' : '\tf');
    if (!bare) {
      out.tab();
      out.int(out.numberOf(NUMBER.confidence));
      out.tab();
      out.metadataCells();
      out.tab();
      out.int(out.numberOf(NUMBER.validUntil));
      out.literal(out.numberOf(NUMBER.revoked) ? '\t1\t' : '\t0\t');
      out.text(TEXT.objectId);
    }
    out.newline();
    return true;
  });
}

/** The value hashes of a batch's rows, in row order. */
export function batchHashes(batch: ObservationBatch): Float64Array {
  const width = numberCells(batch.bare);
  const hashes = new Float64Array(batch.length);
  for (let row = 0; row < batch.length; row++) hashes[row] = batch.numbers[row * width + NUMBER.hash]!;
  return hashes;
}

/**
 * Whether each row of a batch may repeat a value of an earlier batch of the import, by the filter of hashes
 * met so far (which then holds this batch's too). "No" is certain; "maybe" is checked exactly at commit, which
 * numbers the repeats of the values flagged only instead of grouping every staged row. The values of one
 * batch are distinct, so a row is tested and added in one step.
 */
export function flagRepeats(seen: SeenFilter, hashes: Float64Array): Uint8Array {
  const maybe = new Uint8Array(hashes.length);
  for (let row = 0; row < hashes.length; row++) maybe[row] = seen.add(hashes[row]!) ? 1 : 0;
  return maybe;
}
