import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { isGzip, type Input } from '../../io/input.ts';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LineSplitter, looksBinary } from '../../io/lines.ts';
import { RecordMatcher, type Finding } from '../../scan/match.ts';
import type { LogReader } from '../../scan/record.ts';
import { detectReader, getReader } from '../../scan/readers/registry.ts';
import type { EvidenceFile, ReportBuilder } from '../../scan/report.ts';
import type { IntelIndex } from '../../scan/index/intel-index.ts';
import { openEvidence } from './evidence-file.ts';
import type { ReadInto } from './blocks.ts';
import { ScanThreads, type ThreadScanConfig } from './threads.ts';

export interface EvidenceOptions {
  /** A reader id to use instead of detection. */
  format?: string;
  maxLineBytes?: number;
  /** Scan threads for large inputs (0: all on this thread). */
  threads: number;
  /** Inputs at least this large (uncompressed bytes unknown: on-disk size) go to the threads. */
  threadMinBytes: number;
  progress?: (file: string, bytes: number, total: number | undefined, lines: number) => void;
}

/** The raw bytes of an input, hashed and counted as they pass. */
async function* tapped(source: AsyncIterable<Buffer>, custody: { hash: ReturnType<typeof createHash>; size: number }): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    custody.hash.update(chunk);
    custody.size += chunk.length;
    yield chunk;
  }
}

/** Reads of a file from its start, each hashed and counted as it lands. */
function hashedReads(handle: FileHandle, custody: { hash: ReturnType<typeof createHash>; size: number }): ReadInto {
  return async (into, at, length) => {
    const { bytesRead } = await handle.read(into, at, length, null);
    custody.hash.update(into.subarray(at, at + bytesRead));
    custody.size += bytesRead;
    return bytesRead;
  };
}

/** Chunks of a file read one after another into one buffer: each is gone once the next is asked for. */
async function* reusedReads(read: ReadInto, size = 1 << 20): AsyncGenerator<Buffer> {
  const buffer = Buffer.allocUnsafeSlow(size);
  for (let got = await read(buffer, 0, size); got > 0; got = await read(buffer, 0, size)) yield buffer.subarray(0, got);
}

/**
 * A regular file's first 64 KiB, read without moving its position, if it is neither empty, gzip nor binary;
 * else undefined. A pipe given by name (`<(zcat log.gz)`, /dev/stdin) cannot be read at a position.
 */
async function plainHead(handle: FileHandle): Promise<Buffer | undefined> {
  if (!(await handle.stat()).isFile()) return undefined;
  const head = Buffer.alloc(65536);
  const { bytesRead } = await handle.read(head, 0, head.length, 0);
  const bytes = head.subarray(0, bytesRead);
  return bytesRead === 0 || isGzip(bytes) || looksBinary(bytes) ? undefined : bytes;
}

async function* replayOf(chunks: Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}

/**
 * The input's bytes decompressed (gzip is recognised by its magic, not its
 * name) with the first 64 KiB held for detection. A gzip stream that breaks
 * inside those 64 KiB still gives what came before the break, and the break
 * as `failure`.
 */
async function decoded(source: AsyncIterable<Buffer>): Promise<{ head: Buffer; stream: AsyncIterable<Buffer>; compressed: boolean; failure?: Error }> {
  const raw = source[Symbol.asyncIterator]();
  const first = await raw.next();
  if (first.done) return { head: Buffer.alloc(0), stream: replayOf([]), compressed: false };
  const firstChunk = first.value;
  const compressed = isGzip(firstChunk);
  const replay = (async function* (): AsyncGenerator<Buffer> {
    yield firstChunk;
    for (let next = await raw.next(); !next.done; next = await raw.next()) yield next.value;
  })();
  const plain: AsyncIterable<Buffer> = compressed ? Readable.from(replay).pipe(createGunzip()) : replay;
  const it = plain[Symbol.asyncIterator]();
  const held: Buffer[] = [];
  let heldBytes = 0;
  try {
    while (heldBytes < 65536) {
      const next = await it.next();
      if (next.done) return { head: Buffer.concat(held), stream: replayOf(held), compressed };
      held.push(next.value);
      heldBytes += next.value.length;
    }
  } catch (error) {
    // drain what is left of the raw input, so its hash covers the whole file
    for await (const _ of replay) void _;
    return { head: Buffer.concat(held), stream: replayOf(held), compressed, failure: error as Error };
  }
  const stream = (async function* (): AsyncGenerator<Buffer> {
    yield* held;
    for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
  })();
  return { head: Buffer.concat(held).subarray(0, 65536), stream, compressed };
}

