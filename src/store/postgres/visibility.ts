import type { Clearance } from '../../policy/index.ts';
import { sourceVisibility, type SourceShare, type Visibility } from '../sql/visibility.ts';
import type { Sql } from './db.ts';

export { distributionVisibility, EVERYTHING, type Visibility } from '../sql/visibility.ts';

/**
 * A clearance as a predicate over observations or objects (alias `alias`),
 * with the sources as they are now: read on every call, because another
 * API node may have re-shared a source a moment ago.
 */
export async function visibility(sql: Sql, clearance: Clearance, alias: string): Promise<Visibility> {
  return sourceVisibility(await sql.all<SourceShare>('SELECT id, distribution_id FROM sources'), clearance, alias);
}
