import { pipeline } from 'node:stream/promises';
import { PassThrough, Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import type pg from 'pg';
import { BatchReader, NUMBER, numberCells, type ObservationBatch } from '../batch.ts';
import type { SeenFilter } from '../seen-filter.ts';

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

/** Rows per chunk written to the COPY stream: large enough to keep the socket busy, small enough to keep memory flat. */
const ROWS_PER_CHUNK = 2_000;

const SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A text cell in COPY's text format. */
function escaped(value: string | null): string {
  if (value === null) return '\\N';
  return SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : value;
}
/** The same, for a batch none of whose text needs escaping (most: one test of all its text). */
const plain = (value: string | null): string => (value === null ? '\\N' : value);

/** A bytea cell from hex: `\x…`, its backslash escaped for COPY. */
export const bytes = (hex: string | null): string => (hex === null ? '\\N' : `\\\\x${hex}`);
export const number = (value: number | null): string => (value === null ? '\\N' : integer(value));

const ZEROS = '00000000';
/**
 * A number as text, as String(value) writes it. Hashes and times in milliseconds lie past 2^31, where
 * String takes V8's path for doubles (some 90 ns each, five times a row); cut at 10^8 into two small
 * integers, such a value takes a third of that.
 */
export function integer(value: number): string {
  if ((value < 1e8 && value > -1e8) || !Number.isSafeInteger(value)) return String(value);
  if (value < 0) return `-${integer(-value)}`;
  const high = Math.floor(value / 1e8);
  const low = String(value - high * 1e8);
  return `${high}${ZEROS.slice(low.length)}${low}`;
}

type ReadPart = Parameters<BatchReader['next']>[0];

/**
 * A batch as an import holds it until its rows are copied: where its rows start in the import, which of
 * them may repeat a value of an earlier batch (flagRepeats), and how its text cells are written.
 */
export interface PendingBatch {
  batch: ObservationBatch;
  /** The position of its first row in the import. */
  first: number;
  maybeRepeats: Uint8Array;
  text: (value: string | null) => string;
}

/** Renders one row of a pending batch as a line of COPY text (without its newline), or skips it (undefined). */
type CopyLine = (reader: BatchReader, row: number, pending: PendingBatch) => string | undefined;

/** How the text cells of a batch are written: escaped, unless none of its text needs it (one test of all of it). */
export const textCells = (batch: ObservationBatch): ((value: string | null) => string) => (needsEscapes(batch.text) ? escaped : plain);

/** Whether any of COPY's special characters is in `text`: four searches for one character each, several times faster than one for a class of them. */
const needsEscapes = (text: string): boolean => text.includes('\\') || text.includes('\t') || text.includes('\n') || text.includes('\r');

/** The rows of some batches that `line` renders, as COPY text, a chunk at a time. */
function* copyChunks(batches: readonly PendingBatch[], line: CopyLine, part: ReadPart): Generator<string> {
  let chunk = '';
  let rows = 0;
  for (const pending of batches) {
    const reader = new BatchReader(pending.batch);
    for (let row = 0; row < pending.batch.length; row++) {
      reader.next(part);
      const rendered = line(reader, row, pending);
      if (rendered === undefined) continue;
      chunk += `${rendered}\n`;
      if (++rows % ROWS_PER_CHUNK === 0) {
        yield chunk;
        chunk = '';
      }
    }
  }
  if (chunk) yield chunk;
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

  /**
   * Streams the rows of some batches that `line` renders into one `COPY … FROM STDIN`, reading `part` of
   * each (BatchReader.next); ends when the COPY does.
   */
  copy(statement: string, batches: readonly PendingBatch[], line: CopyLine, part: ReadPart = 'all'): Promise<void> {
    // both of its sides buffer: half each
    const ahead = new PassThrough({ highWaterMark: AHEAD_BYTES / 2 });
    const made = pipeline(Readable.from(copyChunks(batches, line, part), { objectMode: false }), ahead);
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
  return copies.copy(`COPY import_stage (${bare ? BARE : FULL}) FROM STDIN`, batches, (reader, row, { first, maybeRepeats, text }) => {
    if (onlyMaybe && !maybeRepeats[row]) return undefined;
    const line =
      `${first + row}\t${integer(reader.hash)}\t${reader.type}\t${text(reader.value)}\t${bytes(reader.ipFirst)}\t${bytes(reader.ipLast)}\t` +
      `${text(reader.hostKey)}\t${integer(reader.firstSeen)}\t${integer(reader.lastSeen)}\t${text(reader.raw)}\t${reader.line}\t${maybeRepeats[row] ? 't' : 'f'}`;
    if (bare) return line;
    return (
      line +
      `\t${number(reader.confidence)}\t${text(reader.threatType)}\t${text(reader.malware)}\t${text(reader.tags)}\t${text(reader.reference)}` +
      `\t${text(reader.tlp)}\t${number(reader.validUntil)}\t${reader.revoked ? 1 : 0}\t${text(reader.objectId)}`
    );
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
