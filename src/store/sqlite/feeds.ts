import type { Tlp } from '../../model/index.ts';
import type { FeedState } from '../store.ts';

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
