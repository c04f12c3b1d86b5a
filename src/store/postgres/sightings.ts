import type { Db } from './db.ts';
import type { SightingStore } from '../sightings.ts';

export function postgresSightings(db: Db): SightingStore {
  void db;
  return {} as SightingStore;
}
