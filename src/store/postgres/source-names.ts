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
    const missing = [...new Set(ids)].filter((id) => !this.names.has(id));
    if (missing.length) {
      for (const row of await this.sql.all<{ id: number; name: string }>('SELECT id, name FROM sources WHERE id = ANY(?::bigint[])', [missing])) {
        this.names.set(row.id, row.name);
      }
    }
    return this.names;
  }
}
