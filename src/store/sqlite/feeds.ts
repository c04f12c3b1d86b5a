import type { Tlp } from '../../model/index.ts';
import type { FeedState, ImportRecord } from '../store.ts';

export interface FeedRow {
  name: string;
  url: string;
  format: string | null;
  every_ms: number;
  mode: 'full' | 'delta';
  expire_after_ms: number | null;
  tlp: string | null;
  confidence: number | null;
  etag: string | null;
  last_modified: string | null;
  last_pull_at: number | null;
  last_status: string | null;
  last_error: string | null;
  last_counts: string | null;
  created_at: number;
}

export function toFeedState(row: FeedRow): FeedState {
  const feed: FeedState = { name: row.name, url: row.url, everyMs: row.every_ms, mode: row.mode, createdAt: row.created_at };
  if (row.format !== null) feed.format = row.format;
  if (row.expire_after_ms !== null) feed.expireAfterMs = row.expire_after_ms;
  if (row.tlp !== null) feed.tlp = row.tlp as Tlp;
  if (row.confidence !== null) feed.confidence = row.confidence;
  if (row.etag !== null) feed.etag = row.etag;
  if (row.last_modified !== null) feed.lastModified = row.last_modified;
  if (row.last_pull_at !== null) feed.lastPullAt = row.last_pull_at;
  if (row.last_status !== null) feed.lastStatus = row.last_status;
  if (row.last_error !== null) feed.lastError = row.last_error;
  if (row.last_counts !== null) feed.lastCounts = JSON.parse(row.last_counts) as Record<string, number>;
  return feed;
}

/** The UPDATE that records how a pull went: only the fields given; an empty text clears its column. */
export function pullUpdate(
  name: string,
  state: Partial<Pick<FeedState, 'etag' | 'lastModified' | 'lastPullAt' | 'lastStatus' | 'lastError' | 'lastCounts'>>,
): { sql: string; params: unknown[] } | undefined {
  const columns: Record<string, unknown> = {
    etag: state.etag,
    last_modified: state.lastModified,
    last_pull_at: state.lastPullAt,
    last_status: state.lastStatus,
    last_error: state.lastError,
    last_counts: state.lastCounts === undefined ? undefined : JSON.stringify(state.lastCounts),
  };
  const set = Object.entries(columns).filter(([, value]) => value !== undefined);
  if (!set.length) return undefined;
  return {
    sql: `UPDATE feeds SET ${set.map(([column]) => `${column} = ?`).join(', ')} WHERE name = ?`,
    params: [...set.map(([, value]) => (value === '' ? null : value)), name],
  };
}

/** The latest imports, newest first (`tix imports`): one statement for both backends. */
export const LIST_IMPORTS = `SELECT im.id, s.name AS source, im.origin, im.format, im.started_at, im.finished_at, im.status, im.counts
  FROM imports im JOIN sources s ON s.id = im.source_id ORDER BY im.id DESC LIMIT ?`;

export interface ImportRow {
  id: number;
  source: string;
  origin: string;
  format: string;
  started_at: number;
  finished_at: number | null;
  status: ImportRecord['status'];
  counts: string;
}

export function toImportRecord(row: ImportRow): ImportRecord {
  return {
    id: row.id,
    source: row.source,
    origin: row.origin,
    format: row.format,
    startedAt: row.started_at,
    ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
    status: row.status,
    counts: JSON.parse(row.counts) as Record<string, number>,
  };
}