/** Scans one input: every line through its reader and the matcher; findings and problems go to the report. */
export async function scanOne(input: Input, index: IntelIndex, report: ReportBuilder, options: EvidenceOptions, threads?: ScanThreads): Promise<void> {
  const name = input.name;
  const custody = { hash: createHash('sha256'), size: 0 };
  const file: EvidenceFile = { path: name, size: 0, sha256: '', format: '-', compressed: false, lines: 0, hits: 0, weakHits: 0, knownBenign: 0, problems: 0 };
  if (input.modifiedAt !== undefined) file.modifiedAt = new Date(input.modifiedAt).toISOString();
  const problem = (code: string, message: string, line?: number): void => {
    file.problems++;
    report.problem({ file: name, ...(line === undefined ? {} : { line }), code, message });
  };
  const onFindings = (found: Finding[]): void => void report.add(name, found, file);
  const onProblem = (p: { line?: number; code: string; message: string }): void => problem(p.code, p.message, p.line);
  const threadSink = { findings: onFindings, problem: onProblem, progress: (_: number, lines: number) => options.progress?.(name, custody.size, input.size, lines) };
  const hereSink = { findings: onFindings, problem: onProblem, progress: (lines: number) => options.progress?.(name, custody.size, input.size, lines) };
  /** The reader of an input whose (decompressed) first 64 KiB are `head`, noted in the report; and what the threads take. */
  const readerFor = (head: Buffer): { reader: LogReader; config: ThreadScanConfig } => {
    const headText = head.toString('utf8');
    const reader = options.format ? getReader(options.format) : detectReader(headText, name);
    file.format = reader.id;
    return { reader, config: { reader: reader.id, head: headText, ...(options.maxLineBytes === undefined ? {} : { maxLineBytes: options.maxLineBytes }) } };
  };
  const threaded = threads !== undefined && (input.size ?? 0) >= options.threadMinBytes;
  let handle: FileHandle | undefined;
  try {
    let raw: AsyncIterable<Buffer>;
    if (name === '<stdin>') raw = input.open();
    else {
      handle = await openEvidence(input.path ?? name);
      // a plain log is read into buffers used again (on the threads, straight into their blocks); gzip and binary
      // files take the stream
      const head = !threaded || ScanThreads.readsFiles(options.maxLineBytes) ? await plainHead(handle) : undefined;
      if (head) {
        const { reader, config } = readerFor(head);
        const reads = hashedReads(handle, custody);
        file.lines = threaded ? await threads!.scanFile(reads, config, threadSink) : await scanHere(reusedReads(reads), reader, index, options, hereSink);
        return;
      }
      raw = handle.createReadStream({ highWaterMark: 1 << 20, autoClose: false });
    }
    const source = tapped(raw, custody);
    const { head, stream, compressed, failure } = await decoded(source);
    file.compressed = compressed;
    if (head.length > 0 && looksBinary(head)) {
      file.format = 'binary';
      problem('TIX_INPUT_BINARY', 'a binary file, not a log; not scanned (hashed for the record)');
      for await (const _ of source) void _;
      return;
    }
    const { reader, config } = readerFor(head);
    try {
      if (threaded) {
        file.lines = await threads.scan(stream, config, threadSink);
      } else {
        file.lines = await scanHere(stream, reader, index, options, hereSink);
      }
      // a gzip stream that broke within its first 64 KiB: what came before it has now been scanned
      if (failure) throw failure;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || /unexpected end of file|incorrect header check|invalid/.test((error as Error).message)) {
        problem('TIX_GZIP_TRUNCATED', `gzip stream is truncated or corrupt after ${file.lines} lines: ${(error as Error).message}; the lines before were scanned`);
        file.incomplete = 'gzip stream is truncated or corrupt';
        for await (const _ of source) void _;
      } else throw error;
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'TIX_CONFIG_BAD_OPTION') throw error;
    problem('TIX_INPUT_UNREADABLE', `could not be read: ${(error as Error).message}`);
    file.incomplete = (error as Error).message;
  } finally {
    await handle?.close();
    file.size = custody.size;
    file.sha256 = custody.hash.digest('hex');
    report.file(file);
  }
}

interface ScanSink {
  findings(found: Finding[]): void;
  problem(problem: { line?: number; code: string; message: string }): void;
  progress(lines: number): void;
}

/** Reads, matches and reports on this thread. Returns the number of lines. */
async function scanHere(stream: AsyncIterable<Buffer>, reader: LogReader, index: IntelIndex, options: EvidenceOptions, sink: ScanSink): Promise<number> {
  const records = reader.createReader();
  const matcher = new RecordMatcher(index);
  const screen = matcher.screenFor(records);
  const splitter = new LineSplitter(
    {
      line(text, no) {
        matcher.line = no;
        const problem = records.read(text, no, matcher);
        if (problem) sink.problem(problem);
        const found = matcher.take();
        if (found.length) {
          const time = records.time();
          if (time !== undefined) for (const finding of found) finding.time = time;
          sink.findings(found);
        }
      },
      problem: sink.problem,
      ...(screen ? { screen } : {}),
    },
    options.maxLineBytes,
  );
  try {
    for await (const chunk of stream) {
      splitter.push(chunk);
      sink.progress(splitter.lines);
    }
  } finally {
    // the lines before a failure (a truncated gzip) are scanned, and counted
    splitter.end();
  }
  return splitter.lines;
}

/**
 * Threads pay for their start and for warming up each its own compiled code (about 0.3 s on two cores): they
 * are started once the inputs they would take add up to this many times `threadMinBytes`. Below that, one
 * 100 MB log took 0.68 s on this thread against 0.83 s on two threads; at 200 MB the two were even.
 */
const THREADS_FROM = 16;

/** Whether a scan of `inputs` starts threads: some are asked for, and the inputs they would take add up to THREADS_FROM times `threadMinBytes`. */
export function threadsPay(inputs: ReadonlyArray<Pick<Input, 'size'>>, options: Pick<EvidenceOptions, 'threads' | 'threadMinBytes'>): boolean {
  const large = inputs.reduce((sum, input) => sum + ((input.size ?? 0) >= options.threadMinBytes ? (input.size ?? 0) : 0), 0);
  return options.threads > 0 && large >= options.threadMinBytes * THREADS_FROM;
}

/** Scans every input in turn. */
export async function scanEvidence(inputs: Input[], index: IntelIndex, report: ReportBuilder, options: EvidenceOptions): Promise<void> {
  // one set of threads for every large input
  const threads = threadsPay(inputs, options) ? new ScanThreads(index, options.threads) : undefined;
  try {
    for (const input of inputs) await scanOne(input, index, report, options, threads);
  } finally {
    await threads?.close();
  }
}
