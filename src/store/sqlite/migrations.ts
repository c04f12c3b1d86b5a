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
  {
    version: 6,
    sql: `
      -- offline enrichment kept with each value: country and AS of values on a literal IP, registrable domain of host names;
      -- a table of its own, keyed by the value's id, so enriching a million values appends rows instead of growing every indicator row
      CREATE TABLE indicator_locations (
        indicator_id INTEGER PRIMARY KEY REFERENCES indicators(id),
        country TEXT,
        asn INTEGER,
        registrable TEXT
      );
      CREATE INDEX indicator_locations_country ON indicator_locations(country) WHERE country IS NOT NULL;
      CREATE TABLE as_names (
        asn INTEGER PRIMARY KEY,
        name TEXT NOT NULL
      );
      -- which data the stored enrichment came from (geo, asn), and when it was applied
      CREATE TABLE enrichment_sources (
        kind TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        built_at INTEGER,
        applied_at INTEGER NOT NULL
      );
      -- who to notify per country, AS or CIDR: police units, CERTs, abuse desks; manual entries override imported ones
      CREATE TABLE contacts (
        id INTEGER PRIMARY KEY,
        scope TEXT NOT NULL, -- country, asn, cidr
        key TEXT NOT NULL, -- 'KE', '29465', '197.210.0.0/16'
        role TEXT NOT NULL, -- police, cert, abuse
        name TEXT NOT NULL,
        email TEXT,
        manual INTEGER NOT NULL DEFAULT 0,
        origin TEXT,
        updated_at INTEGER NOT NULL,
        UNIQUE (scope, key, role, manual)
      );
      -- multi-country operations: countries, window, agreement, partners, what came of them
      CREATE TABLE operations (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        countries TEXT NOT NULL,
        starts_at INTEGER NOT NULL,
        ends_at INTEGER NOT NULL,
        agreement_id INTEGER REFERENCES agreements(id),
        tag TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE operation_partners (
        operation_id INTEGER NOT NULL REFERENCES operations(id),
        org_id INTEGER NOT NULL REFERENCES organisations(id),
        PRIMARY KEY (operation_id, org_id)
      ) WITHOUT ROWID;
      CREATE TABLE operation_outcomes (
        id INTEGER PRIMARY KEY,
        operation_id INTEGER NOT NULL REFERENCES operations(id),
        kind TEXT NOT NULL,
        country TEXT NOT NULL,
        at INTEGER NOT NULL,
        count INTEGER NOT NULL,
        amount REAL,
        currency TEXT,
        note TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE operation_packages (
        id INTEGER PRIMARY KEY,
        operation_id INTEGER NOT NULL REFERENCES operations(id),
        country TEXT NOT NULL,
        recipient_org INTEGER REFERENCES organisations(id),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        path TEXT NOT NULL,
        manifest_sha256 TEXT NOT NULL,
        items INTEGER NOT NULL
      );
      CREATE INDEX operation_packages_of ON operation_packages(operation_id, country, created_at);
      -- notifications sent, and the events each covered, so no recipient is told of one event twice
      CREATE TABLE notifications (
        id INTEGER PRIMARY KEY,
        recipient TEXT NOT NULL,
        subject TEXT NOT NULL,
        events INTEGER NOT NULL,
        sent_at INTEGER NOT NULL,
        message_id TEXT
      );
      CREATE TABLE notified_events (
        recipient TEXT NOT NULL,
        event TEXT NOT NULL,
        notification_id INTEGER NOT NULL REFERENCES notifications(id),
        PRIMARY KEY (recipient, event)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    sql: `
      -- signed-in web UI sessions: only a hash of the cookie's token is kept, so a copy of the store signs no one in
      CREATE TABLE web_sessions (
        id TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        user_name TEXT NOT NULL,
        csrf TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        used_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX web_sessions_used ON web_sessions(used_at);
    `,
  },
  {
    version: 8,
    sql: `
      -- MISP warninglists: values known to be benign, so a hit on them is reported as such
      CREATE TABLE warninglists (
        id TEXT PRIMARY KEY, -- the list's folder name (rfc1918)
        name TEXT NOT NULL,
        description TEXT NOT NULL,
        version INTEGER NOT NULL,
        type TEXT NOT NULL, -- string, substring, hostname, cidr, regex
        entries TEXT NOT NULL, -- JSON array
        matching_attributes TEXT NOT NULL, -- JSON array of MISP attribute types
        imported_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 9,
    sql: `
      -- object pages are ordered by seq alone: date_added must never go back along it (it could if the clock did)
      WITH running AS (SELECT seq, max(added_at) OVER (ORDER BY seq) AS at FROM stix_objects)
      UPDATE stix_objects SET added_at = running.at FROM running WHERE running.seq = stix_objects.seq AND stix_objects.added_at < running.at;
      -- the latest version of each object, flagged: a page of latest versions needs no lookup per row
      ALTER TABLE stix_objects ADD COLUMN latest INTEGER NOT NULL DEFAULT 1;
      UPDATE stix_objects SET latest = 0 WHERE modified < (SELECT max(v.modified) FROM stix_objects v WHERE v.id = stix_objects.id);
      -- random secrets of this instance (MAC keys), made on first use
      CREATE TABLE secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL);
      -- statuses of exchange requests (TAXII POSTs), readable by the posting organisation
      CREATE TABLE exchange_statuses (
        id TEXT PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES organisations(id),
        created_at INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX exchange_statuses_created ON exchange_statuses(created_at);
      -- bumped by every change to what clearances are made of, by any process: a cache of them is valid while it stands
      CREATE TABLE access_generation (n INTEGER NOT NULL);
      INSERT INTO access_generation (n) VALUES (0);
      CREATE TRIGGER access_generation_agreements_insert AFTER INSERT ON agreements BEGIN UPDATE access_generation SET n = n + 1; END;
      CREATE TRIGGER access_generation_agreements_update AFTER UPDATE ON agreements BEGIN UPDATE access_generation SET n = n + 1; END;
      CREATE TRIGGER access_generation_agreements_delete AFTER DELETE ON agreements BEGIN UPDATE access_generation SET n = n + 1; END;
      CREATE TRIGGER access_generation_agreement_members_insert AFTER INSERT ON agreement_members BEGIN UPDATE access_generation SET n = n + 1; END;
      CREATE TRIGGER access_generation_agreement_members_update AFTER UPDATE ON agreement_members BEGIN UPDATE access_generation SET n = n + 1; END;
      CREATE TRIGGER access_generation_agreement_members_delete AFTER DELETE ON agreement_members BEGIN UPDATE access_generation SET n = n + 1; END;
      CREATE TRIGGER access_generation_distributions_insert AFTER INSERT ON distributions BEGIN UPDATE access_generation SET n = n + 1; END;
      CREATE TRIGGER access_generation_distributions_update AFTER UPDATE ON distributions BEGIN UPDATE access_generation SET n = n + 1; END;
      CREATE TRIGGER access_generation_distributions_delete AFTER DELETE ON distributions BEGIN UPDATE access_generation SET n = n + 1; END;
    `,
  },
  {
    version: 10,
    sql: `
      -- case work between organisations: investigations (members only), research reports (versioned), requests, outcomes
      CREATE TABLE investigations (
        id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES organisations(id), -- the police organisation that opened it
        case_number TEXT NOT NULL, -- its own reference, unique per organisation
        title TEXT NOT NULL,
        countries TEXT NOT NULL DEFAULT '', -- ISO 3166-1 alpha-2, comma-separated
        lead_officer TEXT,
        tlp TEXT NOT NULL,
        pap TEXT,
        created_at INTEGER NOT NULL,
        UNIQUE (org_id, case_number)
      );
      -- who reads an investigation and everything in it (the opening organisation is a member too)
      CREATE TABLE investigation_members (
        investigation_id INTEGER NOT NULL REFERENCES investigations(id),
        org_id INTEGER NOT NULL REFERENCES organisations(id),
        added_at INTEGER NOT NULL,
        PRIMARY KEY (investigation_id, org_id)
      ) WITHOUT ROWID;
      CREATE INDEX investigation_members_org ON investigation_members(org_id);
      CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        stix_id TEXT NOT NULL UNIQUE, -- report--<uuid>, the same in every export
        owner_org_id INTEGER NOT NULL REFERENCES organisations(id),
        distribution_id INTEGER NOT NULL REFERENCES distributions(id), -- shared as sources are: owner, agreements, recipients
        tlp TEXT NOT NULL,
        pap TEXT,
        investigation_id INTEGER REFERENCES investigations(id), -- set: its members alone read it, whatever its TLP
        version INTEGER NOT NULL, -- the current version
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX reports_investigation ON reports(investigation_id) WHERE investigation_id IS NOT NULL;
      -- every version whole: an edit adds a row, none is changed
      CREATE TABLE report_versions (
        report_id INTEGER NOT NULL REFERENCES reports(id),
        version INTEGER NOT NULL,
        title TEXT NOT NULL,
        summary TEXT,
        body TEXT NOT NULL, -- sanitised Markdown
        published_at INTEGER NOT NULL,
        links TEXT NOT NULL, -- JSON: indicators, malware, actors, campaigns, objects
        attachments TEXT NOT NULL, -- JSON: name, sha256, size, media type
        user_id INTEGER,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (report_id, version)
      );
      -- the values linked by each report's current version, to find the reports about a value
      CREATE TABLE report_indicators (
        report_id INTEGER NOT NULL REFERENCES reports(id),
        type TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (report_id, type, value)
      ) WITHOUT ROWID;
      CREATE INDEX report_indicators_value ON report_indicators(value, type);
      -- attachment content, stored once per SHA-256 and never interpreted
      CREATE TABLE attachments (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, content BLOB NOT NULL);
      CREATE TABLE investigation_items (
        id INTEGER PRIMARY KEY,
        investigation_id INTEGER NOT NULL REFERENCES investigations(id),
        kind TEXT NOT NULL, -- finding, indicator, report
        type TEXT, -- indicator
        value TEXT, -- indicator
        report_id INTEGER REFERENCES reports(id), -- report
        data TEXT, -- finding: the JSON as given (a tix scan triage report)
        note TEXT,
        org_id INTEGER NOT NULL REFERENCES organisations(id),
        user_id INTEGER,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX investigation_items_case ON investigation_items(investigation_id, id);
      CREATE TABLE rfis (
        id INTEGER PRIMARY KEY,
        investigation_id INTEGER NOT NULL REFERENCES investigations(id),
        from_org_id INTEGER NOT NULL REFERENCES organisations(id),
        to_org_id INTEGER NOT NULL REFERENCES organisations(id),
        subject TEXT NOT NULL,
        "values" TEXT NOT NULL, -- JSON: the values asked about
        priority TEXT NOT NULL,
        due_at INTEGER,
        status TEXT NOT NULL, -- open, answered, declined, closed
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX rfis_queue ON rfis(to_org_id, status, id);
      CREATE INDEX rfis_case ON rfis(investigation_id, id);
      -- the thread of a request: the question, answers, a decline, comments, closing
      CREATE TABLE rfi_messages (
        id INTEGER PRIMARY KEY,
        rfi_id INTEGER NOT NULL REFERENCES rfis(id),
        org_id INTEGER NOT NULL REFERENCES organisations(id),
        user_id INTEGER,
        action TEXT NOT NULL, -- ask, answer, decline, comment, close, reopen
        text TEXT NOT NULL DEFAULT '',
        indicators TEXT NOT NULL DEFAULT '[]', -- JSON
        report_ids TEXT NOT NULL DEFAULT '[]', -- JSON
        created_at INTEGER NOT NULL
      );
      CREATE INDEX rfi_messages_rfi ON rfi_messages(rfi_id, id);
      -- what came of shared data, told back to its owners: never a change to the source's observation
      CREATE TABLE outcomes (
        id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES organisations(id), -- who reports it
        user_id INTEGER,
        kind TEXT NOT NULL, -- takedown, arrest, site-removed, false-positive, confirmed, other
        indicator_id INTEGER REFERENCES indicators(id),
        report_id INTEGER REFERENCES reports(id),
        note TEXT,
        occurred_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX outcomes_indicator ON outcomes(indicator_id) WHERE indicator_id IS NOT NULL;
      CREATE INDEX outcomes_report ON outcomes(report_id) WHERE report_id IS NOT NULL;
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
