/**
 * A scan thread (see `threads.ts`): reads blocks of whole lines with the
 * input's log reader and matches them against the shared index; posts back
 * each block's findings and problems with absolute line numbers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LineSplitter } from '../../io/lines.ts';
import { IntelIndex } from '../../scan/index/intel-index.ts';
import { RecordMatcher, type Finding } from '../../scan/match.ts';
import { getReader } from '../../scan/readers/registry.ts';
import type { FromScanner, ToScanner, WorkerSetup } from './threads.ts';

function run(setup: WorkerSetup, port: NonNullable<typeof parentPort>): void {
  const records = getReader(setup.reader).createReader(setup.head);
  const matcher = new RecordMatcher(new IntelIndex(setup.parts));
  const screen = matcher.screenFor(records);
  port.on('message', (message: ToScanner) => {
    if (message.kind !== 'block') return;
    try {
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
        setup.maxLineBytes,
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
