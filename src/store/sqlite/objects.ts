import type Database from 'better-sqlite3';
import { InputError } from '../../errors.ts';
import { TLP_LEVELS, timestampKey, type StixObject, type Tlp } from '../../model/index.ts';
import type { Clearance } from '../../policy/index.ts';
import { visibility } from './visibility.ts';
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

interface ObjectDbRow {
  seq: number;
  json: string;
  added_at: number;
  source: string;
  tlp: string;
}

function encodeCursor(seq: number): string {
  return Buffer.from(`o${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString();
  const seq = Number(text.slice(1));
  if (!text.startsWith('o') || !Number.isSafeInteger(seq) || seq < 0) {
    throw new InputError('TIX_QUERY_INVALID', `not a cursor this store issued: "${cursor}"`);
  }
  return seq;
}

/** One page of the object store in order of addition, filtered as TAXII filters (RFC-like AND of every filter given). */
export function listObjects(db: Database.Database, query: ObjectQuery): ObjectPage {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: query.limit + 1 };
  if (query.after !== undefined) {
    where.push('o.seq > @after');
    params.after = decodeCursor(query.after);
  }
  if (query.addedAfter !== undefined) {
    where.push('o.added_at > @addedAfter');
    params.addedAfter = query.addedAfter;
  }
  if (query.addedBefore !== undefined) {
    where.push('o.added_at <= @addedBefore');
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
  if (query.sources) {
    // no source named: nothing (an organisation that never posted has an empty inbox)
    if (!query.sources.length) where.push('0');
    else {
      where.push(`o.source_id IN (SELECT id FROM sources WHERE name IN (${query.sources.map((_, i) => `@source${i}`).join(', ')}))`);
      query.sources.forEach((name, i) => (params[`source${i}`] = name));
    }
  }
  if (query.clearance) {
    const visible = visibility(db, query.clearance, 'o');
    // the predicate is written with positional markers; named here, for this named-parameter query
    where.push(renumber(visible.sql, 'visible'));
    visible.params.forEach((value, i) => (params[`visible${i}`] = value));
  }
  if (query.maxTlp !== undefined) {
    list('tlp', TLP_LEVELS.slice(0, TLP_LEVELS.indexOf(query.maxTlp) + 1), 'o.tlp');
  }
  const versions = query.versions ?? 'last';
  if (versions === 'last') where.push('o.modified = (SELECT max(v.modified) FROM stix_objects v WHERE v.id = o.id)');
  else if (versions === 'first') where.push('o.modified = (SELECT min(v.modified) FROM stix_objects v WHERE v.id = o.id)');
  else if (Array.isArray(versions)) {
    const keys = versions.map((version) => {
      const key = timestampKey(version);
      if (!key) throw new InputError('TIX_QUERY_INVALID', `match[version]: "${version}" is not a STIX timestamp, "first", "last" or "all"`);
      return key;
    });
    list('version', keys, 'o.modified');
  }
  const rows = prepared(db,
      `SELECT o.seq, o.json, o.added_at, s.name AS source, o.tlp FROM stix_objects o JOIN sources s ON s.id = o.source_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY o.seq LIMIT @limit`,
    )
    .all(params) as ObjectDbRow[];
  const more = rows.length > query.limit;
  const items = rows.slice(0, query.limit).map(toRecord);
  const last = rows[query.limit - 1];
  return more && last ? { items, next: encodeCursor(last.seq) } : { items };
}

/** `?` markers → `@name0`, `@name1`, … in order. */
function renumber(sql: string, name: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `@${name}${i++}`);
}

function toRecord(row: ObjectDbRow): ObjectRecord {
  return { object: JSON.parse(row.json) as StixObject, addedAt: row.added_at, source: row.source, tlp: row.tlp as Tlp };
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
