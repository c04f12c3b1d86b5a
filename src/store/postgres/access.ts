import type { Db } from './db.ts';
import type { AccessStore } from '../access.ts';

export function postgresAccess(db: Db): AccessStore {
  void db;
  return {} as AccessStore;
}
