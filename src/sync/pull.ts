import { randomUUID } from 'node:crypto';
import { TixError } from '../errors.ts';
import { openSecret } from '../auth/sealed.ts';
import { ingest } from '../ingest/ingest.ts';
import type { Issue } from '../model/index.ts';
import type { ImportMeta, Store } from '../store/store.ts';
import type { SyncState } from '../store/sync.ts';
import { followUp, nextCheckpoint, parseEnvelope, refusalReport, sortObjects, type Refused } from './page.ts';
import { pushSightings } from './push.ts';
import { DEFAULT_TIMEOUT_MS, getPage } from './remote.ts';

export interface SyncRunOptions {
  /** The clock. */
  now: () => number;
  /** Per request to the remote, body included. */
  timeoutMs?: number;
  /** Stop after this many pages (the rest is pulled on the next run, from the checkpoint). */
  maxPages?: number;
  /** Objects asked for per page. */
  pageSize?: number;
  /** Runs an import after those queued before it (a server's import queue); default: at once. */
  queueImport?: <T>(task: () => Promise<T>) => Promise<T>;
  onIssue?: (issue: Issue) => void;
  /** Pull only if the sync, as read under its lock, still passes this (a scheduler's due check). */
  ifDue?: (sync: SyncState) => boolean;
  /** The instance's secret key, which opens a sync key stored sealed (see auth/sealed.ts). */
  secret?: Buffer;
}

export interface SyncCounts {
  pages: number;
  /** Objects the remote sent. */
  received: number;
  /** Object versions stored that the store did not hold. */
  objects: number;
  new: number;
  updated: number;
  unchanged: number;
  /** Objects skipped for their markings (see the report). */
  refused: number;
  /** Objects the STIX reader rejected. */
  rejected: number;
  /** Sightings pushed to the remote. */
  pushed: number;
}

export interface SyncOutcome {
  sync: string;
  /** ok: pulled to the end; partial: stopped early (--max-pages, or its time); busy: another process is pulling it; error: see `error`. */
  status: 'ok' | 'partial' | 'busy' | 'error';
  counts: SyncCounts;
  refused: Refused[];
  checkpoint?: string;
  error?: string;
}

/** How long a run may hold its sync: on the embedded store the lock is a lease that runs out, so a run takes no new page past half of it (it resumes on the next run). */
const LEASE_MS = 20 * 60_000;
const DEFAULT_PAGE_SIZE = 1000;

/** `store` with every import it begins given these meta fields (the page's checkpoint, the sync's default TLP). */
function withMeta(store: Store, extra: Partial<ImportMeta>): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'beginImport') return (meta: ImportMeta) => target.beginImport({ ...meta, ...extra });
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Pulls a sync now: page after page of its remote collection from its
 * checkpoint, each page's accepted objects imported as one atomic import
 * under the sync's source that also moves the checkpoint, so a run stopped
 * anywhere resumes after the last page stored. Then pushes the sightings
 * made here on what it brought. Runs under the store's lock of the sync (as
 * feeds are pulled), so of all the processes of a store one pulls it at a
 * time; another finds it 'busy'.
 */
export async function runSync(store: Store, sync: SyncState, options: SyncRunOptions): Promise<SyncOutcome> {
  const now = options.now();
  const locked = await store.exclusively(`sync:${sync.name}`, () => runLocked(store, sync.name, options), { now, leaseMs: LEASE_MS });
  if (locked.ran && locked.value) return locked.value;
  return { sync: sync.name, status: 'busy', counts: emptyCounts(), refused: [], ...(sync.checkpoint === undefined ? {} : { checkpoint: sync.checkpoint }) };
}

const emptyCounts = (): SyncCounts => ({ pages: 0, received: 0, objects: 0, new: 0, updated: 0, unchanged: 0, refused: 0, rejected: 0, pushed: 0 });

