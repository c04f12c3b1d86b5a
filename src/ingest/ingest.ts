import { basename } from 'node:path';
import { InputError, TixError } from '../errors.ts';
import { detectFormat, getFormat, type FormatModule } from '../formats/index.ts';
import type { Issue, Observation, Tlp } from '../model/index.ts';
import type { Input } from '../io/input.ts';
import { peek } from '../io/input.ts';
import { looksBinary, splitLines } from '../io/lines.ts';
import { BATCH_LIMITS, batchIsFull } from './batching.ts';
import { parseOnThread } from './parse-thread.ts';
import type { ImportCounts, Store, StoredObject } from '../store/store.ts';
import type { DocumentSink } from '../formats/index.ts';
import { compileWarninglists, warninglistIssue, type Warninglist } from '../enrich/warninglists.ts';

/** STIX objects are larger than values, and written apart from them. */
const OBJECT_BATCH = 5_000;
/** Line inputs at least this large (or of unknown size) are parsed on a second thread while this one writes. */
const THREAD_MIN_BYTES = 1 << 20;

export interface IngestOptions {
  source?: string;
  format?: string;
  formatOptions?: Record<string, string>;
  tlp?: Tlp;
  confidence?: number;
  fullDump?: { expireAfterMs?: number };
  /** Values without a validity of their own are valid this long after they were last seen. */
  validForMs?: number;
  /** The clock: when the import happens. */
  now: number;
  /** When the data was observed, for records without dates; defaults to the input's mtime, then `now`. */
  observedAt?: number;
  batchSize?: number;
  maxLineBytes?: number;
  /** Parse line formats on a second thread while this one writes; default: for inputs of 1 MiB or more, or of unknown size. */
  parseThread?: boolean;
  /** Values on these lists are imported with a warning (TIX_INPUT_WARNINGLISTED). */
  warninglists?: Warninglist[];
  onIssue?: (issue: Issue) => void;
  onProgress?: (progress: { bytes: number; lines: number }) => void;
}

export interface IngestResult extends ImportCounts {
  input: string;
  format: string;
  source: string;
  /** Lines read. */
  read: number;
  /** Values that passed normalisation (a line may yield several). */
  accepted: number;
  /** Records reported as issues and skipped. */
  rejected: number;
  /** Nothing was written: the input was empty or nothing in it could be read. */
  skipped?: string;
}

/**
 * Reads one input into the store as one atomic import: detect (or take) the
 * format, stream lines through its parser, write in batches, commit. Bad
 * records become issues and the rest lands; if anything fails, the store is
 * left as it was.
 */
