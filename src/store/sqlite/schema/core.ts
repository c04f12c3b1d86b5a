import type { Migration } from '../migrations.ts';

/**
 * Indexes a bulk import may drop and rebuild: building one from sorted data
 * at the end is far cheaper than inserting millions of random keys into it.
 */
const SECONDARY_INDEXES = [
  { name: 'indicators_ip', sql: 'CREATE INDEX indicators_ip ON indicators(ip_first) WHERE ip_first IS NOT NULL' },
  { name: 'indicators_host', sql: 'CREATE INDEX indicators_host ON indicators(host_key) WHERE host_key IS NOT NULL' },
] as const;

/** The core schema: values and their observations (v1), exchange objects (v2), organisations, keys, agreements and the audit log (v3), sightings (v4), the grading of sources (v5). */
export const CORE_MIGRATIONS: Migration[] = [
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
  {
    version: 3,
    sql: `
      -- who shares with whom: organisations, their users and keys, agreements
      CREATE TABLE organisations (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        kind TEXT NOT NULL,
        country TEXT,
        created_at INTEGER NOT NULL
      );
      -- the operator's own organisation: owner of everything imported without another owner
      INSERT INTO organisations (id, name, kind, created_at) VALUES (1, 'local', 'other', 0);
      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        org_id INTEGER NOT NULL REFERENCES organisations(id),
        role TEXT NOT NULL,
        password_hash TEXT,
        created_at INTEGER NOT NULL,
        disabled_at INTEGER
      );
      CREATE TABLE api_keys (
        id INTEGER PRIMARY KEY,
        prefix TEXT NOT NULL UNIQUE, -- the key's public part, to find it; the secret is only ever stored hashed
        hash TEXT NOT NULL,
        org_id INTEGER NOT NULL REFERENCES organisations(id),
        user_id INTEGER REFERENCES users(id),
        role TEXT NOT NULL,
        label TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        revoked_at INTEGER,
        last_used_at INTEGER
      );
      CREATE TABLE agreements (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        purpose TEXT NOT NULL DEFAULT '',
        countries TEXT NOT NULL DEFAULT '',
        starts_at INTEGER NOT NULL,
        ends_at INTEGER,
        max_tlp TEXT NOT NULL,
        may_share_onward INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE agreement_members (
        agreement_id INTEGER NOT NULL REFERENCES agreements(id),
        org_id INTEGER NOT NULL REFERENCES organisations(id),
        PRIMARY KEY (agreement_id, org_id)
      ) WITHOUT ROWID;
      -- an owner, the agreements and the named recipients a source's data is shared with; many sources share one
      CREATE TABLE distributions (
        id INTEGER PRIMARY KEY,
        owner_org_id INTEGER NOT NULL REFERENCES organisations(id),
        agreements TEXT NOT NULL DEFAULT '', -- sorted ids, comma-separated: the row is unique per combination
        recipient_orgs TEXT NOT NULL DEFAULT '',
        recipient_users TEXT NOT NULL DEFAULT '',
        UNIQUE (owner_org_id, agreements, recipient_orgs, recipient_users)
      );
      INSERT INTO distributions (id, owner_org_id) VALUES (1, 1);
      ALTER TABLE sources ADD COLUMN distribution_id INTEGER NOT NULL DEFAULT 1;
      -- append-only and hash-chained: each entry's hash covers the previous one's
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        org_id INTEGER,
        user_id INTEGER,
        key_id INTEGER,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}',
        count INTEGER,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
    `,
  },
  {
    version: 4,
    sql: `
      -- someone saw an indicator (an analyst, the evidence scanner, a sensor): by value or by STIX id
      CREATE TABLE sightings (
        id INTEGER PRIMARY KEY,
        indicator_id INTEGER REFERENCES indicators(id),
        object_id TEXT, -- the STIX object sighted, when sighted by id
        org_id INTEGER NOT NULL REFERENCES organisations(id), -- who saw it; readable by them and by the owner of what was seen
        user_id INTEGER,
        key_id INTEGER,
        origin TEXT NOT NULL, -- analyst, scanner, sensor, taxii
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        count INTEGER NOT NULL DEFAULT 1,
        location TEXT, -- where: a host, a log file and line, a country
        note TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX sightings_indicator ON sightings(indicator_id) WHERE indicator_id IS NOT NULL;
      CREATE INDEX sightings_object ON sightings(object_id) WHERE object_id IS NOT NULL;
      CREATE INDEX sightings_org ON sightings(org_id, id);
    `,
  },
  {
    version: 5,
    sql: `
      -- how a source's information is graded and may be handled, beside the TLP of each item
      ALTER TABLE sources ADD COLUMN pap TEXT;
      ALTER TABLE sources ADD COLUMN reliability TEXT;
      ALTER TABLE sources ADD COLUMN accuracy INTEGER;
      ALTER TABLE sources ADD COLUMN handling TEXT;
    `,
  },
];
