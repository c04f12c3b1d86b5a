import { InputError } from '../../errors.ts';
import type { IndicatorType } from '../../model/index.ts';
import type { NewSighting, Sighting, SightingOrigin, SightingQuery, SightingSummary } from '../sightings.ts';

export interface SightingRow {
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

export const SELECT_SIGHTINGS = `SELECT s.id, i.type, i.value, s.object_id, s.org_id, org.name AS org_name, s.user_id, s.origin, s.first_seen, s.last_seen,
    s.count, s.location, s.note, s.created_at
  FROM sightings s JOIN organisations org ON org.id = s.org_id LEFT JOIN indicators i ON i.id = s.indicator_id`;

export const INSERT_SIGHTING = `INSERT INTO sightings (indicator_id, object_id, org_id, user_id, key_id, origin, first_seen, last_seen, count, location, note, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** The parameters of INSERT_SIGHTING, in its column order. */
export function sightingParams(sighting: NewSighting, indicator: number | null, objectId: string | null): unknown[] {
  return [
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
  ];
}

export const INDICATOR_ID = 'SELECT id FROM indicators WHERE hash = ? AND value = ? AND type = ?';

export function toSighting(row: SightingRow): Sighting {
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

/** Sightings of a value: by value, or by the id of a STIX object one of its observations came from (params: id, id). */
export const OF_INDICATOR = '(s.indicator_id = ? OR s.object_id IN (SELECT object_id FROM observations WHERE indicator_id = ? AND object_id IS NOT NULL))';

/**
 * The predicate "the reader may read sighting s": made by the reader's
 * organisation, or of what a source it owns reports (a value) or holds (an
 * object). `owned(alias)` is the backend's test that `alias` is one of the
 * reader's source ids, with its parameters.
 */
export function readableSightings(org: number, ownsAny: boolean, owned: (column: string) => { sql: string; params: unknown[] }): { sql: string; params: unknown[] } {
  if (!ownsAny) return { sql: 's.org_id = ?', params: [org] };
  const observed = owned('o.source_id');
  const held = owned('x.source_id');
  return {
    sql: `(s.org_id = ?
      OR (s.indicator_id IS NOT NULL AND EXISTS (SELECT 1 FROM observations o WHERE o.indicator_id = s.indicator_id AND ${observed.sql}))
      OR (s.object_id IS NOT NULL AND EXISTS (SELECT 1 FROM stix_objects x WHERE x.id = s.object_id AND ${held.sql})))`,
    params: [org, ...observed.params, ...held.params],
  };
}

/** The filters of a sightings query other than who may read (the indicator already resolved to its id). */
export function sightingFilters(query: SightingQuery, indicatorId: number | undefined): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (indicatorId !== undefined) {
    where.push(OF_INDICATOR);
    params.push(indicatorId, indicatorId);
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
  return { where, params };
}

/** A page of sightings from `limit + 1` rows: the extra row only says there is more. */
export function sightingPage(rows: SightingRow[], limit: number): { items: Sighting[]; next?: string } {
  const more = rows.length > limit;
  if (more) rows.pop();
  const items = rows.map(toSighting);
  const last = items[items.length - 1];
  return more && last ? { items, next: String(last.id) } : { items };
}

export const toSummary = (row: { n: number; total: number; last: number | null }): SightingSummary =>
  row.last === null ? { count: row.n, total: row.total } : { count: row.n, total: row.total, lastSeen: row.last };
