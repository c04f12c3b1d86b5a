import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { threadExecArgv } from '../../ingest/parse-thread.ts';
import { digestFile, type DigestName, type FileDigests } from './evidence-file.ts';

export type ToHasher = { id: number; path: string; names: DigestName[] };
export type FromHasher = ({ id: number } & FileDigests) | { id: number; error: string } | { id: number; read: number };

const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './hash-worker.ts' : './hash-worker.js', import.meta.url);
const ALL: DigestName[] = ['md5', 'sha1', 'sha256'];
/** Files from this size have their digests made on two threads at once: MD5 on one, SHA-1 and SHA-256 (about as long together) on the other. */
const SPLIT_BYTES = 32 * 2 ** 20;

/** The three digests of a file. */
export type FileHashes = FileDigests & { digests: Record<DigestName, string> };

/**
 * Makes the MD5, SHA-1 and SHA-256 of evidence files on worker threads:
 * several files at once, and a large file's digests split over two threads
 * (each reads the file for itself, the second mostly from the page cache),
 * so that hashing a tree keeps up with the disk rather than with one core.
 * With fewer than two threads, on this one.
 */
export class FileHasher {
  private workers: Worker[] = [];
  /** Jobs in hand per worker. */
  private busy: number[] = [];
  private readonly waiting = new Map<number, { resolve: (result: FileDigests) => void; reject: (error: Error) => void; read?: ((bytes: number) => void) | undefined }>();
  private nextId = 0;

  constructor(private readonly threads: number) {}

  /** Files worth having in hand at once: two a thread keep each busy. */
  get parallel(): number {
    return this.threads < 2 ? 1 : this.threads * 2;
  }

  /** The digests of a file; `read` is told the bytes read so far, now and then. */
  async hash(path: string, read?: (bytes: number) => void): Promise<FileHashes> {
    if (this.threads < 2) return (await digestFile(path, ALL, read)) as FileHashes;
    // a file that cannot be listed fails in the thread that reads it, as any other
    const size = (await stat(path).catch(() => undefined))?.size ?? 0;
    if (size < SPLIT_BYTES) return (await this.job(path, ALL, read)) as FileHashes;
    const [md5, shas] = await Promise.all([this.job(path, ['md5'], read), this.job(path, ['sha1', 'sha256'])]);
    // two reads must have read the same bytes: a file written meanwhile is reported, not given mixed digests
    if (md5.size !== shas.size || md5.modifiedAt !== shas.modifiedAt) throw new Error('the file changed while it was read');
    return { digests: { ...md5.digests, ...shas.digests } as FileHashes['digests'], size: md5.size, modifiedAt: md5.modifiedAt };
  }

  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    this.busy = [];
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private job(path: string, names: DigestName[], read?: (bytes: number) => void): Promise<FileDigests> {
    if (this.workers.length === 0) this.start();
    let pick = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.busy[i]! < this.busy[pick]!) pick = i;
    const id = this.nextId++;
    const busy = this.busy;
    busy[pick]!++;
    this.workers[pick]!.postMessage({ id, path, names } satisfies ToHasher);
    return new Promise<FileDigests>((resolve, reject) => {
      const done = (): void => void busy[pick]!--;
      this.waiting.set(id, {
        resolve: (result) => (done(), resolve(result)),
        reject: (error) => (done(), reject(error)),
        read,
      });
    });
  }

  private start(): void {
    this.workers = Array.from({ length: this.threads }, () => {
      const worker = new Worker(WORKER_URL, { execArgv: threadExecArgv() });
      worker.on('message', (message: FromHasher) => {
        const waiting = this.waiting.get(message.id);
        if ('read' in message) {
          waiting?.read?.(message.read);
          return;
        }
        this.waiting.delete(message.id);
        if ('error' in message) waiting?.reject(new Error(message.error));
        else waiting?.resolve(message);
      });
      // a thread that dies fails what it had in hand (all jobs, to be safe) and the next job starts new threads
      worker.on('error', (error) => {
        for (const { reject } of this.waiting.values()) reject(error);
        this.waiting.clear();
        void this.close();
      });
      return worker;
    });
    this.busy = this.workers.map(() => 0);
  }
}
