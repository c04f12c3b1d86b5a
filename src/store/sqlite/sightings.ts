import type Database from 'better-sqlite3';
import { InputError } from '../../errors.ts';
import type { IndicatorType } from '../../model/index.ts';
import { valueHash } from '../../normalise/index.ts';
import type { NewSighting, Sighting, SightingOrigin, SightingReader, SightingStore } from '../sightings.ts';

interface SightingRow {
  id: number;
  type: string | null;
  value: string | null;
  object_id: string | null;
  org_id: number;
  org_name: string;
  user_id: number | null;
  origin: string;
  first_seen: number;
  last_seen: number;
  count: number;
  location: string | null;
  note: string | null;
  created_at: number;
}

const SELECT = `SELECT s.id, i.type, i.value, s.object_id, s.org_id, org.name AS org_name, s.user_id, s.origin, s.first_seen, s.last_seen,
    s.count, s.location, s.note, s.created_at
  FROM sightings s JOIN organisations org ON org.id = s.org_id LEFT JOIN indicators i ON i.id = s.indicator_id`;

function toSighting(row: SightingRow): Sighting {
  const sighting: Sighting = {
    id: row.id,
    org: row.org_id,
    orgName: row.org_name,
    origin: row.origin as SightingOrigin,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    count: row.count,
    createdAt: row.created_at,
  };
  if (row.type !== null && row.value !== null) sighting.indicator = { type: row.type as IndicatorType, value: row.value };
  if (row.object_id !== null) sighting.objectId = row.object_id;
  if (row.user_id !== null) sighting.user = row.user_id;
  if (row.location !== null) sighting.location = row.location;
  if (row.note !== null) sighting.note = row.note;
  return sighting;
}

/**
 * Sightings in SQLite. Who may read one is decided inside every query: the
 * organisation that made it, and the organisations owning a source that
 * reports the value sighted (or holds the object sighted). The reader's own
 * sources are few, so they become a short list of ids.
 */
export function sqliteSightings(db: Database.Database): SightingStore {
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= 64) statements.clear();
      statements.set(sql, (statement = db.prepare(sql)));
    }
    return statement;
  };
  const indicatorId = (indicator: { type: IndicatorType; value: string }): number | undefined =>
    (
      prepare('SELECT id FROM indicators WHERE hash = ? AND value = ? AND type = ?').get(valueHash(indicator.type, indicator.value), indicator.value, indicator.type) as
        | { id: number }
        | undefined
    )?.id;

  /** The predicate "the reader may read sighting s", with its parameters. */
  const readable = (reader: SightingReader): { sql: string; params: unknown[] } => {
    const owned = (
      prepare('SELECT s.id FROM sources s JOIN distributions d ON d.id = s.distribution_id WHERE d.owner_org_id = ?').all(reader.org) as Array<{ id: number }>
    ).map((row) => row.id);
    if (!owned.length) return { sql: 's.org_id = ?', params: [reader.org] };
    const list = owned.map(() => '?').join(',');
    return {
      sql: `(s.org_id = ?
        OR (s.indicator_id IS NOT NULL AND EXISTS (SELECT 1 FROM observations o WHERE o.indicator_id = s.indicator_id AND o.source_id IN (${list})))
        OR (s.object_id IS NOT NULL AND EXISTS (SELECT 1 FROM stix_objects x WHERE x.id = s.object_id AND x.source_id IN (${list}))))`,
      params: [reader.org, ...owned, ...owned],
    };
  };

  return {
    async addSighting(sighting: NewSighting) {
      let indicator: number | null = null;
      let objectId: string | null = null;
      if ('indicator' in sighting.target) {
        indicator = indicatorId(sighting.target.indicator) ?? null;
        if (indicator === null) return undefined;
      } else {
        objectId = sighting.target.objectId;
        if (!prepare('SELECT 1 FROM stix_objects WHERE id = ? LIMIT 1').get(objectId)) return undefined;
      }
      const id = prepare(
        `INSERT INTO sightings (indicator_id, object_id, org_id, user_id, key_id, origin, first_seen, last_seen, count, location, note, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        indicator,
        objectId,
        sighting.org,
        sighting.user ?? null,
        sighting.key ?? null,
        sighting.origin,
        sighting.firstSeen,
        sighting.lastSeen,
        sighting.count,
        sighting.location ?? null,
        sighting.note ?? null,
        sighting.createdAt,
      ).lastInsertRowid;
      return toSighting(prepare(`${SELECT} WHERE s.id = ?`).get(Number(id)) as SightingRow);
    },

    async listSightings(query) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (query.indicator) {
        const id = indicatorId(query.indicator);
        if (id === undefined) return { items: [] };
        // by value, or by the id of a STIX object one of its observations came from (as the summary counts them)
        where.push('(s.indicator_id = ? OR s.object_id IN (SELECT object_id FROM observations WHERE indicator_id = ? AND object_id IS NOT NULL))');
        params.push(id, id);
      }
      if (query.objectId !== undefined) {
        where.push('s.object_id = ?');
        params.push(query.objectId);
      }
      if (query.by !== undefined) {
        where.push('s.org_id = ?');
        params.push(query.by);
      }
      if (query.seenSince !== undefined) {
        where.push('s.last_seen >= ?');
        params.push(query.seenSince);
      }
      if (query.after !== undefined) {
        if (!/^\d{1,15}$/.test(query.after)) throw new InputError('TIX_QUERY_INVALID', `not a cursor this store issued: "${query.after.slice(0, 40)}"`);
        where.push('s.id < ?');
        params.push(Number(query.after));
      }
      const visible = readable(query.reader);
      where.push(visible.sql);
      params.push(...visible.params);
      const rows = prepare(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY s.id DESC LIMIT ?`).all(...params, query.limit + 1) as SightingRow[];
      const more = rows.length > query.limit;
      if (more) rows.pop();
      const items = rows.map(toSighting);
      const last = items[items.length - 1];
      return more && last ? { items, next: String(last.id) } : { items };
    },

    async sightingSummary(indicator, reader) {
      const id = indicatorId(indicator);
      if (id === undefined) return { count: 0, total: 0 };
      const visible = readable(reader);
      // by value, or by the id of a STIX object one of its observations came from
      const row = prepare(
        `SELECT count(*) AS n, coalesce(sum(s.count), 0) AS total, max(s.last_seen) AS last FROM sightings s
         WHERE (s.indicator_id = ? OR s.object_id IN (SELECT object_id FROM observations WHERE indicator_id = ? AND object_id IS NOT NULL))
           AND ${visible.sql}`,
      ).get(id, id, ...visible.params) as { n: number; total: number; last: number | null };
      return row.last === null ? { count: row.n, total: row.total } : { count: row.n, total: row.total, lastSeen: row.last };
    },
  };
}
