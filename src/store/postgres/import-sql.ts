/** The SQL of an import's merge: staged rows into values and observations, one set-based statement each. */
import { FULL } from './import-copy.ts';

/** Named parameters (`@name`) as the `?` placeholders of db.ts, with their values in order. */
export function bind(sql: string, values: Record<string, unknown>): [string, unknown[]] {
  const params: unknown[] = [];
  const text = sql.replace(/@([a-z]+)/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for @${name}`);
    params.push(values[name]);
    return '?';
  });
  return [text, params];
}

/**
 * One round's rows, each with its value's id: the one held, or a new one above every id, in the order read
 * (from the row's position: new values come in round 1 alone, whose positions are distinct).
 */
export const ROUND_TABLE = `CREATE TEMP TABLE import_round ON COMMIT DROP AS
  SELECT *, 0::bigint AS id, false AS is_new FROM import_stage WITH NO DATA`;

const fillRound = (from: string, where: string): string => `
  INSERT INTO import_round
  SELECT s.*, coalesce(i.id, @base::bigint + s.n + 1), i.id IS NULL
  FROM ${from} s LEFT JOIN indicators i ON i.hash = s.hash AND i.type = s.type AND i.value = s.value
  WHERE ${where}`;
/** Round 1: the stage, once later occurrences have moved out of it. */
export const FILL_FIRST_ROUND = fillRound('import_stage', 'true');
export const FILL_LATER_ROUND = fillRound('import_later', 's.round = @round::integer');
export const LAST_ROUND = 'SELECT coalesce(max(round), 1) AS n FROM import_later';

/**
 * Later occurrences of a value (it came in several batches) move to import_later with their round, so each
 * round holds distinct values. Only values with a row flagged as a possible repeat are numbered. Moved, not numbered in place: an update leaves the stage with chains of row
 * versions that keep an index built on it in this transaction from being used, and later rounds are small.
 */
export const MOVE_LATER_ROUNDS = `
  WITH d AS (SELECT n, row_number() OVER (PARTITION BY hash, type, value ORDER BY n) AS r FROM import_stage
             WHERE hash IN (SELECT hash FROM import_stage WHERE repeat)),
  moved AS (DELETE FROM import_stage s USING d WHERE s.n = d.n AND d.r > 1 RETURNING ${FULL.split(', ')
    .map((column) => `s.${column}`)
    .join(', ')}, d.r)
  INSERT INTO import_later (${FULL}, round) SELECT * FROM moved`;

/**
 * Round 1 into a store that holds no value yet: every row is new and its id is its position, so the stage is
 * read as it stands instead of being copied into import_round first.
 */
export const FIRST_LOAD = '(SELECT s.*, s.n + 1 AS id, true AS is_new FROM import_stage s)';

const insertIndicators = (from: string): string => `
  INSERT INTO indicators (id, hash, type, value, ip_first, ip_last, host_key, first_seen, last_seen, added_at)
  SELECT id, hash, type, value, ip_first, coalesce(ip_last, ip_first), host_key, first_seen, last_seen, @now::bigint
  FROM ${from} s WHERE is_new`;
export const INSERT_INDICATORS = insertIndicators('import_round');
export const INSERT_FIRST_INDICATORS = insertIndicators(FIRST_LOAD);

export const ADVANCE_IDS = `SELECT setval(pg_get_serial_sequence('indicators', 'id'), (SELECT max(id) FROM indicators))`;

const notePrefixes = (from: string): string => `
  INSERT INTO cidr_prefixes (family, prefix)
  SELECT DISTINCT CASE WHEN strpos(value, ':') > 0 THEN 6 ELSE 4 END, substr(value, strpos(value, '/') + 1)::integer
  FROM ${from} s WHERE is_new AND type = 'cidr'
  ON CONFLICT DO NOTHING`;
export const NOTE_PREFIXES = notePrefixes('import_round');
export const NOTE_FIRST_PREFIXES = notePrefixes(FIRST_LOAD);

const observationsFrom = (where: string, from = 'import_round'): string => `
  INSERT INTO observations AS o (indicator_id, source_id, first_seen, last_seen, confidence, threat_type, malware, tags,
    reference, tlp, valid_until, revoked_at, listed, raw, origin_import, origin_line, added_at, updated_at, object_id)
  SELECT s.id, @source::bigint, s.first_seen, s.last_seen, coalesce(s.confidence, @confidence::integer), s.threat_type, s.malware, s.tags,
    s.reference, coalesce(s.tlp, @tlp::text), s.valid_until, CASE WHEN s.revoked <> 0 THEN @now::bigint END, 1, s.raw,
    @import::bigint, s.line, @now::bigint, @now::bigint, s.object_id
  FROM ${from} s WHERE ${where}`;

/** Metadata from a newer report replaces the stored one; an older or equal report only fills gaps. Order of arrival never matters. */
const newerOr = (column: string): string =>
  `CASE WHEN excluded.last_seen > o.last_seen THEN coalesce(excluded.${column}, o.${column}) ELSE coalesce(o.${column}, excluded.${column}) END`;

/** New values cannot have an observation yet; values already held merge into this source's. */
export const INSERT_NEW_OBSERVATIONS = observationsFrom('s.is_new');
export const INSERT_FIRST_OBSERVATIONS = observationsFrom('s.is_new', FIRST_LOAD);
export const UPSERT_OBSERVATIONS = `${observationsFrom('NOT s.is_new')}
  ON CONFLICT (indicator_id, source_id) DO UPDATE SET
    first_seen = least(o.first_seen, excluded.first_seen),
    last_seen = greatest(o.last_seen, excluded.last_seen),
    confidence = ${newerOr('confidence')},
    threat_type = ${newerOr('threat_type')},
    malware = ${newerOr('malware')},
    reference = ${newerOr('reference')},
    object_id = ${newerOr('object_id')},
    tags = CASE WHEN (excluded.last_seen > o.last_seen AND excluded.tags <> '') OR o.tags = '' THEN excluded.tags ELSE o.tags END,
    tlp = CASE WHEN excluded.last_seen > o.last_seen THEN excluded.tlp ELSE o.tlp END,
    valid_until = CASE WHEN o.listed = 0 OR excluded.last_seen > o.last_seen THEN excluded.valid_until ELSE coalesce(o.valid_until, excluded.valid_until) END,
    revoked_at = CASE WHEN excluded.revoked_at IS NOT NULL THEN coalesce(o.revoked_at, excluded.revoked_at)
                      WHEN excluded.last_seen > o.last_seen THEN NULL ELSE o.revoked_at END,
    listed = 1,
    updated_at = excluded.updated_at
  WHERE excluded.first_seen < o.first_seen OR excluded.last_seen > o.last_seen OR o.listed = 0
    OR (o.confidence IS NULL AND excluded.confidence IS NOT NULL)
    OR (o.threat_type IS NULL AND excluded.threat_type IS NOT NULL)
    OR (o.malware IS NULL AND excluded.malware IS NOT NULL)
    OR (o.reference IS NULL AND excluded.reference IS NOT NULL)
    OR (o.object_id IS NULL AND excluded.object_id IS NOT NULL)
    OR (o.valid_until IS NULL AND excluded.valid_until IS NOT NULL)
    OR (o.tags = '' AND excluded.tags <> '')
    OR (o.revoked_at IS NULL AND excluded.revoked_at IS NOT NULL)`;

/** The seen range of values already held widens to this report's. */
export const WIDEN_SEEN = `
  UPDATE indicators i SET first_seen = least(i.first_seen, s.first_seen), last_seen = greatest(i.last_seen, s.last_seen)
  FROM import_round s
  WHERE NOT s.is_new AND i.id = s.id AND (i.first_seen > s.first_seen OR i.last_seen < s.last_seen)`;

/** A full dump: this source's values it no longer lists are delisted (round 1 holds every value of the import), and expire. */
export const DELIST = `
  UPDATE observations o SET listed = 0, updated_at = @now::bigint,
    valid_until = CASE WHEN @expire::bigint IS NULL THEN o.valid_until
                       ELSE least(coalesce(o.valid_until, o.last_seen + @expire::bigint), o.last_seen + @expire::bigint) END
  WHERE o.source_id = @source::bigint AND o.listed = 1 AND o.indicator_id NOT IN (SELECT id FROM import_round)`;
