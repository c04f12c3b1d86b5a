import type { Clearance } from '../../policy/index.ts';

/** A clearance as a SQL predicate with `?` parameters; both backends apply it inside their queries. */
export interface Visibility {
  sql: string;
  params: unknown[];
}

/** A source and the distribution it is shared under. */
export interface SourceShare {
  id: number;
  distribution_id: number;
}

/**
 * A clearance as a SQL predicate over rows that carry `tlp` and `source_id`
 * (observations, STIX objects): sources are shared under distributions, and
 * there are few of either, so the reader's distributions become short lists
 * of source ids and the predicate stays index-friendly. Applied inside every
 * query, never to a page afterwards.
 */
export function sourceVisibility(sources: readonly SourceShare[], clearance: Clearance, alias: string): Visibility {
  const of = (distributions: readonly number[]): number[] => {
    const wanted = new Set(distributions);
    return sources.filter((source) => wanted.has(source.distribution_id)).map((source) => source.id);
  };
  const parts: string[] = [];
  const params: unknown[] = [];
  const inList = (list: number[]): string => `${alias}.source_id IN (${list.map(() => '?').join(',')})`;
  const own = of(clearance.own);
  if (own.length) {
    parts.push(inList(own));
    params.push(...own);
  }
  if (clearance.clear) parts.push(`${alias}.tlp = 'clear'`);
  if (clearance.green) parts.push(`${alias}.tlp = 'green'`);
  for (const [tlp, distributions] of [['amber', clearance.amber], ['amber+strict', clearance.strict], ['red', clearance.red]] as const) {
    const list = of(distributions);
    if (!list.length) continue;
    parts.push(`(${alias}.tlp = '${tlp}' AND ${inList(list)})`);
    params.push(...list);
  }
  return { sql: parts.length ? `(${parts.join(' OR ')})` : '1 = 0', params };
}

/**
 * The same clearance over rows that carry `tlp` and `distribution_id`
 * themselves (reports): the reader's distributions are the lists.
 */
export function distributionVisibility(clearance: Clearance, alias: string): Visibility {
  return byDistributions(clearance, alias, (marks) => `${alias}.distribution_id IN (${marks})`);
}

/**
 * sourceVisibility with the sources looked up inside the query rather than
 * read beforehand: one statement instead of two, where a round trip costs
 * more than the subquery (PostgreSQL).
 */
export function sourceSubqueryVisibility(clearance: Clearance, alias: string): Visibility {
  return byDistributions(clearance, alias, (marks) => `${alias}.source_id IN (SELECT id FROM sources WHERE distribution_id IN (${marks}))`);
}

function byDistributions(clearance: Clearance, alias: string, inList: (marks: string) => string): Visibility {
  const parts: string[] = [];
  const params: unknown[] = [];
  const marks = (list: readonly number[]): string => list.map(() => '?').join(',');
  if (clearance.own.length) {
    parts.push(inList(marks(clearance.own)));
    params.push(...clearance.own);
  }
  if (clearance.clear) parts.push(`${alias}.tlp = 'clear'`);
  if (clearance.green) parts.push(`${alias}.tlp = 'green'`);
  for (const [tlp, list] of [['amber', clearance.amber], ['amber+strict', clearance.strict], ['red', clearance.red]] as const) {
    if (!list.length) continue;
    parts.push(`(${alias}.tlp = '${tlp}' AND ${inList(marks(list))})`);
    params.push(...list);
  }
  return { sql: parts.length ? `(${parts.join(' OR ')})` : '1 = 0', params };
}

/** What the everything-clearance of the operator reads: no restriction. */
export const EVERYTHING: Visibility = { sql: '1 = 1', params: [] };
