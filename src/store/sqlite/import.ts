import type Database from 'better-sqlite3';
import type { Observation } from '../../model/index.ts';
import { indexKeys, valueHash } from '../../normalise/index.ts';
import type { ImportCounts, ImportMeta, ImportSession, StoredObject } from '../store.ts';
import { objectRow } from './objects.ts';
import { mergeBatch } from '../merge.ts';
import { SECONDARY_INDEXES } from './migrations.ts';

/** Metadata from a newer report replaces the stored one; an older or equal report only fills gaps. Order of arrival never matters. */
const newerOr = (column: string): string =>
  `CASE WHEN excluded.last_seen > last_seen THEN coalesce(excluded.${column}, ${column}) ELSE coalesce(${column}, excluded.${column}) END`;

const INSERT_OBSERVATIONS = `
  INSERT INTO observations (indicator_id, source_id, first_seen, last_seen, confidence, threat_type, malware, tags,
    reference, tlp, valid_until, revoked_at, listed, raw, origin_import, origin_line, added_at, updated_at, object_id)
  SELECT s.indicator_id, @source, s.first_seen, s.last_seen, coalesce(s.confidence, @confidence), s.threat_type, s.malware, s.tags,
    s.reference, coalesce(s.tlp, @tlp), s.valid_until, CASE WHEN s.revoked THEN @now END, 1, s.raw, @import, s.line, @now, @now, s.object_id
  FROM temp.stage s`;

