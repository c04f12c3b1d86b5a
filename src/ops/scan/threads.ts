import { Worker } from 'node:worker_threads';
import { threadExecArgv } from '../../ingest/parse-thread.ts';
import { DEFAULT_MAX_LINE_BYTES } from '../../io/lines.ts';
import type { IndexParts, IntelIndex } from '../../scan/index/intel-index.ts';
import type { Finding } from '../../scan/match.ts';
import { BlockCutter, readBlocks, type Block, type ReadInto } from './blocks.ts';

/** One input to scan on the threads. */
export interface ThreadScanConfig {
  reader: string;
  /** The input's first 64 KiB: readers that need a header (Zeek TSV, CSV) take it from there. */
  head: string;
  maxLineBytes?: number;
}

export interface ThreadSink {
  findings(found: Finding[]): void;
  problem(problem: { line?: number; code: string; message: string }): void;
  progress(bytes: number, lines: number): void;
}

export interface WorkerSetup {
  parts: IndexParts;
}

export type ToScanner =
  | { kind: 'input'; reader: string; head: string; maxLineBytes: number }
  | { kind: 'block'; seq: number; bytes: Uint8Array };
/** A block's findings and problems, their lines numbered within the block (from 1); `lines`, the lines it held. */
export interface BlockResult {
  kind: 'result';
  seq: number;
  lines: number;
  findings: Finding[];
  problems: Array<{ line: number; code: string; message: string }>;
}
export type FromScanner = BlockResult | { kind: 'failed'; message: string };

const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);
const BLOCK_BYTES = 4 * 2 ** 20;
/** The longest line limit a file is read straight into shared blocks with (each holds a block and a line): past it, a stream is cut. */
const SHARED_MAX_LINE_BYTES = 16 * 2 ** 20;

/** Makes an input's blocks and sends each (awaiting room on the threads); tells the bytes read so far. */
type Feed = (send: (block: Block, how: 'transfer' | 'share') => Promise<void>, progress: (bytes: number) => void) => Promise<void>;

/**
 * Buffers in SharedArrayBuffers, at most `limit` of them, made as they are first needed: `take` waits for one to
 * be given back once all are out, and fails once `abort` is called.
 */
class SharedBlocks {
  private readonly free: SharedArrayBuffer[] = [];
  private made = 0;
  private waiting: { resolve: (buffer: Uint8Array) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(
    readonly size: number,
    private readonly limit: number,
  ) {}

  take(): Promise<Uint8Array> {
    if (this.failure) return Promise.reject(this.failure);
    const buffer = this.free.pop() ?? (this.made < this.limit ? (this.made++, new SharedArrayBuffer(this.size)) : undefined);
    if (buffer) return Promise.resolve(new Uint8Array(buffer));
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  give(buffer: SharedArrayBuffer): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting.resolve(new Uint8Array(buffer));
    else this.free.push(buffer);
  }

  abort(error: Error): void {
    this.failure = error;
    this.waiting?.reject(error);
    this.waiting = undefined;
  }
}

/** What the threads' messages go to: the input being scanned. */
interface Listener {
  result(result: BlockResult): void;
  failed(error: Error): void;
}

/**
 * Scan threads for large inputs, started at the first and kept for the
 * next (an evidence directory holds many logs; a thread costs its start and
 * its warming up once). This thread reads (and gunzips and hashes) an input
 * and cuts its bytes into blocks of whole lines; the threads read and match
 * them against the index, which they share with this thread (its arrays live
 * in SharedArrayBuffers: nothing is copied); results are taken in input
 * order, each block's lines numbered on from the last's. At most two blocks
 * per thread are in flight. One input at a time.
 */
export class ScanThreads {
  private workers: Worker[] | undefined;
  /** A thread died between inputs: the next input starts on new ones. */
  private broken = false;
  private listener: Listener | undefined;
  /** The shared blocks files are read into, made at the first (scanFile). */
  private pool: SharedBlocks | undefined;

  constructor(
    private readonly index: IntelIndex,
    private readonly threads: number,
  ) {}

  /** Scans one input from a stream of its bytes (gunzipped, or from a pipe), cut into blocks that are copies handed over to the threads; returns its number of lines. */
  scan(stream: AsyncIterable<Buffer>, config: ThreadScanConfig, sink: ThreadSink): Promise<number> {
    const maxLineBytes = config.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    return this.run(config, sink, async (send, progress) => {
      const cutter = new BlockCutter(BLOCK_BYTES, maxLineBytes);
      let bytes = 0;
      for await (const chunk of stream) {
        bytes += chunk.length;
        for (const block of cutter.push(chunk)) await send(block, 'transfer');
        progress(bytes);
      }
      for (const block of cutter.end()) await send(block, 'transfer');
    });
  }

  /** Whether `scanFile` takes an input with this line limit. */
  static readsFiles(maxLineBytes = DEFAULT_MAX_LINE_BYTES): boolean {
    return maxLineBytes <= SHARED_MAX_LINE_BYTES;
  }

