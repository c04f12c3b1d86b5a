import { StoreError } from '../../errors.ts';
import type { Db } from './db.ts';
import { ACCESS_NOTIFY_SCHEMA, ACCESS_SCHEMA } from './schema/access.ts';
import { CORE_SCHEMA, UNSEARCHED_STATISTICS_SCHEMA } from './schema/core.ts';
import { ACTIVITY_SCHEMA } from './schema/activity.ts';
import { CASEWORK_SCHEMA } from './schema/casework.ts';
import { SYNC_SCHEMA } from './schema/sync.ts';
import { COORDINATION_SCHEMA } from './schema/coordination.ts';

/**
 * Versioned schema of the PostgreSQL store, like the SQLite one: applied in
 * order, each in its own transaction, recorded in `tix_schema`. A migration
 * is never edited once released; a change is a new entry. Version 1 is the
 * whole schema of this release, in parts that name only tables of earlier
 * parts.
 */
export interface Migration {
  version: number;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  { version: 1, sql: [ACCESS_SCHEMA, CORE_SCHEMA, ACTIVITY_SCHEMA, CASEWORK_SCHEMA, SYNC_SCHEMA, COORDINATION_SCHEMA].join('\n') },
  { version: 2, sql: ACCESS_NOTIFY_SCHEMA },
  { version: 3, sql: UNSEARCHED_STATISTICS_SCHEMA },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Brings the database up to this tix's schema; several processes starting at once apply each migration once. */
export async function migrate(db: Db): Promise<void> {
  await db.transaction(async (sql) => {
    // one migrator at a time, across every process on this database
    await sql.exec("SELECT pg_advisory_xact_lock(hashtext('tix:migrate'))");
    await sql.exec('CREATE TABLE IF NOT EXISTS tix_schema (version integer NOT NULL)');
    const current = (await sql.get<{ v: number | null }>('SELECT max(version) AS v FROM tix_schema'))?.v ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new StoreError('TIX_STORE_SCHEMA', `the database has schema version ${current}; this tix knows up to ${SCHEMA_VERSION}. Upgrade tix.`);
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      await sql.exec(migration.sql);
      await sql.run('INSERT INTO tix_schema (version) VALUES (?)', [migration.version]);
    }
  });
}
