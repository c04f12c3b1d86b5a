/**
 * A hashing thread (see `hash-threads.ts`): reads each evidence file it is
 * given, read-only, and posts back the digests asked for.
 */
import { parentPort } from 'node:worker_threads';
import { digestFile } from './evidence-file.ts';
import type { FromHasher, ToHasher } from './hash-threads.ts';

/** Bytes read between two words of progress. */
const PROGRESS_BYTES = 64 * 2 ** 20;

if (parentPort) {
  const port = parentPort;
  port.on('message', (job: ToHasher) => {
    let told = 0;
    const read = (bytes: number): void => {
      if (bytes - told < PROGRESS_BYTES) return;
      told = bytes;
      port.postMessage({ id: job.id, read: bytes } satisfies FromHasher);
    };
    digestFile(job.path, job.names, read).then(
      (result) => port.postMessage({ id: job.id, ...result } satisfies FromHasher),
      (error: Error) => port.postMessage({ id: job.id, error: error.message } satisfies FromHasher),
    );
  });
}
