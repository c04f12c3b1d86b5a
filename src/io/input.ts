import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from '../errors.ts';

/** Whether bytes begin with gzip's magic number: gzip is known by it, not by a file's name. */
export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Something to read: a file, stdin or an HTTP body. Opened lazily, read once, as a stream. */
export interface Input {
  /** As the user named it; used in every message. */
  name: string;
  /** The file that holds the data, where it is not `name` (an upload kept in a temporary file under its sender's name). */
  path?: string;
  size?: number;
  /** When the data was produced, if known (a file's mtime). */
  modifiedAt?: number;
  open(): AsyncIterable<Buffer>;
}

export function fileInput(path: string, size?: number, modifiedAt?: number): Input {
  return {
    name: path,
    ...(size === undefined ? {} : { size }),
    // times are whole milliseconds everywhere in tix; a file system's mtime may carry a fraction
    ...(modifiedAt === undefined ? {} : { modifiedAt: Math.trunc(modifiedAt) }),
    open: () => createReadStream(path, { highWaterMark: 256 * 1024 }),
  };
}

export function stdinInput(): Input {
  return { name: '<stdin>', open: () => process.stdin };
}

/**
 * Files named on the command line; a directory stands for every regular
 * file below it, in name order. Symbolic links inside a directory are not
 * followed, so a tree cannot lead the reader outside itself.
 */
export async function expandPaths(paths: string[]): Promise<Input[]> {
  const inputs: Input[] = [];
  for (const path of paths) {
    if (path === '-') {
      inputs.push(stdinInput());
      continue;
    }
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      throw new InputError('TIX_INPUT_UNREADABLE', `${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`, { file: path });
    }
    if (info.isDirectory()) inputs.push(...(await walk(path)));
    else inputs.push(fileInput(path, info.size, info.mtimeMs));
  }
  return inputs;
}

async function walk(directory: string): Promise<Input[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const inputs: Input[] = [];
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) inputs.push(...(await walk(path)));
    else if (entry.isFile() && !basename(path).startsWith('.')) {
      const info = await stat(path);
      inputs.push(fileInput(path, info.size, info.mtimeMs));
    }
  }
  return inputs;
}

/**
 * Reads the first `bytes` of a stream for format detection without losing
 * them: returns the head and a stream that replays it before the rest.
 * Gzip input is decompressed transparently.
 */
export async function peek(
  source: AsyncIterable<Buffer>,
  bytes = 65536,
): Promise<{ head: Buffer; stream: AsyncIterable<Buffer>; compressed: boolean }> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return { head: Buffer.alloc(0), stream: (async function* () {})(), compressed: false };
  const firstChunk = Buffer.from(first.value);
  const rest: AsyncIterable<Buffer> = {
    [Symbol.asyncIterator]: () => ({
      next: () => iterator.next(),
      return: async () => (iterator.return ? iterator.return() : { done: true, value: undefined }),
    }),
  };
  const replay = async function* (): AsyncGenerator<Buffer> {
    yield firstChunk;
    yield* rest;
  };
  const compressed = isGzip(firstChunk);
  let stream: AsyncIterable<Buffer> = replay();
  if (compressed) stream = Readable.from(stream).pipe(createGunzip());
  // collect the head from the (decompressed) stream, then replay it
  const it = stream[Symbol.asyncIterator]();
  const held: Buffer[] = [];
  let heldBytes = 0;
  while (heldBytes < bytes) {
    const next = await it.next();
    if (next.done) break;
    held.push(next.value);
    heldBytes += next.value.length;
  }
  const head = Buffer.concat(held).subarray(0, bytes);
  const full = async function* (): AsyncGenerator<Buffer> {
    yield* held;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  };
  return { head, stream: full(), compressed };
}
