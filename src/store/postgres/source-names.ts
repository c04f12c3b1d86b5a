import type { Sql } from './db.ts';

/**
 * Source names by id. A source keeps its name for life and its id is never
 * given to another (sequences do not go back), so a name once read is held
 * for good: a page of objects names its sources without joining them.
 */
export class SourceNames {
  private readonly names = new Map<number, string>();

  constructor(private readonly sql: Sql) {}

  /** The names of these ids; those not held yet are read in one statement. */
  async of(ids: Iterable<number>): Promise<ReadonlyMap<number, string>> {
    // nearly always none: a page's few sources were named by an earlier page
    let missing: Set<number> | undefined;
    for (const id of ids) if (!this.names.has(id)) (missing ??= new Set()).add(id);
    if (missing) {
      for (const row of await this.sql.all<{ id: number; name: string }>('SELECT id, name FROM sources WHERE id = ANY(?::bigint[])', [[...missing]])) {
        this.names.set(row.id, row.name);
      }
    }
    return this.names;
  }
}
