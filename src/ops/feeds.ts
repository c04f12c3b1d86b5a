import { TixError } from '../errors.ts';
import { ingest, type IngestResult } from '../ingest/ingest.ts';
import type { Issue } from '../model/index.ts';
import type { FeedState, Store } from '../store/store.ts';
import { fetchFeed, spool } from './fetch.ts';

export type PullResult =
  | { feed: string; status: 'not-modified' }
  | { feed: string; status: 'ok'; result: IngestResult }
  | { feed: string; status: 'error'; error: string }
  /** Another process of the store is pulling this feed right now. */
  | { feed: string; status: 'busy' };

/** How long a pull may hold its feed on the embedded store before another process may take it over (a process that died). */
const PULL_LEASE_MS = 60 * 60_000;

export function isDue(feed: FeedState, now: number): boolean {
  return feed.lastPullAt === undefined || feed.lastPullAt + feed.everyMs <= now;
}

interface PullOptions {
  onIssue?: (issue: Issue) => void;
  onProgress?: (p: { bytes: number; lines: number }) => void;
  /** The download's bytes received so far, and its size when the server gave it. */
  onDownload?: (received: number, size: number | undefined) => void;
  /** Give the download up after this long without data (default `BODY_IDLE_MS`). */
  idleMs?: number;
  /** Where the download is saved before it is imported (default: the system's temporary directory). */
  spoolDirectory?: string;
}

/**
 * Pulls one feed: conditional GET, the body saved to a temporary file, then
 * an atomic import of it under the feed's name: the import's transaction
 * never waits on the network. A full-dump feed delists what it no longer lists. The ETag is kept
 * only after a successful import, so a failed one is fetched again. Every
 * process of the store (API nodes, `tix feeds pull` from cron) pulls a feed
 * under its lock, so a feed is pulled by one of them at a time.
 */
export async function pullFeed(store: Store, feed: FeedState, now: number, options: PullOptions = {}): Promise<PullResult> {
  const outcome = await store.exclusively(`feed:${feed.name}`, () => pullLocked(store, feed, now, options), { now, leaseMs: PULL_LEASE_MS });
  return outcome.ran ? outcome.value : { feed: feed.name, status: 'busy' };
}

async function pullLocked(store: Store, feed: FeedState, now: number, options: PullOptions): Promise<PullResult> {
  const { idleMs, spoolDirectory, onDownload, ...hooks } = options;
  try {
    const outcome = await fetchFeed(feed.url, { etag: feed.etag, lastModified: feed.lastModified }, idleMs === undefined ? {} : { idleMs });
    if (outcome.status === 'not-modified') {
      await store.recordPull(feed.name, { lastPullAt: now, lastStatus: 'not-modified', lastError: '' });
      return { feed: feed.name, status: 'not-modified' };
    }
    const size = outcome.input.size;
    const saved = await spool(outcome.input, spoolDirectory, onDownload && ((received) => onDownload(received, size)));
    let result: IngestResult;
    try {
      result = await ingest(store, saved.input, {
        source: feed.name,
        ...(feed.format ? { format: feed.format } : {}),
        ...(feed.tlp ? { tlp: feed.tlp } : {}),
        ...(feed.confidence === undefined ? {} : { confidence: feed.confidence }),
        ...(feed.mode === 'full' ? { fullDump: feed.expireAfterMs === undefined ? {} : { expireAfterMs: feed.expireAfterMs } } : {}),
        now,
        observedAt: now,
        ...hooks,
      });
    } finally {
      await saved.remove();
    }
    await store.recordPull(feed.name, {
      etag: outcome.etag ?? '',
      lastModified: outcome.lastModified ?? '',
      lastPullAt: now,
      lastStatus: result.skipped ? 'empty' : 'ok',
      lastError: result.skipped ?? '',
      lastCounts: { read: result.read, accepted: result.accepted, rejected: result.rejected, new: result.new, updated: result.updated, delisted: result.delisted },
    });
    return { feed: feed.name, status: 'ok', result };
  } catch (error) {
    if (!(error instanceof TixError)) throw error;
    await store.recordPull(feed.name, { lastPullAt: now, lastStatus: 'error', lastError: error.message });
    return { feed: feed.name, status: 'error', error: error.message };
  }
}