/** A run under the lock; undefined when the sync is gone or (for a scheduler) no longer due. */
async function runLocked(store: Store, name: string, options: SyncRunOptions): Promise<SyncOutcome | undefined> {
  // read under the lock: another process may have pulled it (and moved its checkpoint) since the caller read it
  const stored = await store.getSync(name);
  if (!stored || (options.ifDue && !options.ifDue(stored))) return undefined;
  const outcome: SyncOutcome = { sync: name, status: 'ok', counts: emptyCounts(), refused: [], ...(stored.checkpoint === undefined ? {} : { checkpoint: stored.checkpoint }) };
  const problems: string[] = [];
  try {
    let sync: SyncState;
    try {
      sync = { ...stored, key: openSecret(options.secret, stored.key, `sync ${name}: its key`) };
    } catch (error) {
      if (!(error instanceof TixError)) throw error;
      outcome.status = 'error';
      problems.push(`${error.code}: ${error.message}`);
      return outcome;
    }
    try {
      outcome.status = await pullPages(store, sync, options, outcome);
    } catch (error) {
      if (!(error instanceof TixError)) throw error;
      outcome.status = 'error';
      problems.push(`${error.code}: ${error.message}`);
    }
    try {
      outcome.counts.pushed = await pushSightings(store, sync, { now: options.now(), timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    } catch (error) {
      if (!(error instanceof TixError)) throw error;
      problems.push(`${error.code}: ${error.message}`);
    }
  } finally {
    const report = [...problems, refusalReport(outcome.refused)].filter(Boolean).join('; ');
    if (report) outcome.error = report;
    await store.recordSyncRun(name, { lastPullAt: options.now(), lastStatus: outcome.status, lastError: report, lastCounts: { ...outcome.counts } });
  }
  return outcome;
}

async function pullPages(store: Store, sync: SyncState, options: SyncRunOptions, outcome: SyncOutcome): Promise<'ok' | 'partial'> {
  const queue = options.queueImport ?? (<T>(task: () => Promise<T>) => task());
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = options.now();
  let asked: { addedAfter?: string; next?: string } = sync.checkpoint === undefined ? {} : { addedAfter: sync.checkpoint };
  for (;;) {
    if (options.maxPages !== undefined && outcome.counts.pages >= options.maxPages) return 'partial';
    if (options.now() - started > LEASE_MS / 2) return 'partial';
    const reply = await getPage(sync, { ...asked, limit: options.pageSize ?? DEFAULT_PAGE_SIZE }, timeoutMs);
    const envelope = parseEnvelope(reply);
    const sorted = sortObjects(envelope.objects);
    const checkpoint = nextCheckpoint(outcome.checkpoint, reply.dateAddedLast, envelope.more);
    const moved = checkpoint !== undefined && checkpoint !== outcome.checkpoint;
    let stored = false;
    if (sorted.accepted.length) {
      const bundle = Buffer.from(JSON.stringify({ type: 'bundle', id: `bundle--${randomUUID()}`, objects: sorted.accepted }));
      const target = withMeta(store, { ...(sync.tlp ? { tlp: sync.tlp } : {}), ...(moved ? { checkpoint: { sync: sync.name, addedAfter: checkpoint } } : {}) });
      const input = { name: `TAXII sync ${sync.name} (${sync.url})`, size: bundle.length, open: async function* () { yield bundle; } };
      const result = await queue(() =>
        ingest(target, input, { format: 'stix', source: sync.source, now: options.now(), ...(sync.tlp ? { tlp: sync.tlp } : {}), ...(options.onIssue ? { onIssue: options.onIssue } : {}) }),
      );
      stored = result.skipped === undefined;
      for (const key of ['objects', 'new', 'updated', 'unchanged', 'rejected'] as const) outcome.counts[key] += result[key];
    }
    // a page where nothing was stored (all refused, or empty) moves the checkpoint on its own
    if (moved && !stored) await store.recordSyncRun(sync.name, { checkpoint });
    if (checkpoint !== undefined) outcome.checkpoint = checkpoint;
    outcome.counts.pages++;
    outcome.counts.received += envelope.objects.length;
    outcome.counts.refused += sorted.refused.length;
    outcome.refused.push(...sorted.refused);
    const step = followUp(asked, envelope, outcome.checkpoint);
    if (step.done) return 'ok';
    asked = { ...(step.addedAfter === undefined ? {} : { addedAfter: step.addedAfter }), ...(step.next === undefined ? {} : { next: step.next }) };
  }
}
