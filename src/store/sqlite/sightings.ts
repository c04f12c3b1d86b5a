import type Database from 'better-sqlite3';
import type { IndicatorType } from '../../model/index.ts';
import { valueHash } from '../../normalise/index.ts';
import type { NewSighting, SightingReader, SightingStore } from '../sightings.ts';
import {
  INDICATOR_ID,
  INSERT_SIGHTING,
  OF_INDICATOR,
  readableSightings,
  SELECT_SIGHTINGS,
  sightingFilters,
  sightingParams,
  sightingPage,
  toSighting,
  toSummary,
  type SightingRow,
} from '../sql/sightings.ts';

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
    (prepare(INDICATOR_ID).get(valueHash(indicator.type, indicator.value), indicator.value, indicator.type) as { id: number } | undefined)?.id;

  /** The predicate "the reader may read sighting s", with its parameters. */
  const readable = (reader: SightingReader): { sql: string; params: unknown[] } => {
    const owned = (
      prepare('SELECT s.id FROM sources s JOIN distributions d ON d.id = s.distribution_id WHERE d.owner_org_id = ?').all(reader.org) as Array<{ id: number }>
    ).map((row) => row.id);
    return readableSightings(reader.org, owned.length > 0, (column) => ({ sql: `${column} IN (${owned.map(() => '?').join(',')})`, params: owned }));
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
      const id = prepare(INSERT_SIGHTING).run(...sightingParams(sighting, indicator, objectId)).lastInsertRowid;
      return toSighting(prepare(`${SELECT_SIGHTINGS} WHERE s.id = ?`).get(Number(id)) as SightingRow);
    },

    async listSightings(query) {
      let id: number | undefined;
      if (query.indicator) {
        id = indicatorId(query.indicator);
        if (id === undefined) return { items: [] };
      }
      const { where, params } = sightingFilters(query, id);
      const visible = readable(query.reader);
      where.push(visible.sql);
      params.push(...visible.params);
      const rows = prepare(`${SELECT_SIGHTINGS} WHERE ${where.join(' AND ')} ORDER BY s.id DESC LIMIT ?`).all(...params, query.limit + 1) as SightingRow[];
      return sightingPage(rows, query.limit);
    },

    async sightingSummary(indicator, reader) {
      const id = indicatorId(indicator);
      if (id === undefined) return { count: 0, total: 0 };
      const visible = readable(reader);
      const row = prepare(
        `SELECT count(*) AS n, coalesce(sum(s.count), 0) AS total, max(s.last_seen) AS last FROM sightings s
         WHERE ${OF_INDICATOR} AND ${visible.sql}`,
      ).get(id, id, ...visible.params) as { n: number; total: number; last: number | null };
      return toSummary(row);
    },
  };
}
