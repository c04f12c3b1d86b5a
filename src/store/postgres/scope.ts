import type { IndicatorType, ThreatType, Tlp } from '../../model/index.ts';
import type { ScopeQuery, ScopeRow } from '../operations.ts';
import { likeEscape } from '../sql/operations.ts';
import type { IndicatorRow } from '../sqlite/rows.ts';
import type { Db } from './db.ts';
import { visibility } from './visibility.ts';

interface Row extends IndicatorRow {
  country: string | null;
  asn: number | null;
  source_id: number;
  threat_type: string | null;
  malware: string | null;
  tags: string;
  tlp: string;
  confidence: number | null;
}

function toScopeRow(a: Row, asNames: Map<number, string>, sourceNames: Map<number, string>): ScopeRow {
  const row: ScopeRow = {
    id: a.id,
    type: a.type as IndicatorType,
    value: a.value,
    firstSeen: a.first_seen,
    lastSeen: a.last_seen,
    addedAt: a.added_at,
    source: sourceNames.get(a.source_id) ?? String(a.source_id),
    tags: a.tags ? a.tags.split(',') : [],
    tlp: a.tlp as Tlp,
  };
  if (a.country !== null) row.country = a.country;
  if (a.asn !== null) {
    row.asn = a.asn;
    const name = asNames.get(row.asn);
    if (name) row.asOrg = name;
  }
  if (a.threat_type !== null) row.threatType = a.threat_type as ThreatType;
  if (a.malware !== null) row.malware = a.malware;
  if (a.confidence !== null) row.confidence = a.confidence;
  return row;
}

/** The visible observations of values in an operation's scope, in batches ordered by value then source. */
export async function* scopeRows(db: Db, query: ScopeQuery): AsyncGenerator<ScopeRow[]> {
  const visible = query.clearance && (await visibility(db, query.clearance, 'o'));
  const tag = likeEscape(query.tag.toLowerCase());
  // the values tagged for the operation, found once: a subquery in the paged statement would scan every observation per page
  const tagged = (
    await db.all<{ indicator_id: number }>(
      `SELECT DISTINCT indicator_id FROM observations WHERE (',' || lower(tags) || ',') LIKE ? ESCAPE '\\' OR (',' || lower(tags) || ',') LIKE ? ESCAPE '\\'`,
      [`%,${tag},%`, `%,${tag}:__,%`],
    )
  ).map((row) => row.indicator_id);
  // "i.id >= ?" stands on its own so that each page starts at its first id
  const sql = `SELECT i.id, i.type, i.value, i.first_seen, i.last_seen, i.added_at, l.country, l.asn,
      o.source_id, o.threat_type, o.malware, o.tags, o.tlp, o.confidence
    FROM indicators i JOIN observations o ON o.indicator_id = i.id LEFT JOIN indicator_locations l ON l.indicator_id = i.id
    WHERE i.id >= ? AND (i.id > ? OR o.source_id > ?)
      AND (l.country = ANY(?::text[]) OR i.id = ANY(?::bigint[]))
      AND i.first_seen <= ? AND i.last_seen >= ?
      AND o.revoked_at IS NULL AND (o.valid_until IS NULL OR o.valid_until > ?)
      ${visible ? `AND ${visible.sql}` : ''}
    ORDER BY i.id, o.source_id LIMIT ?`;
  // sources are few: their names are looked up here rather than joined into every row
  const asNames = new Map((await db.all<{ asn: number; name: string }>('SELECT asn, name FROM as_names')).map((row) => [row.asn, row.name]));
  const sourceNames = new Map((await db.all<{ id: number; name: string }>('SELECT id, name FROM sources')).map((row) => [row.id, row.name]));
  const size = query.batch ?? 50_000;
  let afterId = 0;
  let afterSource = 0;
  for (;;) {
    const raw = await db.all<Row>(sql, [afterId, afterId, afterSource, [...query.countries], tagged, query.to, query.from, query.now, ...(visible?.params ?? []), size]);
    if (!raw.length) return;
    const last = raw[raw.length - 1]!;
    afterId = last.id;
    afterSource = last.source_id;
    yield raw.map((row) => toScopeRow(row, asNames, sourceNames));
    if (raw.length < size) return;
  }
}
