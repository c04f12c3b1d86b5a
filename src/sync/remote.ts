import { TixError } from '../errors.ts';
import type { SyncDefinition } from '../store/sync.ts';
import type { PageReply } from './page.ts';

export const TAXII_MEDIA = 'application/taxii+json;version=2.1';
/** How long a remote has to answer a request, body included. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** The largest page body read from a remote. */
const MAX_PAGE_BYTES = 256 * 2 ** 20;

/** The objects endpoint of a collection under the sync's API root. */
export function objectsUrl(root: string, collection: string): string {
  return `${root.replace(/\/+$/, '')}/collections/${encodeURIComponent(collection)}/objects/`;
}

/** `user:password` is HTTP Basic; anything else (a tix API key, an OAuth token) a Bearer token. */
export function authorization(key: string): string {
  return key.includes(':') ? `Basic ${Buffer.from(key).toString('base64')}` : `Bearer ${key}`;
}

/** One request to a remote with a deadline on the whole exchange, body included. */
async function exchange(url: string, init: RequestInit, timeoutMs: number): Promise<{ response: Response; body: string }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, { ...init, signal: controller.signal, redirect: 'follow' });
    const length = Number(response.headers.get('content-length'));
    if (Number.isFinite(length) && length > MAX_PAGE_BYTES) {
      await response.body?.cancel();
      throw new TixError('TIX_SYNC_BAD_PAGE', `${url}: the remote's answer is larger than ${MAX_PAGE_BYTES / 2 ** 20} MiB`);
    }
    return { response, body: await response.text() };
  } catch (error) {
    if (error instanceof TixError) throw error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = controller.signal.aborted ? `no answer within ${timeoutMs / 1000}s` : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new TixError('TIX_SYNC_FETCH', `${url}: cannot reach the remote (${reason})`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

const failed = (url: string, response: Response, body: string): TixError =>
  new TixError('TIX_SYNC_FETCH', `${url}: the remote answered ${response.status} ${response.statusText}${body ? `: ${body.slice(0, 200).replace(/\s+/g, ' ')}` : ''}`);

/** GETs one page of objects; what it says is for parseEnvelope to judge. */
export async function getPage(sync: SyncDefinition, query: { addedAfter?: string; next?: string; limit: number }, timeoutMs: number): Promise<PageReply> {
  const url = new URL(objectsUrl(sync.url, sync.collection));
  if (query.addedAfter !== undefined) url.searchParams.set('added_after', query.addedAfter);
  if (query.next !== undefined) url.searchParams.set('next', query.next);
  url.searchParams.set('limit', String(query.limit));
  const { response, body } = await exchange(url.toString(), { headers: { accept: TAXII_MEDIA, authorization: authorization(sync.key), 'user-agent': 'tix sync' } }, timeoutMs);
  if (!response.ok) throw failed(url.toString(), response, body);
  return { contentType: response.headers.get('content-type'), body, dateAddedLast: response.headers.get('x-taxii-date-added-last') };
}

/** POSTs an envelope to a collection; the ids the remote's status reports as failed (TAXII §4.3). */
export async function postObjects(sync: SyncDefinition, collection: string, objects: readonly unknown[], timeoutMs: number): Promise<Set<string>> {
  const url = objectsUrl(sync.url, collection);
  const { response, body } = await exchange(
    url,
    {
      method: 'POST',
      headers: { accept: TAXII_MEDIA, 'content-type': TAXII_MEDIA, authorization: authorization(sync.key), 'user-agent': 'tix sync' },
      body: JSON.stringify({ objects }),
    },
    timeoutMs,
  );
  if (!response.ok) throw new TixError('TIX_SYNC_PUSH', failed(url, response, body).message);
  const failures = new Set<string>();
  try {
    const status = JSON.parse(body) as { failures?: Array<{ id?: unknown }> };
    for (const failure of status.failures ?? []) if (typeof failure.id === 'string') failures.add(failure.id);
  } catch {
    // a 2xx without a status resource: the remote took the envelope
  }
  return failures;
}
