/** The PostgreSQL schema of the sync part (see migrations.ts). */
export const SYNC_SCHEMA = `
-- remote TAXII 2.1 collections pulled on a schedule (tix sync); key is the credential sent to the remote
CREATE TABLE sync_state (
  name text PRIMARY KEY,
  url text NOT NULL,
  collection text NOT NULL,
  push_collection text,
  key text NOT NULL,
  every_ms bigint NOT NULL,
  source text NOT NULL,
  tlp text,
  checkpoint text, -- the remote's date_added of the last object stored, as it wrote it
  last_pull_at bigint,
  last_status text,
  last_error text,
  last_counts text, -- JSON
  created_at bigint NOT NULL
);
-- sightings already pushed to a sync's remote: each is pushed once
CREATE TABLE sync_pushed (
  sync_name text NOT NULL,
  sighting_id bigint NOT NULL REFERENCES sightings(id),
  pushed_at bigint NOT NULL,
  PRIMARY KEY (sync_name, sighting_id)
);
`;
