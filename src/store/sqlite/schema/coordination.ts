import type { Migration } from '../migrations.ts';

/** Exclusive work of the store's processes (a feed pull): a lease per named lock (v13). */
export const COORDINATION_MIGRATIONS: Migration[] = [
  {
    version: 13,
    sql: `
      CREATE TABLE locks (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];
