/** The SQL of an import's merge: staged rows into values and observations, one set-based statement each. */
import { FULL } from './import-copy.ts';

/** The advisory lock that orders the merges of all imports: a value new to two imports at once is created once. */
export const MERGE_LOCK = "hashtextextended('tix:indicators', 0)";

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
 * The rows of a round that change the store, each with its value's id: the one held, or a new one above every
 * id (from the row's position: new values come in round 1 alone, whose positions are distinct). A row whose
 * value is held, with an observation of this source that it would not change, and within the value's seen
 * range, changes nothing and is left out: a re-import of an unchanged feed then writes nothing, where an
 * upsert would still lock (and so write) every row it meets.
 */
export const ROUND_TABLE = `CREATE TEMP TABLE import_round ON COMMIT DROP AS
  SELECT *, 0::bigint AS id, false AS is_new FROM import_stage WITH NO DATA`;

/** What a staged row `s` would write into its observation, by column (as UPSERT_OBSERVATIONS inserts it). */
const INCOMING: Record<string, string> = {
  first_seen: 's.first_seen',
  last_seen: 's.last_seen',
  confidence: 'coalesce(s.confidence, @confidence::integer)',
  threat_type: 's.threat_type',
  malware: 's.malware',
  reference: 's.reference',
  object_id: 's.object_id',
  valid_until: 's.valid_until',
  tags: 's.tags',
  revoked_at: 'CASE WHEN s.revoked <> 0 THEN @now::bigint END',
};

/** Whether a report (its columns by `incoming`) changes the observation `o` it merges into: the one rule of the fill's filter and of the upsert. */
const changesObservation = (incoming: (column: string) => string): string => `
    ${incoming('first_seen')} < o.first_seen OR ${incoming('last_seen')} > o.last_seen OR o.listed = 0
    ${['confidence', 'threat_type', 'malware', 'reference', 'object_id', 'valid_until']
      .map((column) => `OR (o.${column} IS NULL AND ${incoming(column)} IS NOT NULL)`)
      .join('\n    ')}
    OR (o.tags = '' AND ${incoming('tags')} <> '')
    OR (o.revoked_at IS NULL AND ${incoming('revoked_at')} IS NOT NULL)`;

const fillRound = (from: string, where: string): string => `
  INSERT INTO import_round
  SELECT s.*, coalesce(i.id, @base::bigint + s.n + 1), i.id IS NULL
  FROM ${from} s
  LEFT JOIN indicators i ON i.hash = s.hash AND i.type = s.type AND i.value = s.value
  LEFT JOIN observations o ON o.indicator_id = i.id AND o.source_id = @source::bigint
  WHERE (${where}) AND (i.id IS NULL OR o.indicator_id IS NULL OR i.first_seen > s.first_seen OR i.last_seen < s.last_seen OR ${changesObservation(
    (column) => INCOMING[column]!,
  )})`;
/** Round 1: the stage, once later occurrences have moved out of it. */
export const FILL_FIRST_ROUND = fillRound('import_stage', 'true');
export const FILL_LATER_ROUND = fillRound('import_later', 's.round = @round::integer');
/** How many rows each later round holds (round 1 is the stage). */
export const LATER_ROUNDS = 'SELECT round, count(*)::integer AS rows FROM import_later GROUP BY round ORDER BY round';

/**
 * Later occurrences of a value (it came in several batches) move to import_later with their round, so each
 * round holds distinct values. Only values with a row flagged as a possible repeat are numbered. Moved, not
 * numbered in place: an update leaves the stage with chains of row versions that keep an index built on it in
 * this transaction from being used, and later rounds are small. The rows to move are found again by their
 * place in the stage (ctid), one lookup each, rather than by position, which sorted the whole stage (0.1 s of
 * a 1M-row re-import).
 */
export const MOVE_LATER_ROUNDS = `
  WITH d AS (SELECT ctid AS at, row_number() OVER (PARTITION BY hash, type, value ORDER BY n) AS r FROM import_stage
             WHERE hash IN (SELECT hash FROM import_stage WHERE repeat)),
  moved AS (DELETE FROM import_stage s USING d WHERE s.ctid = d.at AND d.r > 1 RETURNING ${FULL.split(', ')
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
  WHERE ${changesObservation((column) => `excluded.${column}`)}`;

/** The seen range of values already held widens to this report's. */
export const WIDEN_SEEN = `
  UPDATE indicators i SET first_seen = least(i.first_seen, s.first_seen), last_seen = greatest(i.last_seen, s.last_seen)
  FROM import_round s
  WHERE NOT s.is_new AND i.id = s.id AND (i.first_seen > s.first_seen OR i.last_seen < s.last_seen)`;

/**
 * A full dump: this source's values it no longer lists are delisted, and expire. Once round 1 has merged, every
 * value of the import is held, and the stage holds each once.
 */
export const DELIST = `
  UPDATE observations o SET listed = 0, updated_at = @now::bigint,
    valid_until = CASE WHEN @expire::bigint IS NULL THEN o.valid_until
                       ELSE least(coalesce(o.valid_until, o.last_seen + @expire::bigint), o.last_seen + @expire::bigint) END
  WHERE o.source_id = @source::bigint AND o.listed = 1
    AND o.indicator_id NOT IN (SELECT i.id FROM import_stage s JOIN indicators i ON i.hash = s.hash AND i.type = s.type AND i.value = s.value)`;
