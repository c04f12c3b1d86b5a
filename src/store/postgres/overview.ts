import type { Clearance } from '../../policy/index.ts';
import type { OverviewStats } from '../store.ts';
import type { Sql } from './db.ts';
import { EVERYTHING, visibility } from './visibility.ts';

const DAY = 86_400_000;

interface GroupRow {
  type: string;
  day: number;
  threats: string;
  tlps: string;
  n: number;
}

/**
 * The counts a reader may see, computed by the database under the clearance:
 * each value reduced to the threat types and TLPs of its visible
 * observations, then values counted by (type, day first seen, threats, TLPs).
 * Nothing is kept between calls, so every API node answers alike.
 */
export async function overview(sql: Sql, clearance?: Clearance): Promise<OverviewStats> {
  const visible = clearance ? await visibility(sql, clearance, 'o') : EVERYTHING;
  const [groups, sources] = await Promise.all([
    sql.all<GroupRow>(
      `SELECT i.type, floor(i.first_seen / ${DAY}.0)::bigint AS day, v.threats, v.tlps, count(*) AS n
       FROM (SELECT o.indicator_id,
               string_agg(DISTINCT coalesce(o.threat_type, 'unknown'), ',') AS threats,
               string_agg(DISTINCT o.tlp, ',') AS tlps
             FROM observations o WHERE ${visible.sql} GROUP BY o.indicator_id) v
       JOIN indicators i ON i.id = v.indicator_id
       GROUP BY 1, 2, 3, 4`,
      visible.params,
    ),
    sql.all<{ source: string; observations: number }>(
      `SELECT s.name AS source, count(*) AS observations FROM observations o JOIN sources s ON s.id = o.source_id WHERE ${visible.sql} GROUP BY s.name`,
      visible.params,
    ),
  ]);
  const stats: OverviewStats = { indicators: 0, byType: {}, byThreatType: {}, byTlp: {}, bySource: [], firstSeenPerDay: [] };
  const add = (record: Record<string, number>, k: string, n: number): void => {
    record[k] = (record[k] ?? 0) + n;
  };
  const perDay = new Map<number, number>();
  for (const group of groups) {
    stats.indicators += group.n;
    add(stats.byType, group.type, group.n);
    for (const threat of group.threats.split(',')) add(stats.byThreatType, threat, group.n);
    for (const tlp of group.tlps.split(',')) add(stats.byTlp, tlp, group.n);
    perDay.set(group.day, (perDay.get(group.day) ?? 0) + group.n);
  }
  stats.bySource = sources.sort((a, b) => b.observations - a.observations || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  stats.firstSeenPerDay = [...perDay].sort((a, b) => a[0] - b[0]).map(([day, indicators]) => ({ day: day * DAY, indicators }));
  return stats;
}
