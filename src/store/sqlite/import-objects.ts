import type Database from 'better-sqlite3';
import type { StoredObject } from '../store.ts';
import { objectRow } from './objects.ts';

/** What an import's objects are written with: its source, its id, its clock and its default TLP. */
export interface ObjectImport {
  source: number;
  import: number;
  now: number;
  tlp: string;
}

/**
 * The exchange objects of one import, inside its transaction: one row per
 * (id, modified), a version already held left as it is, the latest version
 * of each object flagged, and date_added never going back along seq.
 */
export class ObjectWriter {
  private readonly insert: Database.Statement;
  private readonly supersede: Database.Statement;
  /** The date_added of this import's objects: now, or the latest already held if the clock went back (object pages are ordered by seq alone). */
  private readonly addedAt: number;

  constructor(
    private readonly db: Database.Database,
    private readonly params: ObjectImport,
  ) {
    this.insert = db.prepare(`
      INSERT INTO stix_objects (id, type, modified, spec_version, tlp, source_id, origin_import, origin_line, added_at, json, latest)
      VALUES (@id, @type, @modified, @specVersion, coalesce(@tlp, @defaultTlp), @source, @import, @line, @now, @json,
        NOT EXISTS (SELECT 1 FROM stix_objects v WHERE v.id = @id AND v.modified > @modified))
      ON CONFLICT (id, modified) DO NOTHING`);
    this.supersede = db.prepare('UPDATE stix_objects SET latest = 0 WHERE id = ? AND modified < ? AND latest = 1');
    this.addedAt = Math.max(params.now, (db.prepare('SELECT max(added_at) AS at FROM stix_objects').get() as { at: number | null }).at ?? 0);
  }

  /** Writes a batch; returns how many versions were new. */
  add(batch: readonly StoredObject[]): number {
    let added = 0;
    for (const stored of batch) {
      const row = objectRow(stored);
      const changes = this.insert.run({
        ...row,
        defaultTlp: this.params.tlp,
        source: this.params.source,
        import: this.params.import,
        now: this.addedAt,
      }).changes;
      if (changes) this.supersede.run(row.id, row.modified);
      added += changes;
    }
    return added;
  }

  /**
   * Values of STIX indicators take the malware family their indicator
   * `indicates` (a relationship of this import, the malware object from any),
   * where the source named none: in a bundle the relationship may come
   * before or after the indicator, so this is done once all of it is in.
   */
  linkMalware(): void {
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
}
