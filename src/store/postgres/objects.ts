import { InputError } from '../../errors.ts';
import { TLP_LEVELS, timestampKey, type StixObject } from '../../model/index.ts';
import type { Clearance } from '../../policy/index.ts';
import type { ObjectPage, ObjectQuery, ObjectVersions } from '../store.ts';
import { encodeCursor, NO_SEQ, pageOf, toRecord, type ObjectDbRow } from '../sqlite/objects.ts';
import { EVERYTHING, sourceSubqueryVisibility, type Visibility } from '../sql/visibility.ts';
import type { Sql } from './db.ts';
import type { SourceNames } from './source-names.ts';

/** A clearance as predicates over any alias, the sources looked up inside the statement that applies it (no round trip of its own). */
function clearanceOf(clearance: Clearance | undefined): (alias: string) => Visibility {
  if (!clearance) return () => EVERYTHING;
  return (alias) => sourceSubqueryVisibility(clearance, alias);
}

/** The object a cursor names (its id and version), or undefined for text this store never issued. */
function parseCursor(cursor: string): { id: string; modified: string } | undefined {
  const text = /^[A-Za-z0-9_-]{1,800}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString() : '';
  const [id = '', modified, ...rest] = text.split('|');
  return modified !== undefined && rest.length === 0 ? { id, modified } : undefined;
}

function badCursor(cursor: string): InputError {
  return new InputError('TIX_QUERY_INVALID', `not a cursor this store issued for this reader: "${cursor.slice(0, 80)}"`);
}

/**
 * Where a cursor resumes, as a bound inside the page's own statement: after its object, which must be one
 * the reader may see (else the bound is NULL and the page empty, and `checkCursor` says why).
 */
function cursorBound(named: { id: string; modified: string }, visible: Visibility): { sql: string; params: unknown[] } {
  return { sql: `o.seq > (SELECT c.seq FROM stix_objects c WHERE c.id = ? AND c.modified = ? AND ${visible.sql})`, params: [named.id, named.modified, ...visible.params] };
}

/** An empty page after a cursor: the end of the collection, or a cursor that names nothing this reader may see. */
async function checkCursor(sql: Sql, cursor: string, named: { id: string; modified: string }, visible: Visibility): Promise<void> {
  const row = await sql.get(`SELECT 1 AS found FROM stix_objects o WHERE o.id = ? AND o.modified = ? AND ${visible.sql}`, [named.id, named.modified, ...visible.params]);
  if (!row) throw badCursor(cursor);
}

/** A WHERE built part by part, its `?` parameters in the order of the text. */
class Where {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];
  add(part: string, ...params: unknown[]): void {
    this.parts.push(part);
    this.params.push(...params);
  }
  list(column: string, values: readonly unknown[] | undefined): void {
    if (values?.length) this.add(`${column} IN (${values.map(() => '?').join(', ')})`, ...values);
  }
}

/** Who may see which rows, also applied to the choice of first/last version (the latest version *the reader may see*). */
function scope(query: ObjectQuery, visible: (alias: string) => Visibility, alias: string): Where {
  const where = new Where();
  if (query.sources) {
    // no source named: nothing (an organisation that never posted has an empty inbox)
    if (!query.sources.length) where.add('false');
    else where.add(`${alias}.source_id IN (SELECT id FROM sources WHERE name IN (${query.sources.map(() => '?').join(', ')}))`, ...query.sources);
  }
  if (query.agreement !== undefined) {
    // distributions list their agreements as sorted ids, comma-separated
    where.add(
      `${alias}.source_id IN (SELECT s.id FROM sources s JOIN distributions d ON d.id = s.distribution_id WHERE strpos(',' || d.agreements || ',', ?) > 0)`,
      `,${query.agreement},`,
    );
  }
  if (query.clearance) {
    const predicate = visible(alias);
    where.add(predicate.sql, ...predicate.params);
  }
  return where;
}

