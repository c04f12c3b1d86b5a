import type { Db } from './db.ts';
import type { Store } from '../store.ts';

export type ReadsPart = Pick<Store, 'search' | 'get' | 'objectIdsOf' | 'overview' | 'countByCountry' | 'count' | 'listSources' | 'listObjects' | 'objectVersions'>;

export function postgresReads(db: Db): ReadsPart {
  void db;
  return {} as ReadsPart;
}
