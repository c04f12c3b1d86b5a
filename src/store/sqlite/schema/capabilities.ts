import type { Migration } from '../migrations.ts';

/** Schema of the capabilities built on the core: enrichment, contacts and operations (v6), web sessions (v7), warninglists (v8), the exchange's paging, secrets and statuses (v9), reports and case work (v10), e-mail notices (v11). */
export const CAPABILITY_MIGRATIONS: Migration[] = [
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
  {
    version: 11,
    sql: `
      -- where a user is told of requests for information; NULL: only in the web UI
      ALTER TABLE users ADD COLUMN email TEXT;
      -- e-mail notices waiting for the server's SMTP relay, written in the same transaction as what they announce;
      -- every server process drains it, a row claimed for a while by one of them (claimed_until) so none is sent twice
      CREATE TABLE mail_outbox (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        kind TEXT NOT NULL, -- rfi-asked, rfi-answered, rfi-declined, rfi-comment, rfi-reopened
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        link TEXT, -- the web UI's path, put after the server's public URL when sent
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        claimed_until INTEGER,
        sent_at INTEGER,
        failed_at INTEGER, -- given up: refused for good, or too many attempts
        last_error TEXT
      );
      CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
    `,
  },
  {
    version: 12,
    sql: `
      -- remote TAXII 2.1 collections pulled on a schedule (tix sync); key is the credential sent to the remote
      CREATE TABLE sync_state (
        name TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        collection TEXT NOT NULL,
        push_collection TEXT,
        key TEXT NOT NULL,
        every_ms INTEGER NOT NULL,
        source TEXT NOT NULL,
        tlp TEXT,
        checkpoint TEXT, -- the remote's date_added of the last object stored, as it wrote it
        last_pull_at INTEGER,
        last_status TEXT,
        last_error TEXT,
        last_counts TEXT, -- JSON
        created_at INTEGER NOT NULL
      );
      -- sightings already pushed to a sync's remote: each is pushed once
      CREATE TABLE sync_pushed (
        sync_name TEXT NOT NULL,
        sighting_id INTEGER NOT NULL REFERENCES sightings(id),
        pushed_at INTEGER NOT NULL,
        PRIMARY KEY (sync_name, sighting_id)
      );
    `,
  },
];