/** New values cannot have an observation yet; values already held merge into this source's. */
const INSERT_NEW_OBSERVATIONS = `${INSERT_OBSERVATIONS} WHERE s.is_new = 1`;
const UPSERT_OBSERVATIONS = `${INSERT_OBSERVATIONS} WHERE s.is_new IS NULL
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

/** Average bytes per value in feeds; only used to guess how many values a large input holds. */
const BYTES_PER_VALUE = 32;
const BULK_MIN_VALUES = 500_000;

/**
 * A bulk import (an input expected to add at least half as many values as
 * the store holds, and at least 500,000) rebuilds the secondary indexes once
 * at commit instead of updating them value by value.
 */
function isBulk(meta: ImportMeta, held: number): boolean {
  const expected = (meta.sizeHint ?? 0) / BYTES_PER_VALUE;
  return expected >= BULK_MIN_VALUES && expected >= held / 2;
}

function isBare(o: Observation): boolean {
  return (
    o.confidence === undefined &&
    o.threatType === undefined &&
    o.malware === undefined &&
    o.reference === undefined &&
    o.tlp === undefined &&
    o.validUntil === undefined &&
    !o.revoked &&
    o.objectId === undefined &&
    o.tags.length === 0
  );
}

/**
 * An import as one SQLite transaction, written in set-based steps per batch:
 * rows go to a temporary staging table, then new values, observation merges
 * and the values' seen range are each one statement. Readers (WAL) see the
 * store as it was until commit.
 */
export class SqliteImportSession implements ImportSession {
  readonly id: number;
  private readonly sourceId: number;
  private readonly stageRow: Database.Statement;
  private readonly stageBare: Database.Statement;
  private readonly findExisting: Database.Statement;
  private readonly insertIndicators: Database.Statement;
  private readonly assignNewIds: Database.Statement;
  private readonly maxId: Database.Statement;
  private readonly notePrefixes: Database.Statement;
  private readonly insertNewObservations: Database.Statement;
  private readonly upsertObservations: Database.Statement;
  private readonly widenSeen: Database.Statement;
  private readonly markSeen: Database.Statement | undefined;
  private insertObject: Database.Statement | undefined;
  private readonly params: Record<string, unknown>;
  private counts: ImportCounts = { new: 0, updated: 0, unchanged: 0, delisted: 0, objects: 0 };
  private open = true;
  /** Secondary indexes were dropped for this import and are rebuilt at commit (inside the same transaction). */
  private readonly bulk: boolean;

  constructor(
    private readonly db: Database.Database,
    private readonly meta: ImportMeta,
    private readonly onFinish: () => void,
  ) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(`CREATE TEMP TABLE IF NOT EXISTS stage (
        hash INTEGER, type TEXT, value TEXT, ip_first BLOB, ip_last BLOB, host_key TEXT, first_seen INTEGER, last_seen INTEGER,
        confidence INTEGER, threat_type TEXT, malware TEXT, tags TEXT, reference TEXT, tlp TEXT, valid_until INTEGER,
        revoked INTEGER, raw TEXT, line INTEGER, indicator_id INTEGER, is_new INTEGER, object_id TEXT)`);
      db.exec('DELETE FROM temp.stage');
      this.maxId = db.prepare('SELECT coalesce(max(id), 0) AS id FROM indicators');
      this.bulk = isBulk(meta, (this.maxId.get() as { id: number }).id);
      if (this.bulk) for (const index of SECONDARY_INDEXES) db.exec(`DROP INDEX IF EXISTS ${index.name}`);
      db.prepare('INSERT INTO sources (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING').run(meta.source, meta.startedAt);
      this.sourceId = (db.prepare('SELECT id FROM sources WHERE name = ?').get(meta.source) as { id: number }).id;
      this.id = Number(
        db
          .prepare("INSERT INTO imports (source_id, origin, format, started_at, status) VALUES (?, ?, ?, ?, 'running')")
          .run(this.sourceId, meta.origin, meta.format, meta.startedAt).lastInsertRowid,
      );
      if (meta.fullDump) {
        db.exec('CREATE TEMP TABLE IF NOT EXISTS seen (id INTEGER PRIMARY KEY)');
        db.exec('DELETE FROM temp.seen');
        this.markSeen = db.prepare('INSERT OR IGNORE INTO temp.seen (id) SELECT indicator_id FROM temp.stage');
      }
      this.stageRow = db.prepare('INSERT INTO temp.stage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)');
      // binding costs per parameter: values that carry nothing but their dates (plain lists) bind ten, not eighteen
      this.stageBare = db.prepare(`INSERT INTO temp.stage (hash, type, value, ip_first, ip_last, host_key, first_seen, last_seen, tags, revoked, raw, line)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', 0, ?, ?)`);
      this.findExisting = db.prepare(`
        UPDATE temp.stage SET indicator_id = (
          SELECT i.id FROM indicators i WHERE i.hash = stage.hash AND i.value = stage.value AND i.type = stage.type)`);
      // new values take ids above every existing one, in staging order, so the table only ever grows at its end
      this.assignNewIds = db.prepare('UPDATE temp.stage SET indicator_id = @base + rowid, is_new = 1 WHERE indicator_id IS NULL');
      this.insertIndicators = db.prepare(`
        INSERT INTO indicators (id, hash, type, value, ip_first, ip_last, host_key, first_seen, last_seen, added_at)
        SELECT indicator_id, hash, type, value, ip_first, coalesce(ip_last, ip_first), host_key, first_seen, last_seen, @now FROM temp.stage
        WHERE is_new = 1 ORDER BY rowid`);
      this.notePrefixes = db.prepare(`
        INSERT OR IGNORE INTO cidr_prefixes (family, prefix)
        SELECT DISTINCT CASE WHEN instr(value, ':') > 0 THEN 6 ELSE 4 END, CAST(substr(value, instr(value, '/') + 1) AS INTEGER)
        FROM temp.stage WHERE is_new = 1 AND type = 'cidr'`);
      this.insertNewObservations = db.prepare(INSERT_NEW_OBSERVATIONS);
      this.upsertObservations = db.prepare(UPSERT_OBSERVATIONS);
      this.widenSeen = db.prepare(`
        UPDATE indicators SET first_seen = min(indicators.first_seen, s.first_seen), last_seen = max(indicators.last_seen, s.last_seen)
        FROM temp.stage s
        WHERE s.is_new IS NULL AND indicators.id = s.indicator_id
          AND (indicators.first_seen > s.first_seen OR indicators.last_seen < s.last_seen)`);
      this.params = {
        source: this.sourceId,
        import: this.id,
        now: meta.startedAt,
        tlp: meta.tlp,
        confidence: meta.confidence ?? null,
      };
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }

  async add(batch: readonly Observation[]): Promise<void> {
    if (!this.open) throw new Error('import session is closed');
    const rows = mergeBatch(batch);
    // staged in hash order: lookups and the hash index then walk the tree in one direction instead of at random
    const hashes = new Float64Array(rows.length);
    const order = new Uint32Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      hashes[i] = valueHash(rows[i]!.type, rows[i]!.value);
      order[i] = i;
    }
    order.sort((a, b) => hashes[a]! - hashes[b]!);
    for (const at of order) {
      const o = rows[at]!;
      const keys = indexKeys(o.type, o.value);
      // the raw line and the range end are left out where they repeat the value and the range start
      const raw = o.raw === o.value ? null : o.raw;
      const ipLast = keys.ipLast === keys.ipFirst ? null : (keys.ipLast ?? null);
      if (isBare(o)) {
        this.stageBare.run(hashes[at]!, o.type, o.value, keys.ipFirst ?? null, ipLast, keys.hostKey ?? null, o.firstSeen, o.lastSeen, raw, o.line);
        continue;
      }
      this.stageRow.run(
        hashes[at]!,
        o.type,
        o.value,
        keys.ipFirst ?? null,
        ipLast,
        keys.hostKey ?? null,
        o.firstSeen,
        o.lastSeen,
        o.confidence ?? null,
        o.threatType ?? null,
        o.malware ?? null,
        o.tags.join(','),
        o.reference ?? null,
        o.tlp ?? null,
        o.validUntil ?? null,
        o.revoked ? 1 : 0,
        raw,
        o.line,
        o.objectId ?? null,
      );
    }
    this.findExisting.run();
    this.assignNewIds.run({ base: (this.maxId.get() as { id: number }).id });
    const created = this.insertIndicators.run({ now: this.params.now }).changes;
    if (created > 0) {
      this.notePrefixes.run();
      this.insertNewObservations.run(this.params);
    }
    const changed = created + (created < rows.length ? this.upsertObservations.run(this.params).changes : 0);
    this.widenSeen.run();
    this.markSeen?.run();
    this.db.exec('DELETE FROM temp.stage');
    this.counts.new += created;
    this.counts.updated += changed - created;
    this.counts.unchanged += rows.length - changed;
  }

  async addObjects(batch: readonly StoredObject[]): Promise<void> {
    if (!this.open) throw new Error('import session is closed');
    this.insertObject ??= this.db.prepare(`
      INSERT INTO stix_objects (id, type, modified, spec_version, tlp, source_id, origin_import, origin_line, added_at, json)
      VALUES (@id, @type, @modified, @specVersion, coalesce(@tlp, @defaultTlp), @source, @import, @line, @now, @json)
      ON CONFLICT (id, modified) DO NOTHING`);
    for (const stored of batch) {
      const row = objectRow(stored);
      this.counts.objects += this.insertObject.run({
        ...row,
        defaultTlp: this.params.tlp,
        source: this.params.source,
        import: this.params.import,
        now: this.params.now,
      }).changes;
    }
  }

  async commit(summary: { read: number; accepted: number; rejected: number }): Promise<ImportCounts> {
    if (!this.open) throw new Error('import session is closed');
    try {
      if (this.meta.fullDump) {
        const expire = this.meta.fullDump.expireAfterMs ?? null;
        this.counts.delisted = this.db
          .prepare(
            `UPDATE observations SET listed = 0, updated_at = @now,
               valid_until = CASE WHEN @expire IS NULL THEN valid_until ELSE min(coalesce(valid_until, last_seen + @expire), last_seen + @expire) END
             WHERE source_id = @source AND listed = 1 AND indicator_id NOT IN (SELECT id FROM temp.seen)`,
          )
          .run({ now: this.params.now, expire, source: this.sourceId }).changes;
        this.db.exec('DELETE FROM temp.seen');
      }
      if (this.counts.objects > 0) this.linkMalware();
      if (this.bulk) for (const index of SECONDARY_INDEXES) this.db.exec(index.sql);
      this.db
        .prepare("UPDATE imports SET status = 'committed', finished_at = ?, counts = ? WHERE id = ?")
        .run(this.params.now, JSON.stringify({ ...summary, ...this.counts }), this.id);
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      this.finish();
      throw error;
    }
    this.finish();
    return { ...this.counts };
  }

  /**
   * Values of STIX indicators take the malware family their indicator
   * `indicates` (a relationship of this import, the malware object from any),
   * where the source named none: in a bundle the relationship may come
   * before or after the indicator, so this is done once all of it is in.
   */
  private linkMalware(): void {
    const links = this.db
      .prepare(
        `SELECT json_extract(r.json, '$.source_ref') AS indicator, max(json_extract(m.json, '$.name')) AS name
         FROM stix_objects r JOIN stix_objects m ON m.id = json_extract(r.json, '$.target_ref')
         WHERE r.type = 'relationship' AND r.origin_import = @import AND m.type = 'malware'
           AND json_extract(r.json, '$.relationship_type') = 'indicates'
         GROUP BY indicator`,
      )
      .all({ import: this.params.import }) as Array<{ indicator: string; name: string | null }>;
    // one update per link through the object-id index (the unary + keeps the planner off the source index)
    const update = this.db.prepare('UPDATE observations SET malware = ? WHERE object_id = ? AND +source_id = ? AND malware IS NULL');
    for (const link of links) if (link.name !== null) update.run(link.name, link.indicator, this.params.source);
  }

  async rollback(): Promise<void> {
    if (!this.open) return;
    this.db.exec('ROLLBACK');
    this.finish();
  }

  private finish(): void {
    this.open = false;
    this.onFinish();
  }
}
