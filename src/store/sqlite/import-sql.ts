/** The SQL an import runs: staging columns and the statements that merge staged rows into observations. */

/** Metadata from a newer report replaces the stored one; an older or equal report only fills gaps. Order of arrival never matters. */
const newerOr = (column: string): string =>
  `CASE WHEN excluded.last_seen > last_seen THEN coalesce(excluded.${column}, ${column}) ELSE coalesce(${column}, excluded.${column}) END`;

/** The named parameters of an import's statements: its source, its own id, its time, and the defaults of its rows. */
export interface ImportParams {
  source: number;
  import: number;
  now: number;
  tlp: string;
  confidence: number | null;
}

/** Columns of the staging tables, in the order rows are bound: the first `BARE_COLUMNS` for a bare batch, all for the others. */
export const CELL_COLUMNS = [
  'hash', 'type', 'value', 'ip_first', 'ip_last', 'host_key', 'first_seen', 'last_seen', 'raw', 'line', 'repeated',
  'confidence', 'threat_type', 'malware', 'tags', 'reference', 'tlp', 'valid_until', 'revoked', 'object_id',
];
export const STAGE_COLUMNS = `hash INTEGER, type TEXT, value TEXT, ip_first BLOB, ip_last BLOB, host_key TEXT, first_seen INTEGER, last_seen INTEGER,
  raw TEXT, line INTEGER, repeated INTEGER, confidence INTEGER, threat_type TEXT, malware TEXT, tags TEXT NOT NULL DEFAULT '', reference TEXT,
  tlp TEXT, valid_until INTEGER, revoked INTEGER NOT NULL DEFAULT 0, object_id TEXT, indicator_id INTEGER, is_new INTEGER, round INTEGER`;

export const BARE_COLUMNS = 11;
export const FULL_COLUMNS = CELL_COLUMNS.length;

/** IP keys arrive in hex (store/batch.ts). */
export const placeholder = (column: string): string => (column === 'ip_first' || column === 'ip_last' ? 'unhex(?)' : '?');

/** Rows bound per INSERT statement when staging: one call and one statement step for many rows. */
export const ROWS_PER_INSERT = 50;

const observationsFrom = (id: string, where: string, from = 'temp.import_stage'): string => `
  INSERT INTO observations (indicator_id, source_id, first_seen, last_seen, confidence, threat_type, malware, tags,
    reference, tlp, valid_until, revoked_at, listed, raw, origin_import, origin_line, added_at, updated_at, object_id)
  SELECT ${id}, @source, s.first_seen, s.last_seen, coalesce(s.confidence, @confidence), s.threat_type, s.malware, s.tags,
    s.reference, coalesce(s.tlp, @tlp), s.valid_until, CASE WHEN s.revoked THEN @now END, 1, s.raw, @import, s.line, @now, @now, s.object_id
  FROM ${from} s WHERE ${where}`;

/** New values cannot have an observation yet; values already held merge into this source's. */
export const INSERT_NEW_OBSERVATIONS = observationsFrom('s.indicator_id', 's.is_new = 1');
const MERGE_OBSERVATION = `
  ON CONFLICT (indicator_id, source_id) DO UPDATE SET
    first_seen = min(first_seen, excluded.first_seen),
    last_seen = max(last_seen, excluded.last_seen),
    confidence = ${newerOr('confidence')},
    threat_type = ${newerOr('threat_type')},
    malware = ${newerOr('malware')},
    reference = ${newerOr('reference')},
    object_id = ${newerOr('object_id')},
    tags = CASE WHEN (excluded.last_seen > last_seen AND excluded.tags <> '') OR tags = '' THEN excluded.tags ELSE tags END,
    tlp = CASE WHEN excluded.last_seen > last_seen THEN excluded.tlp ELSE tlp END,
    valid_until = CASE WHEN listed = 0 OR excluded.last_seen > last_seen THEN excluded.valid_until ELSE coalesce(valid_until, excluded.valid_until) END,
    revoked_at = CASE WHEN excluded.revoked_at IS NOT NULL THEN coalesce(revoked_at, excluded.revoked_at)
                      WHEN excluded.last_seen > last_seen THEN NULL ELSE revoked_at END,
    listed = 1,
    updated_at = excluded.updated_at
  WHERE excluded.first_seen < first_seen OR excluded.last_seen > last_seen OR listed = 0
    OR (confidence IS NULL AND excluded.confidence IS NOT NULL)
    OR (threat_type IS NULL AND excluded.threat_type IS NOT NULL)
    OR (malware IS NULL AND excluded.malware IS NOT NULL)
    OR (reference IS NULL AND excluded.reference IS NOT NULL)
    OR (object_id IS NULL AND excluded.object_id IS NOT NULL)
    OR (valid_until IS NULL AND excluded.valid_until IS NOT NULL)
    OR (tags = '' AND excluded.tags <> '')
    OR (revoked_at IS NULL AND excluded.revoked_at IS NOT NULL)`;

// in the order of the observations' key, so that each page of them is read and written once
export const UPSERT_OBSERVATIONS = `${observationsFrom('s.indicator_id', 's.is_new IS NULL ORDER BY s.indicator_id')} ${MERGE_OBSERVATION}`;

/**
 * The repeats a first load held back, of values it appended: all in one statement, each value's repeats one after
 * the other in the order they were read, so that each merges into what the ones before it left (as if read in
 * batches) while the value's observation is read and written once.
 */
export const UPSERT_HELD_OBSERVATIONS = `${observationsFrom('s.indicator_id', 's.indicator_id IS NOT NULL ORDER BY s.indicator_id, s.rowid', 'temp.import_held')} ${MERGE_OBSERVATION}`;

/** SQL text of a constant of the import (ids, times, the default TLP and confidence), for statements prepared once per import. */
export function literal(value: string | number | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
    return String(value);
  }
  return `'${value.replaceAll("'", "''")}'`;
}
