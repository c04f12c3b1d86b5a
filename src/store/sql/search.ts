import { enclosingCidrs, ipKeyRange, reversedHost, valueHash } from '../../normalise/index.ts';
import { PAP_LEVELS, TLP_LEVELS } from '../../model/index.ts';
import type { IndicatorQuery } from '../store.ts';
import type { Visibility } from './visibility.ts';

/** What differs between the SQL of the two backends in a search. */
export interface SearchDialect {
  /** A predicate that holds for no row. */
  none: string;
  /** A column equal to a parameter, ASCII case ignored (SQLite's NOCASE); served by an index on the same expression. */
  equalsNoCase: (column: string) => string;
  /** LIKE with ASCII case ignored, as SQLite's LIKE is. */
  like: string;
  /** Ends a subquery that must stay a probe per value rather than become a join. */
  probe: string;
  /** Bound the observations an index drives by the cursor too, so a merge join starts at the page rather than at the first value. */
  boundDriven: boolean;
}

export const SQLITE_SEARCH: SearchDialect = {
  none: '0',
  equalsNoCase: (column) => `${column} = ? COLLATE NOCASE`,
  like: 'LIKE',
  probe: '',
  boundDriven: false,
};

export const POSTGRES_SEARCH: SearchDialect = {
  none: 'false',
  equalsNoCase: (column) => `lower(${column}) = lower(?)`,
  like: 'ILIKE',
  // PostgreSQL turns EXISTS into a semi-join that reads observations from the first value on every page; OFFSET 0 keeps the probe
  probe: ' OFFSET 0',
  boundDriven: true,
};

export interface BuiltQuery {
  sql: string;
  params: unknown[];
}

/**
 * Translates a backend-neutral query into SQL over indicators. Value-shaped
 * criteria (exact values, CIDR ranges, domains) are OR-ed, as one search box
 * means "anything matching this"; every other filter narrows.
 */
export function buildSearch(
  query: IndicatorQuery,
  prefixes: { v4: number[]; v6: number[] },
  visible?: Visibility,
  dialect: SearchDialect = SQLITE_SEARCH,
): BuiltQuery {
  const anyOf: string[] = [];
  const params: unknown[] = [];
  for (const { type, value } of query.values ?? []) {
    anyOf.push('(i.hash = ? AND i.value = ? AND i.type = ?)');
    params.push(valueHash(type, value), value, type);
  }
  if (query.within) {
    const range = ipKeyRange(query.within);
    anyOf.push('(i.ip_first >= ? AND i.ip_first <= ? AND i.ip_last <= ?)');
    params.push(range.first, range.last, range.last);
  }
  if (query.containing) {
    const family = query.containing.includes(':') ? prefixes.v6 : prefixes.v4;
    const networks = family.length ? enclosingCidrs(query.containing, family) : [];
    for (const network of networks) {
      anyOf.push("(i.hash = ? AND i.value = ? AND i.type = 'cidr')");
      params.push(valueHash('cidr', network), network);
    }
  }
  if (query.under) {
    // the same key the import wrote, so the two can never disagree
    const key = reversedHost(query.under);
    anyOf.push('(i.host_key = ? OR (i.host_key > ? AND i.host_key < ?))');
    params.push(key, `${key}.`, `${key}/`);
  }
  const where: string[] = [];
  const asked = query.values !== undefined || query.within !== undefined || query.containing !== undefined || query.under !== undefined;
  if (asked) where.push(anyOf.length ? `(${anyOf.join(' OR ')})` : dialect.none);
  if (query.types?.length) {
    where.push(`i.type IN (${query.types.map(() => '?').join(',')})`);
    params.push(...query.types);
  }
  if (query.seenSince !== undefined) {
    where.push('i.last_seen >= ?');
    params.push(query.seenSince);
  }
  const observed: string[] = [];
  if (query.source) {
    observed.push('o.source_id = (SELECT id FROM sources WHERE name = ?)');
    params.push(query.source);
  }
  if (query.malware) {
    observed.push(dialect.equalsNoCase('o.malware'));
    params.push(query.malware);
  }
  if (query.threatType) {
    observed.push('o.threat_type = ?');
    params.push(query.threatType);
  }
  if (query.tag) {
    observed.push(`(',' || o.tags || ',') ${dialect.like} ? ESCAPE '\\'`);
    params.push(`%,${query.tag.replace(/[\\%_]/g, (c) => `\\${c}`)},%`);
  }
  if (query.minConfidence !== undefined) {
    observed.push('o.confidence >= ?');
    params.push(query.minConfidence);
  }
  if (query.maxTlp !== undefined) {
    const allowed = TLP_LEVELS.slice(0, TLP_LEVELS.indexOf(query.maxTlp) + 1);
    observed.push(`o.tlp IN (${allowed.map(() => '?').join(',')})`);
    params.push(...allowed);
  }
  const graded: string[] = [];
  if (query.reliability?.length) {
    graded.push(`reliability IN (${query.reliability.map(() => '?').join(',')})`);
    params.push(...query.reliability);
  }
  if (query.maxAccuracy !== undefined) {
    graded.push('accuracy <= ?');
    params.push(query.maxAccuracy);
  }
  if (query.maxPap !== undefined) {
    const allowed = PAP_LEVELS.slice(0, PAP_LEVELS.indexOf(query.maxPap) + 1);
    graded.push(`pap IN (${allowed.map(() => '?').join(',')})`);
    params.push(...allowed);
  }
  // gradings belong to sources, which are few: the sources that pass, then their observations
  if (graded.length) observed.push(`o.source_id IN (SELECT id FROM sources WHERE ${graded.join(' AND ')})`);
  if (visible) {
    observed.push(visible.sql);
    params.push(...visible.params);
  }
  if (!query.includeInactive) {
    observed.push('o.revoked_at IS NULL AND (o.valid_until IS NULL OR o.valid_until > ?)');
    params.push(query.now);
  }
  if (observed.length) {
    // with a value to look up, probe each candidate's observations; without one, let an observation index drive
    // (source, malware) where there is one; otherwise walk values in id order, probing each, which stops at a page
    // rather than gathering every matching observation of the store first
    const indexed = query.source !== undefined || query.malware !== undefined;
    if (!asked && indexed && query.after !== undefined && dialect.boundDriven) {
      observed.push('o.indicator_id > ?');
      params.push(Number(query.after));
    }
    where.push(
      asked || !indexed
        ? `EXISTS (SELECT 1 FROM observations o WHERE o.indicator_id = i.id AND ${observed.join(' AND ')}${dialect.probe})`
        : `i.id IN (SELECT o.indicator_id FROM observations o WHERE ${observed.join(' AND ')})`,
    );
  }
  if (query.after !== undefined) {
    where.push('i.id > ?');
    params.push(Number(query.after));
  }
  const sql = `SELECT i.id, i.type, i.value, i.first_seen, i.last_seen, i.added_at FROM indicators i
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY i.id LIMIT ?`;
  params.push(query.limit + 1);
  return { sql, params };
}
