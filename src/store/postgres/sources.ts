import type { Evaluation, Handling, Pap, Reliability } from '../../model/index.ts';
import type { Clearance } from '../../policy/index.ts';
import type { SourceSummary } from '../store.ts';
import type { Sql } from './db.ts';
import { EVERYTHING, visibility } from './visibility.ts';

interface SourceRow {
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
export async function listSources(sql: Sql, clearance?: Clearance): Promise<SourceSummary[]> {
  const visible = clearance ? await visibility(sql, clearance, 'o') : EVERYTHING;
  const counted = async (table: 'observations' | 'stix_objects'): Promise<Map<number, number>> => {
    const rows = await sql.all<{ id: number; n: number }>(`SELECT o.source_id AS id, count(*) AS n FROM ${table} o WHERE ${visible.sql} GROUP BY o.source_id`, visible.params);
    return new Map(rows.map((row) => [row.id, row.n]));
  };
  const [indicators, objects, sources] = await Promise.all([
    counted('observations'),
    counted('stix_objects'),
    sql.all<SourceRow>(
      `SELECT s.id, s.name, d.owner_org_id AS owner, s.pap, s.reliability, s.accuracy, s.handling,
         (SELECT max(finished_at) FROM imports im WHERE im.source_id = s.id AND im.status = 'committed') AS last_import
       FROM sources s JOIN distributions d ON d.id = s.distribution_id ORDER BY s.name COLLATE "C"`,
    ),
  ]);
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
