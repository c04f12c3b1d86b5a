import { valueHash } from '../../normalise/index.ts';
import type { FeedDefinition, FeedState, Store, StoreStats } from '../store.ts';
import { LIST_IMPORTS, pullUpdate, toFeedState, toImportRecord, type FeedRow, type ImportRow } from '../sqlite/feeds.ts';
import type { Db } from './db.ts';
import { PostgresImportSession } from './import-session.ts';

export type ImportsPart = Pick<Store, 'beginImport' | 'listImports' | 'revoke' | 'cidrPrefixes' | 'addFeed' | 'removeFeed' | 'listFeeds' | 'getFeed' | 'recordPull' | 'stats'>;

/** Imports, their record and revocation, the CIDR prefix lengths held, feeds and the store's counts. */
export function postgresImports(db: Db): ImportsPart {
  return {
    async beginImport(meta) {
      return PostgresImportSession.begin(await db.session(), meta);
    },

    // read each time: another process's import may add prefixes
    async cidrPrefixes() {
      const rows = await db.all<{ family: number; prefix: number }>('SELECT family, prefix FROM cidr_prefixes ORDER BY family, prefix');
      return {
        v4: rows.filter((row) => row.family === 4).map((row) => row.prefix),
        v6: rows.filter((row) => row.family === 6).map((row) => row.prefix),
      };
    },

    async revoke(request) {
      const changed = await db.run(
        `UPDATE observations SET revoked_at = ?, revoke_reason = ?, updated_at = ?
         WHERE indicator_id = (SELECT id FROM indicators WHERE hash = ? AND value = ? AND type = ?)
           AND source_id = (SELECT id FROM sources WHERE name = ?)`,
        [request.at, request.reason ?? null, request.at, valueHash(request.type, request.value), request.value, request.type, request.source],
      );
      return changed > 0;
    },

    async listImports(limit) {
      return (await db.all<ImportRow>(LIST_IMPORTS, [limit])).map(toImportRecord);
    },

    stats: () => stats(db),
    ...feeds(db),
  };
}

async function stats(db: Db): Promise<StoreStats> {
  const count = async (sql: string): Promise<number> => (await db.get<{ n: number }>(sql))!.n;
  const grouped = async (sql: string): Promise<Record<string, number>> =>
    Object.fromEntries((await db.all<{ k: string; n: number }>(sql)).map((row) => [row.k, row.n]));
  const bySource = await db.all<{ source: string; indicators: number; last_import: number | null }>(
    `SELECT s.name AS source, (SELECT count(*) FROM observations o WHERE o.source_id = s.id) AS indicators,
       (SELECT max(finished_at) FROM imports im WHERE im.source_id = s.id AND im.status = 'committed') AS last_import
     FROM sources s ORDER BY s.name COLLATE "C"`,
  );
  return {
    indicators: await count('SELECT count(*) AS n FROM indicators'),
    observations: await count('SELECT count(*) AS n FROM observations'),
    byType: await grouped('SELECT type AS k, count(*) AS n FROM indicators GROUP BY type ORDER BY type COLLATE "C"'),
    bySource: bySource.map((row) =>
      row.last_import === null
        ? { source: row.source, indicators: row.indicators }
        : { source: row.source, indicators: row.indicators, lastImport: row.last_import },
    ),
    byThreatType: await grouped(
      `SELECT coalesce(threat_type, 'unknown') AS k, count(DISTINCT indicator_id) AS n FROM observations
       GROUP BY 1 ORDER BY coalesce(threat_type, 'unknown') COLLATE "C"`,
    ),
    byTlp: await grouped('SELECT tlp AS k, count(DISTINCT indicator_id) AS n FROM observations GROUP BY tlp ORDER BY tlp COLLATE "C"'),
  };
}

function feeds(db: Db): Pick<Store, 'addFeed' | 'removeFeed' | 'listFeeds' | 'getFeed' | 'recordPull'> {
  return {
    async addFeed(feed: FeedDefinition, now: number) {
      await db.run(
        `INSERT INTO feeds (name, url, format, every_ms, mode, expire_after_ms, tlp, confidence, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET url = excluded.url, format = excluded.format, every_ms = excluded.every_ms,
           mode = excluded.mode, expire_after_ms = excluded.expire_after_ms, tlp = excluded.tlp, confidence = excluded.confidence`,
        [feed.name, feed.url, feed.format ?? null, feed.everyMs, feed.mode, feed.expireAfterMs ?? null, feed.tlp ?? null, feed.confidence ?? null, now],
      );
    },

    async removeFeed(name) {
      return (await db.run('DELETE FROM feeds WHERE name = ?', [name])) > 0;
    },

    async listFeeds() {
      return (await db.all<FeedRow>('SELECT * FROM feeds ORDER BY name COLLATE "C"')).map(toFeedState);
    },

    async getFeed(name) {
      const row = await db.get<FeedRow>('SELECT * FROM feeds WHERE name = ?', [name]);
      return row ? toFeedState(row) : undefined;
    },

    async recordPull(name, state: Partial<Pick<FeedState, 'etag' | 'lastModified' | 'lastPullAt' | 'lastStatus' | 'lastError' | 'lastCounts'>>) {
      const update = pullUpdate(name, state);
      if (update) await db.run(update.sql, update.params);
    },
  };
}
