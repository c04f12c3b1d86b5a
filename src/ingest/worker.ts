/**
 * The parser thread of an ingest (see `parse-thread.ts`): receives the input's
 * bytes chunk by chunk, splits, parses and normalises them, and posts back
 * batches ready for the store (`encodeBatch`: merged, hashed, keyed) with the
 * issues found on the way. It holds at most a few batches the writer has not
 * taken; while it waits, the chunks it was sent queue up (the sender sends
 * only a few ahead).
 */
import { parentPort } from 'node:worker_threads';
import { compileWarninglists, warninglistIssue } from '../enrich/warninglists.ts';
import { getFormat, type LineFormat } from '../formats/index.ts';
import { LineSplitter } from '../io/lines.ts';
import type { Issue, Observation } from '../model/index.ts';
import { encodeBatch } from '../store/batch.ts';
import { batchIsFull } from './batching.ts';
import type { ParserConfig, ToParser, FromParser } from './parse-thread.ts';

/** Batches parsed ahead of the writer: a few, to ride out the writer's uneven pace (a commit of many rows, a page cache spill). */
const MAX_BATCHES_WAITING = 6;

function run(config: ParserConfig, port: NonNullable<typeof parentPort>): void {
  const post = (message: FromParser): void => port.postMessage(message);
  const format = getFormat(config.format) as LineFormat;
  let batch: Observation[] = [];
  let accepted = 0;
  let issues: Issue[] = [];
  const flag = config.warninglists?.length ? compileWarninglists(config.warninglists) : undefined;
  const parser = format.createParser(
    { file: config.file, now: config.now, options: config.options },
    {
      accept(observation) {
        accepted++;
        if (flag) {
          const lists = flag(observation.type, observation.value);
          if (lists.length) issues.push(warninglistIssue(config.file, observation.line, observation.value, lists));
        }
        if (config.validForMs !== undefined && observation.validUntil === undefined) {
          observation.validUntil = observation.lastSeen + config.validForMs;
        }
        batch.push(observation);
      },
      reject(issue) {
        issues.push(issue);
      },
    },
  );
  const splitter = new LineSplitter(
    {
      line: (text, no) => parser.line(text, no),
      problem: (problem) => issues.push({ ...problem, file: config.file, severity: 'error' }),
    },
    config.maxLineBytes,
  );

  const queue: Uint8Array[] = [];
  let waiting = 0;
  let ended = false;
  let bytes = 0;
  /** Input parsed since the last batch. */
  let batchBytes = 0;

  const flush = (force: boolean): void => {
    if (batch.length === 0 || (!force && !batchIsFull(batch.length, batchBytes, config.limits))) return;
    const encoded = encodeBatch(batch);
    encoded.inputBytes = batchBytes;
    batch = [];
    batchBytes = 0;
    waiting++;
    // the typed arrays move to the writer; the text is one string, copied in one piece
    port.postMessage({ kind: 'batch', batch: encoded } satisfies FromParser, [encoded.numbers.buffer as ArrayBuffer, encoded.ends.buffer as ArrayBuffer]);
  };
  const report = (): void => {
    post({ kind: 'progress', bytes, lines: splitter.lines, accepted, issues });
    issues = [];
  };
  const pump = (): void => {
    while (queue.length > 0 && waiting < MAX_BATCHES_WAITING) {
      const chunk = queue.shift()!;
      bytes += chunk.length;
      batchBytes += chunk.length;
      splitter.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      // batches end at chunk boundaries, by the rule the writer's own thread follows (batching.ts)
      flush(false);
      report();
    }
    if (ended && queue.length === 0 && waiting < MAX_BATCHES_WAITING) {
      ended = false;
      const read = splitter.end();
      parser.end();
      flush(true);
      post({ kind: 'progress', bytes, lines: read, accepted, issues });
      issues = [];
      post({ kind: 'done', read });
    }
  };

  port.on('message', (message: ToParser) => {
    try {
      if (message.kind === 'chunk') queue.push(message.chunk);
      else if (message.kind === 'taken') waiting--;
      else if (message.kind === 'start') throw new Error('the parser thread was started twice');
      else ended = true;
      pump();
    } catch (error) {
      post({ kind: 'failed', message: (error as Error).message, stack: (error as Error).stack ?? '' });
    }
  });
}

// the thread may start before its input is known: its configuration comes as the first message
if (parentPort) {
  const port = parentPort;
  port.once('message', (message: ToParser) => {
    if (message.kind === 'start') run(message.config, port);
    else port.postMessage({ kind: 'failed', message: `the parser thread was sent "${message.kind}" before its start`, stack: '' } satisfies FromParser);
  });
}
