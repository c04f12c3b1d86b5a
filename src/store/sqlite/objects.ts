import type Database from 'better-sqlite3';
import { InputError } from '../../errors.ts';
import { TLP_LEVELS, timestampKey, type StixObject, type Tlp } from '../../model/index.ts';
import type { Clearance } from '../../policy/index.ts';
import { visibility, visibilityOver } from './visibility.ts';
import type { Visibility } from '../sql/visibility.ts';
import type { ObjectPage, ObjectQuery, ObjectRecord, ObjectVersions, StoredObject } from '../store.ts';

/** The columns of one object version. Objects without `modified` (SCOs, marking definitions) are one unversioned row. */
export function objectRow(stored: StoredObject): {
  id: string;
  type: string;
  modified: string;
  specVersion: string;
  tlp: Tlp | null;
  line: number;
  json: string;
} {
  const { object } = stored;
  const stamp = typeof object.modified === 'string' ? object.modified : typeof object.created === 'string' ? object.created : undefined;
  return {
    id: object.id,
    type: object.type,
    modified: (stamp && timestampKey(stamp)) ?? '',
    specVersion: typeof object.spec_version === 'string' ? object.spec_version : '2.1',
    tlp: stored.tlp ?? null,
    line: stored.line,
    json: JSON.stringify(object),
  };
}

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** A prepared statement per SQL text and connection: a TAXII page costs a prepare otherwise. */
function prepared(db: Database.Database, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    // filter combinations are few in practice; a client that varies them endlessly only refills the cache
    if (cache.size >= 256) cache.clear();
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}

/** Past every seq SQLite can allocate. */
export const NO_SEQ = '9223372036854775807';

export interface ObjectDbRow {
  seq: number;
  id: string;
  modified: string;
  json: string;
  added_at: number;
  source: string;
  tlp: string;
}

/**
 * A keyset cursor: the identity (id and version) of the last object of a
 * page, which the reader has seen. Its place in the order (seq, along
 * which added_at never decreases) is looked up when the cursor is used, so the cursor carries nothing about
 * rows the reader may not see (a row counter would tell how many were added
 * in between).
 */
export function encodeCursor(row: { id: string; modified: string }): string {
  return Buffer.from(`${row.id}|${row.modified}`).toString('base64url');
}

/** Where a cursor resumes: after its object, which must be one the reader may see (else the cursor names nothing, for this reader). */
function decodeCursor(db: Database.Database, cursor: string, visible: Visibility): { addedAt: number; seq: number } {
  const text = /^[A-Za-z0-9_-]{1,800}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString() : '';
  const [id = '', modified, ...rest] = text.split('|');
  const row =
    modified !== undefined && rest.length === 0
      ? (prepared(db, `SELECT o.added_at, o.seq FROM stix_objects o WHERE o.id = ? AND o.modified = ? AND ${visible.sql}`).get(id, modified, ...visible.params) as
          | { added_at: number; seq: number }
          | undefined)
      : undefined;
  if (!row) throw new InputError('TIX_QUERY_INVALID', `not a cursor this store issued for this reader: "${cursor.slice(0, 80)}"`);
  return { addedAt: row.added_at, seq: row.seq };
}

