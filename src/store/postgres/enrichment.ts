import type { Db } from './db.ts';
import type { OperationsStore } from '../operations.ts';

export type EnrichmentPart = Pick<OperationsStore, 'applyEnrichment' | 'enrichmentOf' | 'enrichmentSources' | 'putContacts' | 'listContacts'>;

export function postgresEnrichment(db: Db): EnrichmentPart {
  void db;
  return {} as EnrichmentPart;
}
