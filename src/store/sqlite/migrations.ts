import type Database from 'better-sqlite3';
import { StoreError } from '../../errors.ts';

/**
 * Indexes a bulk import may drop and rebuild: building one from sorted data
 * at the end is far cheaper than inserting millions of random keys into it.
 */
export const SECONDARY_INDEXES = [
  { name: 'indicators_ip', sql: 'CREATE INDEX indicators_ip ON indicators(ip_first) WHERE ip_first IS NOT NULL' },
  { name: 'indicators_host', sql: 'CREATE INDEX indicators_host ON indicators(host_key) WHERE host_key IS NOT NULL' },
] as const;

/**
 * Versioned schema, applied in order inside one transaction each and
 * recorded in PRAGMA user_version. A migration is never edited once
 * released; a change is a new entry.
 */
const MIGRATIONS: Array<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES sources(id),
        origin TEXT NOT NULL,
        format TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        status TEXT NOT NULL,
        counts TEXT NOT NULL DEFAULT '{}'
      );
      CREATE TABLE indicators (
        id INTEGER PRIMARY KEY,
        hash INTEGER NOT NULL,
        type TEXT NOT NULL,
        value TEXT NOT NULL,
        ip_first BLOB,
        ip_last BLOB,
        host_key TEXT,
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        added_at INTEGER NOT NULL
      );
      -- exact lookups go through a 53-bit hash of (type, value): a small integer index instead of one on long text;
      -- the import keeps (type, value) unique, comparing text on every hash hit
      CREATE INDEX indicators_hash ON indicators(hash);
      ${SECONDARY_INDEXES.map((index) => `${index.sql};`).join('\n      ')}
      -- the CIDR prefix lengths held, so "which blocks contain this IP" probes only lengths that exist
      CREATE TABLE cidr_prefixes (
        family INTEGER NOT NULL,
        prefix INTEGER NOT NULL,
        PRIMARY KEY (family, prefix)
      ) WITHOUT ROWID;
      CREATE TABLE observations (
        indicator_id INTEGER NOT NULL REFERENCES indicators(id),
        source_id INTEGER NOT NULL REFERENCES sources(id),
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        confidence INTEGER,
        threat_type TEXT,
        malware TEXT,
        tags TEXT NOT NULL DEFAULT '',
        reference TEXT,
        tlp TEXT NOT NULL,
        valid_until INTEGER,
        revoked_at INTEGER,
        revoke_reason TEXT,
        listed INTEGER NOT NULL DEFAULT 1,
        raw TEXT, -- the input line; NULL where it was the value itself
        origin_import INTEGER NOT NULL REFERENCES imports(id),
        origin_line INTEGER NOT NULL,
        added_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (indicator_id, source_id)
      ) WITHOUT ROWID;
      CREATE INDEX observations_source ON observations(source_id, indicator_id);
      CREATE INDEX observations_malware ON observations(malware COLLATE NOCASE) WHERE malware IS NOT NULL;
      CREATE TABLE feeds (
        name TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        format TEXT,
        every_ms INTEGER NOT NULL,
        mode TEXT NOT NULL,
        expire_after_ms INTEGER,
        tlp TEXT,
        confidence INTEGER,
        etag TEXT,
        last_modified TEXT,
        last_pull_at INTEGER,
        last_status TEXT,
        last_error TEXT,
        last_counts TEXT,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    sql: `
      -- exchange objects kept as they came (STIX SDOs, SROs, SCOs, markings, custom objects), one row per version
      CREATE TABLE stix_objects (
        seq INTEGER PRIMARY KEY, -- order of addition: the paging cursor
        id TEXT NOT NULL,
        type TEXT NOT NULL,
        modified TEXT NOT NULL, -- sortable key of 'modified' (or 'created'); '' for unversioned objects
        spec_version TEXT NOT NULL,
        tlp TEXT NOT NULL,
        source_id INTEGER NOT NULL REFERENCES sources(id),
        origin_import INTEGER NOT NULL REFERENCES imports(id),
        origin_line INTEGER NOT NULL,
        added_at INTEGER NOT NULL,
        json TEXT NOT NULL
      );
      CREATE UNIQUE INDEX stix_objects_version ON stix_objects(id, modified);
      CREATE INDEX stix_objects_added ON stix_objects(added_at, seq);
      CREATE INDEX stix_objects_type ON stix_objects(type, seq);
      -- the exchange object an observation came from
      ALTER TABLE observations ADD COLUMN object_id TEXT;
      CREATE INDEX observations_object ON observations(object_id) WHERE object_id IS NOT NULL;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new StoreError('TIX_STORE_SCHEMA', `the store has schema version ${current}; this tix knows up to ${SCHEMA_VERSION}. Upgrade tix.`);
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}
