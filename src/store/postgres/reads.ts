import type { Db } from './db.ts';
import type { Store } from '../store.ts';
import { listObjects, objectVersions } from './objects.ts';
import { overviewCounter } from './overview.ts';
import { count, countByCountry, get, objectIdsOf, search } from './search.ts';
import { SourceNames } from './source-names.ts';
import { listSources } from './sources.ts';

export type ReadsPart = Pick<Store, 'search' | 'get' | 'objectIdsOf' | 'overview' | 'countByCountry' | 'count' | 'listSources' | 'listObjects' | 'objectVersions'>;

/** Reads of values, objects and sources: each a statement or two on the pool, the clearance inside the SQL. */
export function postgresReads(db: Db): ReadsPart {
  const sourceNames = new SourceNames(db);
  return {
    search: (query) => search(db, query),
    get: (type, value, now, clearance) => get(db, type, value, now, clearance),
    objectIdsOf: (type, value, clearance) => objectIdsOf(db, type, value, clearance),
    overview: overviewCounter(db),
    countByCountry: (clearance) => countByCountry(db, clearance),
    count: (query) => count(db, query),
    listSources: (clearance) => listSources(db, clearance),
    listObjects: (query) => listObjects(db, sourceNames, query),
    objectVersions: (id, clearance) => objectVersions(db, id, clearance),
  };
}
