import { valueHash } from '../../normalise/index.ts';
import type { IndicatorDetail, IndicatorType } from '../../model/index.ts';
import type { Clearance } from '../../policy/index.ts';
import type { IndicatorPage, IndicatorQuery } from '../store.ts';
import { buildSearch, POSTGRES_SEARCH } from '../sql/search.ts';
import { OBSERVATION_COLUMNS, OBSERVATION_JOINS, summarise, toSourceView, type IndicatorRow, type ObservationRow } from '../sqlite/rows.ts';
import type { Sql } from './db.ts';
import { distributionVisibility, EVERYTHING, visibility, type Visibility } from './visibility.ts';

/** The CIDR prefix lengths held, read on each containment search: another process may have imported new ones. */
async function prefixesOf(sql: Sql): Promise<{ v4: number[]; v6: number[] }> {
  const rows = await sql.all<{ family: number; prefix: number }>('SELECT family, prefix FROM cidr_prefixes');
  return { v4: rows.filter((row) => row.family === 4).map((row) => row.prefix), v6: rows.filter((row) => row.family === 6).map((row) => row.prefix) };
}

/** A count reads every match: a join beats a probe per value there. */
const COUNT_SEARCH = { ...POSTGRES_SEARCH, probe: '' };

async function built(sql: Sql, query: IndicatorQuery, dialect = POSTGRES_SEARCH): Promise<{ sql: string; params: unknown[]; visible: Visibility | undefined }> {
  const visible = query.clearance && (await visibility(sql, query.clearance, 'o'));
  const prefixes = query.containing ? await prefixesOf(sql) : { v4: [], v6: [] };
  return { ...buildSearch(query, prefixes, visible, dialect), visible };
}

/** Sources in name order per value, compared as SQLite's reader compares them (UTF-16 code units). */
function bySource(list: ObservationRow[]): ObservationRow[] {
  if (list.length > 1) list.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  return list;
}

/** The observations of these values the reader may see, in one statement: a summary is made of visible views alone. */
async function observationsOf(sql: Sql, ids: number[], visible?: Visibility): Promise<Map<number, ObservationRow[]>> {
  const byId = new Map<number, ObservationRow[]>();
  if (!ids.length) return byId;
  const extra = visible ? `AND ${visible.sql}` : '';
  const first = ids[0]!;
  const last = ids[ids.length - 1]!;
  // a page of consecutive ids (a listing, an export) is one range walk of the primary key
  const range = ids.length > 50 && last - first < ids.length * 2;
  const rows = range
    ? await sql.all<ObservationRow>(`SELECT ${OBSERVATION_COLUMNS} FROM observations o ${OBSERVATION_JOINS} WHERE o.indicator_id BETWEEN ? AND ? ${extra}`, [first, last, ...(visible?.params ?? [])])
    : await sql.all<ObservationRow>(`SELECT ${OBSERVATION_COLUMNS} FROM observations o ${OBSERVATION_JOINS} WHERE o.indicator_id = ANY(?::bigint[]) ${extra}`, [ids, ...(visible?.params ?? [])]);
  const wanted = range && last - first + 1 !== ids.length ? new Set(ids) : undefined;
  for (const row of rows) {
    if (wanted && !wanted.has(row.indicator_id)) continue;
    const list = byId.get(row.indicator_id);
    if (list) list.push(row);
    else byId.set(row.indicator_id, [row]);
  }
  for (const list of byId.values()) bySource(list);
  return byId;
}

export async function search(sql: Sql, query: IndicatorQuery): Promise<IndicatorPage> {
  const { sql: text, params, visible } = await built(sql, query);
  const rows = await sql.all<IndicatorRow>(text, params);
  const more = rows.length > query.limit;
  if (more) rows.pop();
  const views = await observationsOf(
    sql,
    rows.map((row) => row.id),
    visible,
  );
  const items = rows.map((row) => summarise(row, (views.get(row.id) ?? []).map(toSourceView), query.now));
  const last = rows[rows.length - 1];
  return more && last ? { items, next: String(last.id) } : { items };
}

export async function count(sql: Sql, query: Omit<IndicatorQuery, 'limit' | 'after'>): Promise<number> {
  const { sql: text, params } = await built(sql, { ...query, limit: 0 }, COUNT_SEARCH);
  // the search without its page: the LIMIT parameter is last, and LIMIT NULL is none
  params[params.length - 1] = null;
  return (await sql.get<{ n: number }>(`SELECT count(*) AS n FROM (${text}) AS page`, params))!.n;
}

type DetailRow = ObservationRow & { i_id: number; i_type: string; i_value: string; i_first_seen: number; i_last_seen: number; i_added_at: number };

/**
 * One value and every observation of it the reader may see, in one statement on the hash index: the
 * clearance is applied to each observation's TLP and its source's distribution as the source is shared
 * now, read in the same statement (one round trip, where reading the sources first would make two).
 */
export async function get(sql: Sql, type: IndicatorType, value: string, now: number, clearance?: Clearance): Promise<IndicatorDetail | undefined> {
  const visible = clearance ? distributionVisibility(clearance, 'v') : EVERYTHING;
  const rows = await sql.all<DetailRow>(
    `SELECT i.id AS i_id, i.type AS i_type, i.value AS i_value, i.first_seen AS i_first_seen, i.last_seen AS i_last_seen, i.added_at AS i_added_at,
       ${OBSERVATION_COLUMNS}
     FROM observations o ${OBSERVATION_JOINS} CROSS JOIN LATERAL (SELECT o.tlp, s.distribution_id) v
     WHERE i.hash = ? AND i.value = ? AND i.type = ? AND ${visible.sql}`,
    [valueHash(type, value), value, type, ...visible.params],
  );
  const first = rows[0];
  // a value no visible source reports does not exist for this reader
  if (!first) return undefined;
  const row: IndicatorRow = { id: first.i_id, type: first.i_type, value: first.i_value, first_seen: first.i_first_seen, last_seen: first.i_last_seen, added_at: first.i_added_at };
  const observations = bySource(rows).map(toSourceView);
  return { ...summarise(row, observations, now), observations };
}

export async function objectIdsOf(sql: Sql, type: IndicatorType, value: string, clearance?: Clearance): Promise<string[]> {
  const visible = clearance ? await visibility(sql, clearance, 'o') : EVERYTHING;
  const rows = await sql.all<{ id: string }>(
    `SELECT DISTINCT o.object_id AS id FROM observations o JOIN indicators i ON i.id = o.indicator_id
     WHERE i.hash = ? AND i.value = ? AND i.type = ? AND o.object_id IS NOT NULL AND ${visible.sql} LIMIT 100`,
    [valueHash(type, value), value, type, ...visible.params],
  );
  return rows.map((row) => row.id);
}

export async function countByCountry(sql: Sql, clearance?: Clearance): Promise<Array<{ country: string; indicators: number }>> {
  const visible = clearance ? await visibility(sql, clearance, 'o') : EVERYTHING;
  return sql.all<{ country: string; indicators: number }>(
    `SELECT l.country, count(*) AS indicators FROM indicator_locations l
     WHERE l.country IS NOT NULL AND EXISTS (SELECT 1 FROM observations o WHERE o.indicator_id = l.indicator_id AND ${visible.sql})
     GROUP BY l.country ORDER BY indicators DESC, l.country COLLATE "C"`,
    visible.params,
  );
}
