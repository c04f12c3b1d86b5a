import type Database from 'better-sqlite3';
import type { Clearance } from '../../policy/index.ts';
import { sourceVisibility, type SourceShare, type Visibility } from '../sql/visibility.ts';

export { distributionVisibility, type Visibility } from '../sql/visibility.ts';

const sourceStatements = new WeakMap<Database.Database, Database.Statement>();

/** Prepared once per connection: every read of a page asks for the sources, often twice. */
function sourcesStatement(db: Database.Database): Database.Statement {
  let statement = sourceStatements.get(db);
  if (!statement) sourceStatements.set(db, (statement = db.prepare('SELECT id, distribution_id FROM sources')));
  return statement;
}

/** A clearance as a predicate over observations or objects (alias `alias`), with the sources as they are now. */
export function visibility(db: Database.Database, clearance: Clearance, alias: string): Visibility {
  return sourceVisibility(sourcesStatement(db).all() as SourceShare[], clearance, alias);
}

/** The same for any alias, from one read of the sources: for a query that applies the clearance in several places. */
export function visibilityOver(db: Database.Database, clearance: Clearance | undefined): (alias: string) => Visibility {
  if (!clearance) return () => ({ sql: '1', params: [] });
  const sources = sourcesStatement(db).all() as SourceShare[];
  return (alias) => sourceVisibility(sources, clearance, alias);
}
