import { ConfigError } from '../errors.ts';
import { SqliteStore } from './sqlite/store.ts';
import type { Store } from './store.ts';

/**
 * The only place that names a backend: a `postgres://` URL (`--db`, or
 * `TIX_DB`) opens the server store; anything else is a directory (default
 * `./tix-data`, or `TIX_DATA`) holding the embedded SQLite store.
 */
export async function openStore(location: string, options: { poolSize?: number } = {}): Promise<Store> {
  if (isDatabaseUrl(location)) {
    // loaded when asked for: the embedded store's commands start without the PostgreSQL driver
    const { PostgresStore } = await import('./postgres/store.ts');
    return PostgresStore.open(location, options);
  }
  return SqliteStore.open(location);
}

export function isDatabaseUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** The PostgreSQL database of `TIX_DB`, if set. */
export function defaultDatabase(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = env.TIX_DB?.trim();
  if (!url) return undefined;
  if (!isDatabaseUrl(url)) throw new ConfigError(`TIX_DB: a postgres:// URL (got "${url.slice(0, 40)}")`);
  return url;
}

export function defaultDataDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.TIX_DATA && env.TIX_DATA.trim() !== '' ? env.TIX_DATA : './tix-data';
}
