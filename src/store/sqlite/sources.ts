import type Database from 'better-sqlite3';
import type { Evaluation, Handling, Pap, Reliability } from '../../model/index.ts';
import type { Clearance } from '../../policy/index.ts';
import type { SourceSummary } from '../store.ts';
import { visibility } from './visibility.ts';

export interface SourceRow {
  id: number;
  name: string;
  owner: number;
  pap: string | null;
  reliability: string | null;
  accuracy: number | null;
  handling: string | null;
  last_import: number | null;
}

/**
 * Every source with what the reader may read of it, counted inside the
 * query (observations and object versions under the clearance), so a source
 * the reader may read nothing of is not listed and its counts never show.
 */
export function listSources(db: Database.Database, clearance?: Clearance): SourceSummary[] {
  const counted = (table: 'observations' | 'stix_objects'): Map<number, number> => {
    const visible = clearance ? visibility(db, clearance, 'o') : { sql: '1', params: [] };
    const rows = db.prepare(`SELECT o.source_id AS id, count(*) AS n FROM ${table} o WHERE ${visible.sql} GROUP BY o.source_id`).all(...visible.params) as Array<{
      id: number;
      n: number;
    }>;
    return new Map(rows.map((row) => [row.id, row.n]));
  };
  const indicators = counted('observations');
  const objects = counted('stix_objects');
  const sources = db
    .prepare(
      `SELECT s.id, s.name, d.owner_org_id AS owner, s.pap, s.reliability, s.accuracy, s.handling,
         (SELECT max(finished_at) FROM imports im WHERE im.source_id = s.id AND im.status = 'committed') AS last_import
       FROM sources s JOIN distributions d ON d.id = s.distribution_id ORDER BY s.name`,
    )
    .all() as SourceRow[];
  return summariseSources(sources, indicators, objects, clearance);
}

/** Sources as summaries with what the reader may read of each; under a clearance, a source it may read nothing of is left out. */
export function summariseSources(sources: SourceRow[], indicators: Map<number, number>, objects: Map<number, number>, clearance?: Clearance): SourceSummary[] {
  return sources.flatMap((row) => {
    const seen = { indicators: indicators.get(row.id) ?? 0, objects: objects.get(row.id) ?? 0 };
    if (clearance && seen.indicators === 0 && seen.objects === 0) return [];
    const summary: SourceSummary = { name: row.name, owner: row.owner, ...seen };
    if (row.last_import !== null) summary.lastImport = row.last_import;
    const evaluation: Evaluation = {};
    if (row.pap !== null) evaluation.pap = row.pap as Pap;
    if (row.reliability !== null) evaluation.reliability = row.reliability as Reliability;
    if (row.accuracy !== null) evaluation.accuracy = row.accuracy;
    if (row.handling !== null) evaluation.handling = row.handling as Handling;
    if (Object.keys(evaluation).length) summary.evaluation = evaluation;
    return [summary];
  });
}