/** The versions asked for: a list ORs exact `modified` timestamps and `first`/`last` (of the versions the reader may see). */
function versionsOf(query: ObjectQuery, visible: (alias: string) => Visibility, where: Where): void {
  const versions = query.versions ?? 'last';
  if (versions === 'all') return;
  const wanted = typeof versions === 'string' ? [versions] : versions;
  const ors = new Where();
  for (const edge of ['first', 'last'] as const) {
    if (!wanted.includes(edge)) continue;
    const inner = scope(query, visible, 'v');
    const edgeOf = `o.modified = (SELECT ${edge === 'last' ? 'max' : 'min'}(v.modified) FROM stix_objects v WHERE v.id = o.id${inner.parts.map((part) => ` AND ${part}`).join('')})`;
    // the latest version of all, when the reader may see it (the rest of the WHERE says so), is the latest it may see: no lookup
    ors.add(edge === 'last' ? `(o.latest = 1 OR ${edgeOf})` : edgeOf, ...inner.params);
  }
  const keys = wanted
    .filter((version) => version !== 'first' && version !== 'last')
    .map((version) => {
      const key = timestampKey(version);
      if (!key) throw new InputError('TIX_QUERY_INVALID', `match[version]: "${version}" is not a STIX timestamp, "first", "last" or "all"`);
      return key;
    });
  ors.list('o.modified', keys);
  where.add(ors.parts.length ? `(${ors.parts.join(' OR ')})` : 'false', ...ors.params);
}

/** One page of the object store in order of addition, filtered as TAXII filters (an AND of every filter given): one statement on the seq order. */
export async function listObjects(sql: Sql, sourceNames: SourceNames, query: ObjectQuery): Promise<ObjectPage> {
  const visible = clearanceOf(query.clearance);
  const where = new Where();
  // added_at never decreases along seq, so seq alone is the order: a range on the primary key
  const named = query.after === undefined ? undefined : parseCursor(query.after);
  if (query.after !== undefined && !named) throw badCursor(query.after);
  if (named) {
    const bound = cursorBound(named, visible('c'));
    where.add(bound.sql, ...bound.params);
  }
  // a time bound becomes a seq bound: one seek on the (added_at, seq) index, then the primary key range
  if (query.addedAfter !== undefined) {
    where.add(`o.seq >= coalesce((SELECT seq FROM stix_objects WHERE added_at > ? ORDER BY added_at, seq LIMIT 1), ${NO_SEQ})`, query.addedAfter);
  }
  if (query.addedBefore !== undefined) {
    where.add(`o.seq < coalesce((SELECT seq FROM stix_objects WHERE added_at > ? ORDER BY added_at, seq LIMIT 1), ${NO_SEQ})`, query.addedBefore);
  }
  where.list('o.id', query.ids);
  where.list('o.type', query.types);
  where.list('o.spec_version', query.specVersions);
  const own = scope(query, visible, 'o');
  where.parts.push(...own.parts);
  where.params.push(...own.params);
  if (query.maxTlp !== undefined) where.list('o.tlp', TLP_LEVELS.slice(0, TLP_LEVELS.indexOf(query.maxTlp) + 1));
  versionsOf(query, visible, where);
  // sources named from memory, not joined (a join costs a third of the page's time on the server); rows as arrays, the page's hot path
  const found = await sql.tuples<[seq: number, id: string, modified: string, json: string, addedAt: number, source: number, tlp: string]>(
    `SELECT o.seq, o.id, o.modified, o.json, o.added_at, o.source_id, o.tlp FROM stix_objects o
     ${where.parts.length ? `WHERE ${where.parts.join(' AND ')}` : ''} ORDER BY o.seq LIMIT ?`,
    [...where.params, query.limit + 1],
  );
  if (!found.length && named) await checkCursor(sql, query.after!, named, visible('o'));
  const names = await sourceNames.of(found.map((row) => row[5]));
  const rows = found.map(([seq, id, modified, json, addedAt, source, tlp]): ObjectDbRow => ({ seq, id, modified, json, added_at: addedAt, source: names.get(source)!, tlp }));
  return pageOf(rows, query);
}

export async function objectVersions(sql: Sql, id: string, clearance?: Clearance): Promise<ObjectVersions | undefined> {
  const visible = clearanceOf(clearance)('o');
  const rows = await sql.all<{ json: string; added_at: number }>(
    `SELECT o.json, o.added_at FROM stix_objects o WHERE o.id = ? AND ${visible.sql} ORDER BY o.modified COLLATE "C"`,
    [id, ...visible.params],
  );
  if (!rows.length) return undefined;
  return {
    id,
    versions: rows.map((row) => {
      const object = JSON.parse(row.json) as StixObject;
      const modified = typeof object.modified === 'string' ? object.modified : typeof object.created === 'string' ? object.created : '';
      return { modified, addedAt: row.added_at };
    }),
  };
}
