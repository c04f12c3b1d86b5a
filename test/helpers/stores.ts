/**
 * Fresh stores for tests, on either backend. `TIX_TEST_PG` is the URL of a
 * throwaway PostgreSQL server (`npm test` starts one, see scripts/test.sh);
 * each fresh store gets a database of its own on it. `TIX_TEST_STORE=postgres`
 * makes `freshStore()` (the store of the API suites) a PostgreSQL one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import type { Store } from '../../src/store/store.ts';

let made = 0;

/** The server's URL; a clear failure, never a skipped test, when there is none. */
export function postgresServer(): string {
  const url = process.env.TIX_TEST_PG;
  if (!url) throw new Error('TIX_TEST_PG is not set: run the tests with `npm test`, which starts a throwaway PostgreSQL server (apt-get install postgresql)');
  return url;
}

/** A new, empty database on the test server; its URL. */
export async function freshDatabase(): Promise<string> {
  const server = postgresServer();
  const name = `tix_${process.pid}_${++made}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

const reopeners = new WeakMap<Store, () => Promise<Store>>();

export async function freshPostgresStore(): Promise<PostgresStore> {
  const url = await freshDatabase();
  const store = await PostgresStore.open(url);
  reopeners.set(store, () => PostgresStore.open(url));
  return store;
}

/**
 * SQL straight to a store's database, behind tix's back (as an intruder or
 * a careless administrator would): for tests that tamper with rows.
 */
export async function behindTheBack(store: Store): Promise<{ get<T>(sql: string, params?: unknown[]): Promise<T | undefined>; run(sql: string, params?: unknown[]): Promise<void>; close(): Promise<void> }> {
  if (store instanceof PostgresStore) {
    const db = store.db;
    return { get: (sql, params) => db.get(sql, params), run: async (sql, params) => void (await db.run(sql, params)), close: async () => {} };
  }
  const file = new Database(store.location);
  return {
    get: async <T>(sql: string, params: unknown[] = []) => file.prepare(sql).get(...params) as T | undefined,
    run: async (sql, params = []) => void file.prepare(sql).run(...params),
    close: async () => void file.close(),
  };
}

/** Another handle on the same store, as a second server process (or a restart) would open it. */
export async function reopenStore(store: Store): Promise<Store> {
  const reopen = reopeners.get(store);
  if (!reopen) throw new Error('reopenStore: not a store made by freshStore()');
  const again = await reopen();
  reopeners.set(again, reopen);
  return again;
}

/** Which backend `freshStore()` gives: sqlite unless TIX_TEST_STORE=postgres. */
export function testBackend(): 'sqlite' | 'postgres' {
  return process.env.TIX_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';
}

/** A fresh store of the backend under test; SQLite ones live in a temporary directory removed at exit. */
export async function freshStore(): Promise<Store> {
  if (testBackend() === 'postgres') return freshPostgresStore();
  const directory = mkdtempSync(join(tmpdir(), 'tix-store-'));
  process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
  const store = SqliteStore.open(directory);
  reopeners.set(store, async () => SqliteStore.open(directory));
  return store;
}
