import type { Db } from './db.ts';
import type { WarninglistStore } from '../warninglists.ts';

export function postgresWarninglists(db: Db): WarninglistStore {
  void db;
  return {} as WarninglistStore;
}
