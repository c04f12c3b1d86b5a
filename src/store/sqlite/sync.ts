import type Database from 'better-sqlite3';
import type { Tlp } from '../../model/index.ts';
import type { PendingSighting, SyncDefinition, SyncRunRecord, SyncState, SyncStore } from '../sync.ts';

export interface SyncRow {
  name: string;
  url: string;
  collection: string;
  push_collection: string | null;
  key: string;
  every_ms: number;
  source: string;
  tlp: string | null;
  checkpoint: string | null;
  last_pull_at: number | null;
  last_status: string | null;
  last_error: string | null;
  last_counts: string | null;
  created_at: number;
}

export const SYNC_COLUMNS = 'name, url, collection, push_collection, key, every_ms, source, tlp, checkpoint, last_pull_at, last_status, last_error, last_counts, created_at';

export function toSyncState(row: SyncRow): SyncState {
  const sync: SyncState = { name: row.name, url: row.url, collection: row.collection, key: row.key, everyMs: row.every_ms, source: row.source, createdAt: row.created_at };
  if (row.push_collection !== null) sync.pushCollection = row.push_collection;
  if (row.tlp !== null) sync.tlp = row.tlp as Tlp;
  if (row.checkpoint !== null) sync.checkpoint = row.checkpoint;
  if (row.last_pull_at !== null) sync.lastPullAt = row.last_pull_at;
  if (row.last_status !== null) sync.lastStatus = row.last_status;
  if (row.last_error !== null) sync.lastError = row.last_error;
  if (row.last_counts !== null) sync.lastCounts = JSON.parse(row.last_counts) as Record<string, number>;
  return sync;
}

export const ADD_SYNC = `INSERT INTO sync_state (name, url, collection, push_collection, key, every_ms, source, tlp, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (name) DO UPDATE SET url = excluded.url, collection = excluded.collection, push_collection = excluded.push_collection,
    key = excluded.key, every_ms = excluded.every_ms, source = excluded.source, tlp = excluded.tlp`;

export function addSyncParams(sync: SyncDefinition, now: number): unknown[] {
  return [sync.name, sync.url, sync.collection, sync.pushCollection ?? null, sync.key, sync.everyMs, sync.source, sync.tlp ?? null, now];
}

/** The columns a run record sets, and their values; undefined fields are left as they are. */
export function runUpdate(record: SyncRunRecord): { sets: string[]; params: unknown[] } {
  const sets: string[] = [];
  const params: unknown[] = [];
  const put = (column: string, value: unknown): void => {
    sets.push(`${column} = ?`);
    params.push(value);
  };
  if (record.checkpoint !== undefined) put('checkpoint', record.checkpoint);
  if (record.lastPullAt !== undefined) put('last_pull_at', record.lastPullAt);
  if (record.lastStatus !== undefined) put('last_status', record.lastStatus);
  if (record.lastError !== undefined) put('last_error', record.lastError);
  if (record.lastCounts !== undefined) put('last_counts', JSON.stringify(record.lastCounts));
  return { sets, params };
}

/**
 * Sightings of the sync's source not yet pushed: made on one of its STIX
 * objects, or on a value one of its objects gave (the object it came from
 * is the one sighted). Parameters: the sync's name twice, the limit.
 */
export const UNPUSHED_SIGHTINGS = `
  SELECT id, target, first_seen, last_seen, count, note, created_at FROM (
    SELECT s.id, s.first_seen, s.last_seen, s.count, s.note, s.created_at,
      coalesce(
        CASE WHEN s.object_id IS NOT NULL AND EXISTS (SELECT 1 FROM stix_objects x WHERE x.id = s.object_id AND x.source_id = src.id) THEN s.object_id END,
        (SELECT o.object_id FROM observations o WHERE s.indicator_id IS NOT NULL AND o.indicator_id = s.indicator_id AND o.source_id = src.id AND o.object_id IS NOT NULL ORDER BY o.object_id LIMIT 1)
      ) AS target
    FROM sync_state y JOIN sources src ON src.name = y.source JOIN sightings s ON 1 = 1
    WHERE y.name = ? AND NOT EXISTS (SELECT 1 FROM sync_pushed p WHERE p.sync_name = ? AND p.sighting_id = s.id)
  ) t WHERE target IS NOT NULL ORDER BY id LIMIT ?`;

export interface PendingRow {
  id: number;
  target: string;
  first_seen: number;
  last_seen: number;
  count: number;
  note: string | null;
  created_at: number;
}

export function toPending(row: PendingRow): PendingSighting {
  const pending: PendingSighting = { id: row.id, objectId: row.target, firstSeen: row.first_seen, lastSeen: row.last_seen, count: row.count, createdAt: row.created_at };
  if (row.note !== null) pending.note = row.note;
  return pending;
}

export function sqliteSync(db: Database.Database): SyncStore {
  return {
    async addSync(sync, now) {
      db.prepare(ADD_SYNC).run(...addSyncParams(sync, now));
    },
    async removeSync(name) {
      return db.transaction(() => {
        db.prepare('DELETE FROM sync_pushed WHERE sync_name = ?').run(name);
        return db.prepare('DELETE FROM sync_state WHERE name = ?').run(name).changes > 0;
      })();
    },
    async listSyncs() {
      return (db.prepare(`SELECT ${SYNC_COLUMNS} FROM sync_state ORDER BY name`).all() as SyncRow[]).map(toSyncState);
    },
    async getSync(name) {
      const row = db.prepare(`SELECT ${SYNC_COLUMNS} FROM sync_state WHERE name = ?`).get(name) as SyncRow | undefined;
      return row && toSyncState(row);
    },
    async recordSyncRun(name, record) {
      const { sets, params } = runUpdate(record);
      if (sets.length) db.prepare(`UPDATE sync_state SET ${sets.join(', ')} WHERE name = ?`).run(...params, name);
    },
    async unpushedSightings(name, limit) {
      return (db.prepare(UNPUSHED_SIGHTINGS).all(name, name, limit) as PendingRow[]).map(toPending);
    },
    async markSightingsPushed(name, sightings, at) {
      const insert = db.prepare('INSERT INTO sync_pushed (sync_name, sighting_id, pushed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
      db.transaction(() => {
        for (const id of sightings) insert.run(name, id, at);
      })();
    },
  };
}
