import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TixError } from '../errors.ts';
import { fileInput, type Input } from '../io/input.ts';

export interface Conditional {
  etag?: string;
  lastModified?: string;
}

export type FetchOutcome =
  | { status: 'not-modified' }
  | { status: 'ok'; input: Input; etag?: string; lastModified?: string };

const HEADER_TIMEOUT_MS = 60_000;
/** A body that sends nothing for this long is given up: a stalled server must not hold an import open. */
export const BODY_IDLE_MS = 60_000;

/**
 * GETs a feed over HTTP(S), conditionally when a previous ETag or
 * Last-Modified is known. The body is streamed, never buffered whole;
 * gzip transfer encoding is undone by fetch, gzip files by the reader.
 * A body that stops sending for `idleMs` is aborted with an error that
 * names the URL.
 */
export async function fetchFeed(url: string, conditional: Conditional = {}, options: { idleMs?: number } = {}): Promise<FetchOutcome> {
  const headers: Record<string, string> = { 'user-agent': 'tix (threat-intelligence exchange)', accept: '*/*' };
  if (conditional.etag) headers['if-none-match'] = conditional.etag;
  if (conditional.lastModified) headers['if-modified-since'] = conditional.lastModified;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), HEADER_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: controller.signal, redirect: 'follow' });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = controller.signal.aborted ? `no answer within ${HEADER_TIMEOUT_MS / 1000}s` : cause?.code ?? cause?.message ?? (error as Error).message;
    throw new TixError('TIX_FEED_FETCH', `${url}: cannot fetch (${reason})`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 304) return { status: 'not-modified' };
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new TixError('TIX_FEED_FETCH', `${url}: the server answered ${response.status} ${response.statusText}`);
  }
  const body = response.body;
  const length = Number(response.headers.get('content-length'));
  const modified = response.headers.get('last-modified') ?? undefined;
  const modifiedAt = modified ? Date.parse(modified) : Number.NaN;
  const idleMs = options.idleMs ?? BODY_IDLE_MS;
  const input: Input = {
    name: url,
    ...(Number.isFinite(length) && length > 0 && !response.headers.get('content-encoding') ? { size: length } : {}),
    ...(Number.isFinite(modifiedAt) ? { modifiedAt } : {}),
    open: () => watched(Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>), url, idleMs, controller),
  };
  const outcome: FetchOutcome = { status: 'ok', input };
  const etag = response.headers.get('etag');
  if (etag) outcome.etag = etag;
  if (modified) outcome.lastModified = modified;
  return outcome;
}

/** The body's chunks, the download aborted if none comes for `idleMs`; any failure of it named as the feed's. */
async function* watched(body: Readable, url: string, idleMs: number, controller: AbortController): AsyncGenerator<Buffer> {
  let stalled = false;
  let bytes = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    timer = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, idleMs);
  };
  try {
    arm();
    for await (const chunk of body as AsyncIterable<Buffer>) {
      clearTimeout(timer);
      bytes += chunk.length;
      yield chunk;
      arm();
    }
  } catch (error) {
    const reason = stalled ? `no data for ${idleMs / 1000}s` : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
    throw new TixError('TIX_FEED_FETCH', `${url}: the download broke off after ${bytes} bytes (${reason})`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A download saved to a temporary file first, so that the import that reads
 * it holds the store's write lock only for local work, never while a remote
 * server sends (or stalls). Messages still name the URL. `remove` deletes
 * the file; a failed download leaves nothing behind.
 */
export async function spool(input: Input, directory = tmpdir(), onBytes?: (received: number) => void): Promise<{ input: Input; remove: () => Promise<void> }> {
  const folder = await mkdtemp(join(directory, 'tix-feed-'));
  const remove = (): Promise<void> => rm(folder, { recursive: true, force: true });
  const path = join(folder, 'body');
  const file = createWriteStream(path);
  try {
    await pipeline(onBytes ? counted(input.open(), onBytes) : input.open(), file);
  } catch (error) {
    await remove();
    if (error instanceof TixError) throw error;
    throw new TixError('TIX_FEED_FETCH', `${input.name}: cannot save the download (${(error as Error).message})`, { cause: error });
  }
  return { input: { ...fileInput(path, file.bytesWritten, input.modifiedAt), name: input.name, path }, remove };
}

/** The chunks of a stream, `onBytes` told the bytes passed so far after each. */
async function* counted(chunks: AsyncIterable<Buffer>, onBytes: (received: number) => void): AsyncGenerator<Buffer> {
  let received = 0;
  for await (const chunk of chunks) {
    received += chunk.length;
    onBytes(received);
    yield chunk;
  }
}

/** A URL named on `tix ingest`: fetched unconditionally. */
export async function urlInput(url: string): Promise<Input> {
  const outcome = await fetchFeed(url);
  if (outcome.status !== 'ok') throw new TixError('TIX_FEED_FETCH', `${url}: unexpected 304 Not Modified`);
  return outcome.input;
}
