import { Readable } from 'node:stream';
import { TixError } from '../errors.ts';
import type { Input } from '../io/input.ts';

export interface Conditional {
  etag?: string;
  lastModified?: string;
}

export type FetchOutcome =
  | { status: 'not-modified' }
  | { status: 'ok'; input: Input; etag?: string; lastModified?: string };

const HEADER_TIMEOUT_MS = 60_000;

/**
 * GETs a feed over HTTP(S), conditionally when a previous ETag or
 * Last-Modified is known. The body is streamed, never buffered whole;
 * gzip transfer encoding is undone by fetch, gzip files by the reader.
 */
export async function fetchFeed(url: string, conditional: Conditional = {}): Promise<FetchOutcome> {
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
  const input: Input = {
    name: url,
    ...(Number.isFinite(length) && length > 0 && !response.headers.get('content-encoding') ? { size: length } : {}),
    ...(Number.isFinite(modifiedAt) ? { modifiedAt } : {}),
    open: () => Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>),
  };
  const outcome: FetchOutcome = { status: 'ok', input };
  const etag = response.headers.get('etag');
  if (etag) outcome.etag = etag;
  if (modified) outcome.lastModified = modified;
  return outcome;
}

/** A URL named on `tix ingest`: fetched unconditionally. */
export async function urlInput(url: string): Promise<Input> {
  const outcome = await fetchFeed(url);
  if (outcome.status !== 'ok') throw new TixError('TIX_FEED_FETCH', `${url}: unexpected 304 Not Modified`);
  return outcome.input;
}