/** One page of the object store in order of addition, filtered as TAXII filters (RFC-like AND of every filter given). */
export function listObjects(db: Database.Database, query: ObjectQuery): ObjectPage {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: query.limit + 1 };
  // the clearance applies to the cursor, the rows and the choice of version: one read of the sources for all three
  const visibleAs = visibilityOver(db, query.clearance);
  if (query.after !== undefined) {
    const after = decodeCursor(db, query.after, visibleAs('o'));
    // added_at never decreases along seq (see addObjects), so seq alone is the order: a range on the primary key
    where.push('o.seq > @afterSeq');
    params.afterSeq = after.seq;
  }
  // a time bound becomes a seq bound: one seek on the (added_at, seq) index, then the primary key range
  if (query.addedAfter !== undefined) {
    where.push(`o.seq >= coalesce((SELECT seq FROM stix_objects WHERE added_at > @addedAfter ORDER BY added_at, seq LIMIT 1), ${NO_SEQ})`);
    params.addedAfter = query.addedAfter;
  }
  if (query.addedBefore !== undefined) {
    where.push(`o.seq < coalesce((SELECT seq FROM stix_objects WHERE added_at > @addedBefore ORDER BY added_at, seq LIMIT 1), ${NO_SEQ})`);
    params.addedBefore = query.addedBefore;
  }
  const list = (name: string, values: readonly string[] | undefined, column: string): void => {
    if (!values?.length) return;
    where.push(`${column} IN (${values.map((_, i) => `@${name}${i}`).join(', ')})`);
    values.forEach((value, i) => (params[`${name}${i}`] = value));
  };
  list('id', query.ids, 'o.id');
  list('type', query.types, 'o.type');
  list('spec', query.specVersions, 'o.spec_version');
  // who may see which rows, also applied to the choice of first/last version (the latest version *the reader may see*)
  const scope = (alias: string, prefix: string): string[] => {
    const parts: string[] = [];
    if (query.sources) {
      // no source named: nothing (an organisation that never posted has an empty inbox)
      if (!query.sources.length) parts.push('0');
      else {
        parts.push(`${alias}.source_id IN (SELECT id FROM sources WHERE name IN (${query.sources.map((_, i) => `@${prefix}source${i}`).join(', ')}))`);
        query.sources.forEach((name, i) => (params[`${prefix}source${i}`] = name));
      }
    }
    if (query.agreement !== undefined) {
      // distributions list their agreements as sorted ids, comma-separated
      parts.push(
        `${alias}.source_id IN (SELECT s.id FROM sources s JOIN distributions d ON d.id = s.distribution_id WHERE instr(',' || d.agreements || ',', @${prefix}agreement) > 0)`,
      );
      params[`${prefix}agreement`] = `,${query.agreement},`;
    }
    if (query.clearance) {
      const visible = visibleAs(alias);
      // the predicate is written with positional markers; named here, for this named-parameter query
      parts.push(renumber(visible.sql, `${prefix}visible`));
      visible.params.forEach((value, i) => (params[`${prefix}visible${i}`] = value));
    }
    return parts;
  };
  where.push(...scope('o', ''));
  if (query.maxTlp !== undefined) {
    list('tlp', TLP_LEVELS.slice(0, TLP_LEVELS.indexOf(query.maxTlp) + 1), 'o.tlp');
  }
  // a list ORs its members: exact `modified` timestamps, and `first`/`last` (of the versions the reader may see)
  const versions = query.versions ?? 'last';
  if (versions !== 'all') {
    const wanted = typeof versions === 'string' ? [versions] : versions;
    const ors: string[] = [];
    for (const edge of ['first', 'last'] as const) {
      if (!wanted.includes(edge)) continue;
      const inner = scope('v', `${edge}_`);
      const edgeOf = `o.modified = (SELECT ${edge === 'last' ? 'max' : 'min'}(v.modified) FROM stix_objects v WHERE v.id = o.id${inner.map((part) => ` AND ${part}`).join('')})`;
      // the latest version of all, when the reader may see it (the rest of the WHERE says so), is the latest it may see: no lookup
      ors.push(edge === 'last' ? `(o.latest = 1 OR ${edgeOf})` : edgeOf);
    }
    const keys = wanted
      .filter((version) => version !== 'first' && version !== 'last')
      .map((version) => {
        const key = timestampKey(version);
        if (!key) throw new InputError('TIX_QUERY_INVALID', `match[version]: "${version}" is not a STIX timestamp, "first", "last" or "all"`);
        return key;
      });
    if (keys.length) {
      ors.push(`o.modified IN (${keys.map((_, i) => `@version${i}`).join(', ')})`);
      keys.forEach((key, i) => (params[`version${i}`] = key));
    }
    where.push(ors.length ? `(${ors.join(' OR ')})` : '0');
  }
  // rows as arrays: better-sqlite3 builds those far faster than objects with named keys
  const rows = (
    prepared(
      db,
      `SELECT o.seq, o.id, o.modified, o.json, o.added_at, s.name AS source, o.tlp FROM stix_objects o JOIN sources s ON s.id = o.source_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY o.seq LIMIT @limit`,
    )
      .raw(true)
      .all(params) as ObjectRowArray[]
  ).map(objectDbRow);
  return pageOf(rows, query);
}

type ObjectRowArray = [seq: number, id: string, modified: string, json: string, added_at: number, source: string, tlp: string];

const objectDbRow = (row: ObjectRowArray): ObjectDbRow => ({ seq: row[0], id: row[1], modified: row[2], json: row[3], added_at: row[4], source: row[5], tlp: row[6] });

/** A page from the rows read (one more than the page, to know whether more follow), ending where a resumption skips nothing. */
export function pageOf(rows: ObjectDbRow[], query: Pick<ObjectQuery, 'limit' | 'wholeAdditions'>): ObjectPage {
  const more = rows.length > query.limit;
  let end = Math.min(rows.length, query.limit);
  if (more && query.wholeAdditions) {
    // end the page before a run of rows added at the same time as the first row after it, if rows remain: resuming from the page's last date added then skips nothing
    const cut = rows[query.limit]!.added_at;
    let keep = end;
    while (keep > 0 && rows[keep - 1]!.added_at === cut) keep--;
    if (keep > 0) end = keep;
  }
  const items = rows.slice(0, end).map(toRecord);
  const last = rows[end - 1];
  return more && last ? { items, next: encodeCursor(last) } : { items };
}

/** `?` markers → `@name0`, `@name1`, … in order. */
function renumber(sql: string, name: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `@${name}${i++}`);
}

/** A row as a record whose object is parsed only if someone reads it (TAXII pages send `json` as it is). */
class StoredRecord implements ObjectRecord {
  private parsed: StixObject | undefined;
  readonly json: string;
  readonly addedAt: number;
  readonly source: string;
  readonly tlp: Tlp;
  constructor(row: ObjectDbRow) {
    this.json = row.json;
    this.addedAt = row.added_at;
    this.source = row.source;
    this.tlp = row.tlp as Tlp;
  }
  get object(): StixObject {
    return (this.parsed ??= JSON.parse(this.json) as StixObject);
  }
  toJSON(): { object: StixObject; addedAt: number; source: string; tlp: Tlp } {
    return { object: this.object, addedAt: this.addedAt, source: this.source, tlp: this.tlp };
  }
}

export function toRecord(row: ObjectDbRow): ObjectRecord {
  return new StoredRecord(row);
}

export function objectVersions(db: Database.Database, id: string, clearance?: Clearance): ObjectVersions | undefined {
  const visible = clearance ? visibility(db, clearance, 'o') : { sql: '1', params: [] };
  const rows = db.prepare(`SELECT json, modified, added_at FROM stix_objects o WHERE id = ? AND ${visible.sql} ORDER BY modified`).all(id, ...visible.params) as Array<{
    json: string;
    modified: string;
    added_at: number;
  }>;
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
