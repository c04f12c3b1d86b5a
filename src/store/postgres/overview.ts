import type { Tlp } from '../../model/index.ts';
import { isCleared, type Clearance } from '../../policy/index.ts';
import type { OverviewStats } from '../store.ts';
import type { Sql } from './db.ts';

const DAY = 86_400_000;

/** What one observation contributes to who may see it: its source and marking (visibility depends on nothing else), and its threat type. */
interface Part {
  source: number;
  tlp: Tlp;
  threat: string;
}

/** Values of one type, first seen on one day, whose observations have these parts (their *signature*). */
interface Group {
  type: string;
  day: number;
  parts: Part[];
  n: number;
}

/**
 * The store's values counted by (type, day first seen, signature), in one
 * pass of the database. Since what a reader may see of an observation
 * depends only on its source and TLP, a clearance is then applied to the few
 * signatures rather than to millions of rows, each value still counted once.
 */
async function countGroups(sql: Sql): Promise<Group[]> {
  const rows = await sql.all<{ type: string; day: number; parts: string; n: number }>(
    `SELECT i.type, floor(i.first_seen / ${DAY}.0)::bigint AS day, v.parts, count(*) AS n
     FROM (SELECT o.indicator_id, string_agg(o.source_id || '/' || o.tlp || '/' || coalesce(o.threat_type, 'unknown'), ',' ORDER BY o.source_id) AS parts
           FROM observations o GROUP BY o.indicator_id) v
     JOIN indicators i ON i.id = v.indicator_id
     GROUP BY 1, 2, 3`,
  );
  return rows.map((row) => ({
    type: row.type,
    day: row.day,
    n: row.n,
    parts: row.parts.split(',').map((part) => {
      const [source, tlp, threat] = part.split('/');
      return { source: Number(source), tlp: tlp as Tlp, threat: threat! };
    }),
  }));
}

/**
 * Overview counts for one store. The counts change only when an import
 * commits (observations are written by imports alone, each one transaction
 * with its import record), so they are counted again whenever the committed
 * imports differ from those they were counted at: checked on every call, in
 * the database, so an import by another process is seen at once.
 */
export function overviewCounter(sql: Sql): (clearance?: Clearance) => Promise<OverviewStats> {
  let counted: { token: string; groups: Promise<Group[]> } | undefined;
  return async (clearance) => {
    const [mark, sources] = await Promise.all([
      sql.get<{ n: number; s: number }>("SELECT count(*) AS n, coalesce(sum(id), 0) AS s FROM imports WHERE status = 'committed'"),
      sql.all<{ id: number; name: string; distribution_id: number }>('SELECT id, name, distribution_id FROM sources'),
    ]);
    const token = `${mark!.n}/${mark!.s}`;
    if (counted?.token !== token) {
      const groups = countGroups(sql);
      counted = { token, groups };
      // a failed count is not kept
      groups.catch(() => {
        if (counted?.groups === groups) counted = undefined;
      });
    }
    return statsOf(await counted.groups, sources, clearance);
  };
}

/** The counts a reader with this clearance may see (absent: everything), as the SQLite store makes them. */
function statsOf(groups: Group[], sources: Array<{ id: number; name: string; distribution_id: number }>, clearance: Clearance | undefined): OverviewStats {
  const distributionOf = new Map(sources.map((source) => [source.id, source.distribution_id]));
  const nameOf = new Map(sources.map((source) => [source.id, source.name]));
  const visible = (part: Part): boolean => !clearance || isCleared(clearance, part.tlp, distributionOf.get(part.source) ?? -1);
  const stats: OverviewStats = { indicators: 0, byType: {}, byThreatType: {}, byTlp: {}, bySource: [], firstSeenPerDay: [] };
  const add = (record: Record<string, number>, k: string, n: number): void => {
    record[k] = (record[k] ?? 0) + n;
  };
  const perSource = new Map<string, number>();
  const perDay = new Map<number, number>();
  for (const group of groups) {
    const parts = group.parts.filter(visible);
    if (!parts.length) continue;
    const n = group.n;
    stats.indicators += n;
    add(stats.byType, group.type, n);
    for (const threat of new Set(parts.map((part) => part.threat))) add(stats.byThreatType, threat, n);
    for (const tlp of new Set(parts.map((part) => part.tlp))) add(stats.byTlp, tlp, n);
    for (const part of parts) {
      const name = nameOf.get(part.source) ?? String(part.source);
      perSource.set(name, (perSource.get(name) ?? 0) + n);
    }
    perDay.set(group.day, (perDay.get(group.day) ?? 0) + n);
  }
  stats.bySource = [...perSource].map(([source, observations]) => ({ source, observations })).sort((a, b) => b.observations - a.observations || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  stats.firstSeenPerDay = [...perDay].sort((a, b) => a[0] - b[0]).map(([day, indicators]) => ({ day: day * DAY, indicators }));
  return stats;
}
