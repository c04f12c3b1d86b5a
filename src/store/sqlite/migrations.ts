import type Database from 'better-sqlite3';
import { StoreError } from '../../errors.ts';
import { CAPABILITY_MIGRATIONS } from './schema/capabilities.ts';
import { CORE_MIGRATIONS } from './schema/core.ts';
import { COORDINATION_MIGRATIONS } from './schema/coordination.ts';

/**
 * Versioned schema, applied in order inside one transaction each and
 * recorded in PRAGMA user_version. A migration is never edited once
 * released; a change is a new entry.
 */
export interface Migration {
  version: number;
  sql: string;
}

const MIGRATIONS: Migration[] = [...CORE_MIGRATIONS, ...CAPABILITY_MIGRATIONS, ...COORDINATION_MIGRATIONS];

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
