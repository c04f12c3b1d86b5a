import type { IntelIndex } from '../../scan/index/intel-index.ts';
import type { Finding } from '../../scan/match.ts';

export interface ThreadScanConfig {
  reader: string;
  head: string;
  maxLineBytes?: number;
  threads: number;
}

export interface ThreadSink {
  findings(found: Finding[]): void;
  problem(problem: { line?: number; code: string; message: string }): void;
  progress(bytes: number, lines: number): void;
}

/** Placeholder until the thread pool lands: never called while `threads` is 0. */
export async function scanOnThreads(_stream: AsyncIterable<Buffer>, _config: ThreadScanConfig, _index: IntelIndex, _sink: ThreadSink): Promise<number> {
  throw new Error('scan threads are not available');
}
