import type { StoredObject } from '../store.ts';
import { objectRow } from '../sqlite/objects.ts';
import type { Sql } from './db.ts';

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
 * of each object flagged, and date_added never going back along seq. One
 * importer of objects at a time across every process (an advisory lock held
 * to commit), so seq order is commit order and date_added grows along it.
 */
export class ObjectWriter {
  private constructor(
    private readonly sql: Sql,
    private readonly params: ObjectImport,
    /** The date_added of this import's objects: now, or the latest already held if the clock went back. */
    private readonly addedAt: number,
  ) {}

  static async open(sql: Sql, params: ObjectImport): Promise<ObjectWriter> {
    await sql.exec("SELECT pg_advisory_xact_lock(hashtextextended('tix:objects', 0))");
    const held = (await sql.get<{ at: number | null }>('SELECT max(added_at) AS at FROM stix_objects'))?.at ?? 0;
    return new ObjectWriter(sql, params, Math.max(params.now, held));
  }

  /** Writes a batch; returns how many versions were new. */
  async add(batch: readonly StoredObject[]): Promise<number> {
    if (batch.length === 0) return 0;
    const rows = batch.map(objectRow);
    const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((row) => row[key]);
    // in input order; a version met twice in the batch is kept once, as a version already held is
    const inserted = await this.sql.all<{ id: string; modified: string }>(
      `INSERT INTO stix_objects (id, type, modified, spec_version, tlp, source_id, origin_import, origin_line, added_at, json, latest)
       SELECT x.id, x.type, x.modified, x.spec_version, coalesce(x.tlp, ?::text), ?::bigint, ?::bigint, x.line, ?::bigint, x.json,
         (NOT EXISTS (SELECT 1 FROM stix_objects v WHERE v.id = x.id AND v.modified > x.modified))::integer
       FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[]) WITH ORDINALITY
         AS x(id, type, modified, spec_version, tlp, line, json, ord)
       ORDER BY x.ord
       ON CONFLICT (id, modified) DO NOTHING
       RETURNING id, modified`,
      [
        this.params.tlp,
        this.params.source,
        this.params.import,
        this.addedAt,
        column('id'),
        column('type'),
        column('modified'),
        column('specVersion'),
        column('tlp'),
        column('line'),
        column('json'),
      ],
    );
    if (inserted.length > 0) {
      // older versions, held or of this batch, are no longer the latest
      await this.sql.run(
        `UPDATE stix_objects s SET latest = 0
         FROM (SELECT id, max(modified COLLATE "C") AS modified FROM unnest(?::text[], ?::text[]) AS x(id, modified) GROUP BY id) n
         WHERE s.id = n.id AND s.modified < n.modified COLLATE "C" AND s.latest = 1`,
        [inserted.map((row) => row.id), inserted.map((row) => row.modified)],
      );
    }
    return inserted.length;
  }

  /**
   * Values of STIX indicators take the malware family their indicator
   * `indicates` (a relationship of this import, the malware object from any),
   * where the source named none: in a bundle the relationship may come
   * before or after the indicator, so this is done once all of it is in.
   */
  async linkMalware(): Promise<void> {
    await this.sql.run(
      `UPDATE observations o SET malware = l.name
       FROM (SELECT r.json::jsonb ->> 'source_ref' AS indicator, max((m.json::jsonb ->> 'name') COLLATE "C") AS name
             FROM stix_objects r JOIN stix_objects m ON m.id = r.json::jsonb ->> 'target_ref'
             WHERE r.type = 'relationship' AND r.origin_import = ? AND m.type = 'malware'
               AND r.json::jsonb ->> 'relationship_type' = 'indicates'
             GROUP BY 1) l
       WHERE l.name IS NOT NULL AND o.object_id = l.indicator AND o.source_id = ? AND o.malware IS NULL`,
      [this.params.import, this.params.source],
    );
  }
}
