import type { Db } from './db.ts';
import type { OperationsStore } from '../operations.ts';
import type { EnrichmentPart } from './enrichment.ts';

export function postgresOperations(db: Db): Omit<OperationsStore, keyof EnrichmentPart> {
  void db;
  return {} as Omit<OperationsStore, keyof EnrichmentPart>;
}
