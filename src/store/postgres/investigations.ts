import type { Db } from './db.ts';
import type { InvestigationStore } from '../investigations.ts';

export function postgresInvestigations(db: Db): InvestigationStore {
  void db;
  return {} as InvestigationStore;
}
