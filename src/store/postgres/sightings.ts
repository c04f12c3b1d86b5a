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
import type { Db } from './db.ts';
import { storable } from './text.ts';

/**
 * Sightings in PostgreSQL. Who may read one is decided inside every query:
 * the organisation that made it, and the organisations owning a source that
 * reports the value sighted (or holds the object sighted). The reader's
 * sources are read on every call (another node may have re-shared one) and
 * passed as one array parameter, so the statement text stays the same.
 */
export function postgresSightings(db: Db): SightingStore {
  const indicatorId = async (indicator: { type: IndicatorType; value: string }): Promise<number | undefined> =>
    !storable(indicator.value) ? undefined : (await db.get<{ id: number }>(INDICATOR_ID, [valueHash(indicator.type, indicator.value), indicator.value, indicator.type]))?.id;

  const readable = async (reader: SightingReader): Promise<{ sql: string; params: unknown[] }> => {
    const owned = (await db.all<{ id: number }>('SELECT s.id FROM sources s JOIN distributions d ON d.id = s.distribution_id WHERE d.owner_org_id = ?', [reader.org])).map((row) => row.id);
    return readableSightings(reader.org, owned.length > 0, (column) => ({ sql: `${column} = ANY(?::bigint[])`, params: [owned] }));
  };

  return {
    async addSighting(sighting: NewSighting) {
      let indicator: number | null = null;
      let objectId: string | null = null;
      if ('indicator' in sighting.target) {
        indicator = (await indicatorId(sighting.target.indicator)) ?? null;
        if (indicator === null) return undefined;
      } else {
        objectId = sighting.target.objectId;
        if (!storable(objectId)) return undefined;
        if (!(await db.get('SELECT 1 FROM stix_objects WHERE id = ? LIMIT 1', [objectId]))) return undefined;
      }
      const created = await db.get<{ id: number }>(`${INSERT_SIGHTING} RETURNING id`, sightingParams(sighting, indicator, objectId));
      return toSighting((await db.get<SightingRow>(`${SELECT_SIGHTINGS} WHERE s.id = ?`, [created!.id]))!);
    },

    async listSightings(query) {
      let id: number | undefined;
      if (query.indicator) {
        id = await indicatorId(query.indicator);
        if (id === undefined) return { items: [] };
      }
      const { where, params } = sightingFilters(query, id);
      if (!storable(query.objectId)) return { items: [] };
      const visible = await readable(query.reader);
      where.push(visible.sql);
      params.push(...visible.params);
      const rows = await db.all<SightingRow>(`${SELECT_SIGHTINGS} WHERE ${where.join(' AND ')} ORDER BY s.id DESC LIMIT ?`, [...params, query.limit + 1]);
      return sightingPage(rows, query.limit);
    },

    async sightingSummary(indicator, reader) {
      const id = await indicatorId(indicator);
      if (id === undefined) return { count: 0, total: 0 };
      const visible = await readable(reader);
      const row = await db.get<{ n: number; total: number; last: number | null }>(
        `SELECT count(*) AS n, coalesce(sum(s.count), 0) AS total, max(s.last_seen) AS last FROM sightings s
         WHERE ${OF_INDICATOR} AND ${visible.sql}`,
        [id, id, ...visible.params],
      );
      return toSummary(row!);
    },
  };
}
