import type { Db } from './db.ts';
import type { ReportStore } from '../reports.ts';

export function postgresReports(db: Db): ReportStore {
  void db;
  return {} as ReportStore;
}
