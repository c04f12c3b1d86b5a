/**
 * A scan thread (see `threads.ts`): for each input, takes its log reader,
 * then reads its blocks of whole lines and matches them against the shared
 * index; posts back each block's findings and problems, numbered within the
 * block, and its number of lines.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LineSplitter } from '../../io/lines.ts';
import { IntelIndex } from '../../scan/index/intel-index.ts';
import { RecordMatcher, type Finding } from '../../scan/match.ts';
import type { RecordReader } from '../../scan/record.ts';
import { getReader } from '../../scan/readers/registry.ts';
import type { FromScanner, ToScanner, WorkerSetup } from './threads.ts';

/** The reader and matcher of the input being scanned, set by its `input` message. */
interface InputScan {
  records: RecordReader;
  matcher: RecordMatcher;
  screen: ReturnType<RecordMatcher['screenFor']>;
  maxLineBytes: number;
}

function run(setup: WorkerSetup, port: NonNullable<typeof parentPort>): void {
  const index = new IntelIndex(setup.parts);
  let input: InputScan | undefined;
  port.on('message', (message: ToScanner) => {
    try {
      if (message.kind === 'input') {
        const records = getReader(message.reader).createReader(message.head);
        const matcher = new RecordMatcher(index);
        input = { records, matcher, screen: matcher.screenFor(records), maxLineBytes: message.maxLineBytes };
        return;
      }
      if (!input) throw new Error('a block before its input');
      const { records, matcher, screen } = input;
      const findings: Finding[] = [];
      const problems: Array<{ line: number; code: string; message: string }> = [];
      const splitter = new LineSplitter(
        {
          // lines numbered within the block: the thread that sent it numbers them on (threads.ts)
          line(text, line) {
            matcher.line = line;
            const problem = records.read(text, line, matcher);
            if (problem) problems.push(problem);
            const found = matcher.take();
            if (found.length) {
              const time = records.time();
              for (const finding of found) {
                if (time !== undefined) finding.time = time;
                findings.push(finding);
              }
            }
          },
          problem: (problem) => problems.push(problem),
          ...(screen ? { screen } : {}),
        },
        input.maxLineBytes,
      );
      splitter.push(Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength));
      const lines = splitter.end();
      port.postMessage({ kind: 'result', seq: message.seq, lines, findings, problems } satisfies FromScanner);
    } catch (error) {
      port.postMessage({ kind: 'failed', message: (error as Error).stack ?? String(error) } satisfies FromScanner);
    }
  });
}

if (parentPort) run(workerData as WorkerSetup, parentPort);
