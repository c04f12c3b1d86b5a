import { Worker } from 'node:worker_threads';
import type { Warninglist } from '../enrich/warninglists.ts';
import type { Issue } from '../model/index.ts';
import type { ObservationBatch } from '../store/batch.ts';
import type { BatchLimits } from './batching.ts';

/** What the parser thread needs to know: plain data, copied to it when it starts. */
export interface ParserConfig {
  format: string;
  file: string;
  now: number;
  options: Record<string, string>;
  limits: BatchLimits;
  maxLineBytes?: number;
  validForMs?: number;
  /** Values on these lists are flagged (a warning) as they are parsed. */
  warninglists?: Warninglist[];
}

/** The first message a thread gets is its `start`: a thread may be started before its input is known (prestartParser). */
export type ToParser = { kind: 'start'; config: ParserConfig } | { kind: 'chunk'; chunk: Uint8Array } | { kind: 'taken' } | { kind: 'end' };

export type FromParser =
  | { kind: 'batch'; batch: ObservationBatch }
  /** After each chunk: bytes and lines parsed so far, values accepted so far, issues since the last report. */
  | { kind: 'progress'; bytes: number; lines: number; accepted: number; issues: Issue[] }
  | { kind: 'done'; read: number }
  | { kind: 'failed'; message: string; stack: string };

export interface ParseHooks {
  /** Each batch in input order; the next is not handed over before this one's promise settles. */
  batch(batch: ObservationBatch): Promise<void>;
  progress(report: { bytes: number; lines: number; accepted: number; issues: Issue[] }): void;
}

/** Bytes sent to the parser thread ahead of what it has parsed: enough to keep it busy while a batch is written. */
const MAX_BYTES_AHEAD = 8 * 2 ** 20;

/**
 * The parser's young generation. Its rows live until their batch is encoded; with V8's default most of them
 * outlive a scavenge and are copied, and the collector's helper threads took a core-second of a 1M-row CSV
 * from the writer. Twice the default (48 MB) costs some 60 MB of memory and halves that.
 */
const PARSER_YOUNG_GENERATION_MB = 96;

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './worker.ts' : './worker.js', import.meta.url);

/**
 * The parser thread. Built (dist/), it is worker.js. Run from source (tests,
 * development under tsx), a thread does not inherit the TypeScript loader
 * of this one, so it registers tsx before it loads worker.ts. It waits for
 * its `start` message.
 */
function spawnWorker(): Worker {
  const options = { execArgv: threadExecArgv(), resourceLimits: { maxYoungGenerationSizeMb: PARSER_YOUNG_GENERATION_MB } };
  if (!FROM_SOURCE) return new Worker(WORKER_URL, options);
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** A thread started ahead (prestartParser) that no import has taken yet; forgotten if it stops. */
let spare: Worker | undefined;

/**
 * Starts a parser thread before an import needs one, so that loading its modules (a tenth of a second or
 * more) overlaps what comes first, such as opening the store; the next import takes it. Until then it does
 * not keep the process alive.
 */
export function prestartParser(): void {
  if (spare) return;
  const worker = spawnWorker();
  worker.unref();
  // a thread that failed to start is not taken: its failure would have no one to hear it
  const forget = (): void => {
    if (spare === worker) spare = undefined;
  };
  worker.once('error', forget);
  worker.once('exit', forget);
  spare = worker;
}

function startWorker(config: ParserConfig): Worker {
  const worker = spare ?? spawnWorker();
  spare = undefined;
  worker.ref();
  worker.postMessage({ kind: 'start', config } satisfies ToParser);
  return worker;
}

/** Node options of this process that concern its main script (`-e`, `--test`), not how modules load: the thread must not inherit them. */
const MAIN_ONLY = /^(--input-type|--eval|-e|--print|-p|--test|--test-[a-z-]+|--watch|--watch-[a-z-]+|--check|-c|--interactive|-i)(=.*)?$/;
const TAKES_VALUE = /^(--input-type|--eval|-e|--print|-p|--test-[a-z-]+|--watch-path)$/;

export function threadExecArgv(): string[] {
  const kept: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!MAIN_ONLY.test(arg)) kept.push(arg);
    else if (TAKES_VALUE.test(arg)) i++; // its value, given as the next argument, goes with it
  }
  return kept;
}

/**
 * Parses a line-format input on a second thread while this one writes: the
 * bytes go over as transferred buffers (no copy), and batches come back
 * merged, hashed and keyed (`encodeBatch`), a few at most waiting, so parsing
 * and writing overlap with bounded memory. Returns the number of lines read.
 * Any failure (of the stream, the parser or `hooks.batch`) stops the thread
 * and rejects; the caller rolls back.
 */
export async function parseOnThread(stream: AsyncIterable<Buffer>, config: ParserConfig, hooks: ParseHooks): Promise<number> {
  const worker = startWorker(config);
  let failure: { error: unknown } | undefined;
  let done: ((read: number) => void) | undefined;
  let failed: ((error: unknown) => void) | undefined;
  const finished = new Promise<number>((resolve, reject) => {
    done = resolve;
    failed = reject;
  });
  // awaited at the end; until then a failure must not count as unhandled
  finished.catch(() => {});
  let wake: (() => void) | undefined;
  const stop = (error: unknown): void => {
    if (failure) return;
    failure = { error };
    failed!(error);
    wake?.();
  };
  let posted = 0;
  let parsed = 0;
  let read: number | undefined;
  // messages are handled strictly in order, each batch written before the next message is looked at
  let chain: Promise<void> = Promise.resolve();
  worker.on('message', (message: FromParser) => {
    if (message.kind === 'failed') {
      const error = new Error(message.message);
      error.stack = message.stack;
      stop(error);
      return;
    }
    if (message.kind === 'progress') {
      parsed = message.bytes;
      wake?.();
    }
    chain = chain
      .then(async () => {
        if (failure) return;
        if (message.kind === 'batch') {
          await hooks.batch(message.batch);
          worker.postMessage({ kind: 'taken' } satisfies ToParser);
        } else if (message.kind === 'progress') {
          hooks.progress(message);
        } else if (message.kind === 'done') {
          read = message.read;
          done!(message.read);
        }
      })
      .catch(stop);
  });
  worker.on('error', stop);
  worker.on('exit', (code) => {
    if (read === undefined) stop(new Error(`the parser thread stopped (exit code ${code})`));
  });

  try {
    for await (const chunk of stream) {
      if (failure) break;
      // a chunk that owns its whole memory is moved to the thread; one that shares it (a slice of a pool) is copied
      const owned = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength ? chunk : new Uint8Array(chunk);
      posted += owned.byteLength; // before the transfer empties it
      worker.postMessage({ kind: 'chunk', chunk: owned } satisfies ToParser, [owned.buffer as ArrayBuffer]);
      while (!failure && posted - parsed > MAX_BYTES_AHEAD) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    }
    if (!failure) worker.postMessage({ kind: 'end' } satisfies ToParser);
  } catch (error) {
    stop(error);
  }
  try {
    return await finished;
  } finally {
    await worker.terminate();
  }
}
