import type { Db } from './db.ts';
import type { Store } from '../store.ts';

export type ImportsPart = Pick<Store, 'beginImport' | 'listImports' | 'revoke' | 'cidrPrefixes' | 'addFeed' | 'removeFeed' | 'listFeeds' | 'getFeed' | 'recordPull' | 'stats'>;

export function postgresImports(db: Db): ImportsPart {
  void db;
  return {} as ImportsPart;
}
