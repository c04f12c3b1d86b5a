import type { Clearance } from '../../policy/index.ts';
import type { SourceSummary } from '../store.ts';
import { summariseSources, type SourceRow } from '../sqlite/sources.ts';
import type { Sql } from './db.ts';
import { EVERYTHING, visibility } from './visibility.ts';

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
  return summariseSources(sources, indicators, objects, clearance);
}
