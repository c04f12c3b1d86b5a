import type { Writable } from 'node:stream';
import { defaultDataDirectory, defaultDatabase, openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';

/** Exit codes scripts can rely on. */
export const EXIT = {
  /** Everything worked; a search found something. */
  ok: 0,
  /** Done, but some input was rejected; or a search/show found nothing. */
  partial: 1,
  /** Failed: bad usage, unreadable input, store error. Nothing was written. */
  error: 2,
} as const;

export interface CliContext {
  out: Writable;
  err: Writable;
  /** Where local files live (rejects, signing keys, enrichment data, packages); also the embedded store's home. */
  dataDir(): string;
  /** The store: a PostgreSQL URL (`--db`, `TIX_DB`) if one is given, else the embedded store in the data directory. */
  storeLocation(): string;
  now(): number;
  withStore<T>(work: (store: Store) => Promise<T>): Promise<T>;
  setExitCode(code: number): void;
}

export function createContext(globals: () => { data?: string; db?: string }, env: NodeJS.ProcessEnv = process.env): CliContext {
  let exitCode = 0;
  const dataDir = (): string => globals().data ?? defaultDataDirectory(env);
  const storeLocation = (): string => globals().db ?? defaultDatabase(env) ?? dataDir();
  return {
    out: process.stdout,
    err: process.stderr,
    dataDir,
    storeLocation,
    now: () => Date.now(),
    async withStore(work) {
      const store = await openStore(storeLocation());
      try {
        return await work(store);
      } finally {
        await store.close();
      }
    },
    setExitCode(code) {
      exitCode = Math.max(exitCode, code);
      process.exitCode = exitCode;
    },
  };
}