export async function ingest(store: Store, input: Input, options: IngestOptions): Promise<IngestResult> {
  const { head, stream } = await peekInput(input);
  if (looksBinary(head)) {
    throw new InputError('TIX_INPUT_BINARY', `${input.name}: a binary file, not a text feed; nothing imported`, { file: input.name });
  }
  const headText = head.toString('utf8');
  const format = headText.trim() === '' ? undefined : pickFormat(headText, input, options.format);
  const source =
    options.source ??
    (typeof format?.defaultSource === 'function' ? format.defaultSource(input.name) : format?.defaultSource) ??
    sourceFromName(input.name);
  const result: IngestResult = {
    input: input.name,
    format: format?.id ?? options.format ?? 'none',
    source,
    read: 0,
    accepted: 0,
    rejected: 0,
    new: 0,
    updated: 0,
    unchanged: 0,
    delisted: 0,
    objects: 0,
  };
  if (!format) {
    const issue = emptyIssue(input.name);
    options.onIssue?.(issue);
    result.skipped = issue.message;
    return result;
  }

  const session = await store.beginImport({
    source,
    origin: input.name,
    format: format.id,
    startedAt: options.now,
    tlp: options.tlp ?? format.defaultTlp ?? 'amber',
    ...(options.confidence === undefined ? {} : { confidence: options.confidence }),
    ...(options.fullDump ? { fullDump: options.fullDump } : {}),
    ...(input.size === undefined ? {} : { sizeHint: input.size }),
  });
  try {
    const limits = { ...BATCH_LIMITS, ...(options.batchSize === undefined ? {} : { rows: options.batchSize }) };
    let batch: Observation[] = [];
    let objects: StoredObject[] = [];
    let objectCount = 0;
    const reject = (issue: Issue): void => {
      // a warning reports something kept as it is (an unknown STIX type), not a record lost
      if (issue.severity === 'error') result.rejected++;
      options.onIssue?.(issue);
    };
    const flag = options.warninglists?.length ? compileWarninglists(options.warninglists) : undefined;
    const sink: DocumentSink = {
      accept(observation) {
        result.accepted++;
        if (flag) {
          const lists = flag(observation.type, observation.value);
          if (lists.length) reject(warninglistIssue(input.name, observation.line, observation.value, lists));
        }
        if (options.validForMs !== undefined && observation.validUntil === undefined) {
          observation.validUntil = observation.lastSeen + options.validForMs;
        }
        batch.push(observation);
      },
      reject,
      object(object, line, tlp) {
        objectCount++;
        objects.push(tlp ? { object, line, tlp } : { object, line });
      },
    };
    const flush = async (force: boolean): Promise<void> => {
      if (objects.length && (force || objects.length >= OBJECT_BATCH)) {
        const full = objects;
        objects = [];
        await session.addObjects(full);
      }
      if (batch.length && (force || batchIsFull(batch.length, batchBytes, limits))) {
        const full = batch;
        batch = [];
        batchBytes = 0;
        await session.add(full);
      }
    };
    const ctx = { file: input.name, now: options.observedAt ?? input.modifiedAt ?? options.now, options: options.formatOptions ?? {} };
    let bytes = 0;
    /** Line input read since the last batch of values (a document's values are batched by count alone). */
    let batchBytes = 0;
    if (format.reads === 'document') {
      const parser = format.createParser(ctx, sink);
      const decoder = new TextDecoder('utf-8', { fatal: true });
      let lines = 0;
      try {
        for await (const chunk of stream) {
          bytes += chunk.length;
          const text = decoder.decode(chunk, { stream: true });
          lines += countNewlines(text);
          parser.write(text);
          await flush(false);
          options.onProgress?.({ bytes, lines });
        }
        const rest = decoder.decode();
        if (rest) parser.write(rest);
      } catch (error) {
        if (error instanceof TypeError && (error as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') {
          throw new InputError('TIX_INPUT_ENCODING', `${input.name}: near byte ${bytes}, line ${lines + 1}: not valid UTF-8; nothing imported`, {
            file: input.name,
            line: lines + 1,
          });
        }
        throw error;
      }
      parser.end();
      result.read = lines + (bytes > 0 ? 1 : 0);
    } else if (options.parseThread ?? (input.size === undefined || input.size >= THREAD_MIN_BYTES)) {
      const config = { format: format.id, file: ctx.file, now: ctx.now, options: { ...ctx.options }, limits, maxLineBytes: options.maxLineBytes, validForMs: options.validForMs, ...(options.warninglists?.length ? { warninglists: options.warninglists } : {}) };
      result.read = await parseOnThread(stream, config, {
        batch: (rows) => session.addBatch(rows),
        progress: (report) => {
          result.accepted = report.accepted;
          for (const issue of report.issues) reject(issue);
          options.onProgress?.({ bytes: report.bytes, lines: report.lines });
        },
      });
    } else {
      const parser = format.createParser(ctx, sink);
      result.read = await splitLines(
        stream,
        {
          line: (text, no) => parser.line(text, no),
          problem: (problem) => reject({ ...problem, file: input.name, severity: 'error' }),
        },
        {
          maxLineBytes: options.maxLineBytes,
          onChunk: async (size, lines) => {
            bytes += size;
            batchBytes += size;
            await flush(false);
            options.onProgress?.({ bytes, lines });
          },
        },
      );
      parser.end();
    }
    await flush(true);
    if (result.accepted === 0 && objectCount === 0) {
      await session.rollback();
      result.skipped = result.rejected
        ? `no record in ${input.name} could be read as ${format.id}; nothing imported`
        : `${input.name} holds no indicators; nothing imported`;
      return result;
    }
    Object.assign(result, await session.commit({ read: result.read, accepted: result.accepted, rejected: result.rejected }));
    return result;
  } catch (error) {
    await session.rollback();
    if (error instanceof TixError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' ? 'the gzip data is truncated or corrupt' : (error as Error).message;
    throw new InputError('TIX_INPUT_UNREADABLE', `${input.name}: ${reason}; nothing imported`, { file: input.name }, { cause: error });
  }
}

async function peekInput(input: Input): Promise<Awaited<ReturnType<typeof peek>>> {
  try {
    return await peek(input.open());
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : code?.startsWith('Z_') ? 'the gzip data is corrupt' : (error as Error).message;
    throw new InputError('TIX_INPUT_UNREADABLE', `${input.name}: ${reason}`, { file: input.name }, { cause: error });
  }
}

function pickFormat(head: string, input: Input, forced: string | undefined): FormatModule {
  if (forced) return getFormat(forced);
  return detectFormat(head, input.name);
}

function countNewlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

function emptyIssue(file: string): Issue {
  return { code: 'TIX_INPUT_EMPTY', file, line: 0, message: 'empty input; nothing imported', severity: 'warning' };
}

/** `feeds/ci-badguys.txt.gz` → `ci-badguys`. */
export function sourceFromName(name: string): string {
  const base = basename(name).replace(/(\.gz)$/i, '').replace(/\.(txt|csv|list|tsv|json)$/i, '');
  return base.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'local';
}