  /**
   * Scans an uncompressed file read (by `read`, which also hashes what it reads) straight into blocks that the
   * threads share with this thread and that are filled again once scanned: no copy, and no new memory per
   * block. Returns its number of lines.
   */
  scanFile(read: ReadInto, config: ThreadScanConfig, sink: ThreadSink): Promise<number> {
    const maxLineBytes = config.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    const size = BLOCK_BYTES + maxLineBytes;
    return this.run(config, sink, async (send, progress) => {
      const pool = (this.pool = this.pool?.size === size ? this.pool : new SharedBlocks(size, this.threads * 2 + 2));
      let bytes = 0;
      const counted: ReadInto = async (into, at, length) => {
        const got = await read(into, at, length);
        bytes += got;
        return got;
      };
      for await (const block of readBlocks(counted, () => pool.take(), maxLineBytes)) {
        await send(block, 'share');
        progress(bytes);
      }
    });
  }

  /**
   * Sends the blocks `feed` makes to the threads (at most two per thread in flight) and delivers their results
   * in input order; returns the number of lines. A shared block goes back to the pool when its result comes.
   */
  private async run(config: ThreadScanConfig, sink: ThreadSink, feed: Feed): Promise<number> {
    const maxLineBytes = config.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (this.broken) await this.close();
    const workers = (this.workers ??= this.start());
    for (const worker of workers) worker.postMessage({ kind: 'input', reader: config.reader, head: config.head, maxLineBytes } satisfies ToScanner);
    const results = new Map<number, BlockResult>();
    /** Long lines skipped before each block sent and not yet delivered, by sequence number. */
    const skippedBefore = new Map<number, number>();
    let sent = 0;
    let delivered = 0;
    /** Lines of the blocks delivered, and the long lines between them: the numbering of the next block starts after them. */
    let lines = 0;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    // in input order: each block's lines are numbered on from the lines before it
    const deliver = (): void => {
      for (let result = results.get(delivered); result; result = results.get(delivered)) {
        results.delete(delivered);
        const skipped = skippedBefore.get(delivered) ?? 0;
        skippedBefore.delete(delivered);
        delivered++;
        for (let i = 1; i <= skipped; i++) sink.problem({ line: lines + i, code: 'TIX_INPUT_LINE_TOO_LONG', message: `line is longer than ${maxLineBytes} bytes; skipped` });
        const base = lines + skipped;
        lines = base + result.lines;
        for (const finding of result.findings) finding.line += base;
        if (result.findings.length) sink.findings(result.findings);
        for (const problem of result.problems) sink.problem({ ...problem, line: problem.line + base });
      }
    };
    /** The pool's buffers the blocks in flight were read into, by sequence number. */
    const shared = new Map<number, SharedArrayBuffer>();
    this.listener = {
      result: (result) => {
        const buffer = shared.get(result.seq);
        if (buffer) {
          shared.delete(result.seq);
          this.pool!.give(buffer);
        }
        results.set(result.seq, result);
        deliver();
        wake?.();
      },
      failed: (error) => {
        failure ??= error;
        this.pool?.abort(error);
        wake?.();
      },
    };
    const waitFor = async (done: () => boolean): Promise<void> => {
      while (!done() && !failure) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
      if (failure) throw failure;
    };
    const send = async (block: Block, how: 'transfer' | 'share'): Promise<void> => {
      const seq = sent++;
      if (block.skipped > 0) skippedBefore.set(seq, block.skipped);
      const message: ToScanner = { kind: 'block', seq, bytes: block.bytes };
      if (how === 'transfer') workers[seq % workers.length]!.postMessage(message, [block.bytes.buffer as ArrayBuffer]);
      else {
        shared.set(seq, block.bytes.buffer as SharedArrayBuffer);
        workers[seq % workers.length]!.postMessage(message);
      }
      await waitFor(() => sent - delivered < workers.length * 2);
    };
    try {
      await feed(send, (bytes) => sink.progress(bytes, lines));
      await waitFor(() => delivered === sent);
      return lines;
    } catch (error) {
      // blocks of this input may still be on the threads: the next input starts on new ones
      await this.close();
      throw error;
    } finally {
      this.listener = undefined;
    }
  }

  /** Stops the threads (the next scan starts new ones). */
  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = undefined;
    // blocks still on the threads never come back
    this.pool = undefined;
    this.broken = false;
    if (workers) await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private start(): Worker[] {
    const setup: WorkerSetup = { parts: this.index.parts };
    return Array.from({ length: this.threads }, () => {
      const worker = new Worker(WORKER_URL, { workerData: setup, execArgv: threadExecArgv() });
      worker.on('message', (message: FromScanner) => {
        if (message.kind === 'failed') this.listener?.failed(new Error(message.message));
        else this.listener?.result(message);
      });
      worker.on('error', (error) => {
        this.broken = true;
        this.listener?.failed(error);
      });
      return worker;
    });
  }
}
