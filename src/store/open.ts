import { ConfigError } from '../errors.ts';
import { SqliteStore } from './sqlite/store.ts';
import type { Store } from './store.ts';

/**
 * The only place that names a backend. A directory (default `./tix-data`,
 * or `TIX_DATA`) holds the embedded SQLite store.
 */
export async function openStore(location: string): Promise<Store> {
  if (/^postgres(ql)?:\/\//i.test(location)) {
    throw new ConfigError('the PostgreSQL backend is not part of this build yet; use a data directory');
  }
  return SqliteStore.open(location);
}

export function defaultDataDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.TIX_DATA && env.TIX_DATA.trim() !== '' ? env.TIX_DATA : './tix-data';
}
