import type Database from 'better-sqlite3';
import type { Tlp } from '../../model/index.ts';
import { isCleared, type Clearance } from '../../policy/index.ts';
import type { OverviewStats } from '../store.ts';

const DAY = 86_400_000;

/** What one observation contributes to who may see it: its source and marking (visibility depends on nothing else), and its threat type. */
interface Part {
  source: number;
  tlp: Tlp;
  threat: string;
}

/**
 * The store's contents reduced once to counts by *signature*: the set of
 * (source, TLP, threat type) of a value's observations, with the value's
 * type. Since what a reader may see of an observation depends only on its
 * source and TLP, any clearance is applied to the few signatures rather than
 * to millions of rows, and each value is still counted once, exactly as a
 * count under that clearance would. Rebuilt when an import has committed.
 */
interface Aggregate {
  key: string;
  signatures: Part[][];
  /** `type \t signature index` → values. */
  byTypeAndSignature: Map<string, number>;
  /** `source \t tlp` → observations. */
  observations: Map<string, number>;
  /** `source \t tlp \t day` → observations first seen that day. */
  firstSeen: Map<string, number>;
}

export class OverviewCounter {
  private aggregate: Aggregate | undefined;

  constructor(private readonly db: Database.Database) {}

  /** Changes whenever an import starts or commits (every write of indicators is an import), or a revocation or re-share happens. */
  private version(): string {
    const row = this.db
      .prepare(
        `SELECT (SELECT max(id) FROM imports) AS a, (SELECT max(finished_at) FROM imports) AS b, (SELECT count(*) FROM imports WHERE status = 'committed') AS c`,
      )
      .get() as { a: number | null; b: number | null; c: number };
    return `${row.a}:${row.b}:${row.c}`;
  }

  private build(key: string): Aggregate {
    const signatureIds = new Map<string, number>();
    const signatures: Part[][] = [];
    const byTypeAndSignature = new Map<string, number>();
    const observations = new Map<string, number>();
    const firstSeen = new Map<string, number>();
    const bump = (map: Map<string, number>, k: string): void => {
      map.set(k, (map.get(k) ?? 0) + 1);
    };
    let current = -1;
    let type = '';
    let parts: Part[] = [];
    const flush = (): void => {
      if (current < 0) return;
      parts.sort((a, b) => a.source - b.source || (a.tlp < b.tlp ? -1 : a.tlp > b.tlp ? 1 : 0) || (a.threat < b.threat ? -1 : a.threat > b.threat ? 1 : 0));
      const name = parts.map((part) => `${part.source}/${part.tlp}/${part.threat}`).join(',');
      let id = signatureIds.get(name);
      if (id === undefined) {
        id = signatures.length;
        signatureIds.set(name, id);
        signatures.push(parts);
      }
      bump(byTypeAndSignature, `${type}\t${id}`);
    };
    // one pass over the primary key of observations, in value order
    const rows = this.db
      .prepare('SELECT o.indicator_id, i.type, o.source_id, o.tlp, o.threat_type, o.first_seen FROM observations o JOIN indicators i ON i.id = o.indicator_id ORDER BY o.indicator_id')
      .raw(true)
      .iterate() as IterableIterator<[number, string, number, Tlp, string | null, number]>;
    for (const [id, valueType, source, tlp, threat, seen] of rows) {
      if (id !== current) {
        flush();
        current = id;
        type = valueType;
        parts = [];
      }
      parts.push({ source, tlp, threat: threat ?? 'unknown' });
      bump(observations, `${source}\t${tlp}`);
      bump(firstSeen, `${source}\t${tlp}\t${Math.floor(seen / DAY)}`);
    }
    flush();
    return { key, signatures, byTypeAndSignature, observations, firstSeen };
  }

  /** The counts a reader with this clearance may see (absent: everything). */
  stats(clearance: Clearance | undefined): OverviewStats {
    const key = this.version();
    if (this.aggregate?.key !== key) this.aggregate = this.build(key);
    const aggregate = this.aggregate;
    const sources = this.db.prepare('SELECT id, name, distribution_id FROM sources').all() as Array<{ id: number; name: string; distribution_id: number }>;
    const distributionOf = new Map(sources.map((source) => [source.id, source.distribution_id]));
    const nameOf = new Map(sources.map((source) => [source.id, source.name]));
    const visible = (source: number, tlp: Tlp): boolean => !clearance || isCleared(clearance, tlp, distributionOf.get(source) ?? -1);

    // each signature reduced to what this reader sees of it
    const seen = aggregate.signatures.map((parts) => parts.filter((part) => visible(part.source, part.tlp)));
    const stats: OverviewStats = { indicators: 0, byType: {}, byThreatType: {}, byTlp: {}, bySource: [], firstSeenPerDay: [] };
    const add = (record: Record<string, number>, k: string, n: number): void => {
      record[k] = (record[k] ?? 0) + n;
    };
    for (const [k, n] of aggregate.byTypeAndSignature) {
      const [type, signature] = k.split('\t') as [string, string];
      const parts = seen[Number(signature)]!;
      if (!parts.length) continue;
      stats.indicators += n;
      add(stats.byType, type, n);
      for (const threat of new Set(parts.map((part) => part.threat))) add(stats.byThreatType, threat, n);
      for (const tlp of new Set(parts.map((part) => part.tlp))) add(stats.byTlp, tlp, n);
    }
    const perSource = new Map<string, number>();
    for (const [k, n] of aggregate.observations) {
      const [source, tlp] = k.split('\t') as [string, Tlp];
      if (!visible(Number(source), tlp)) continue;
      const name = nameOf.get(Number(source)) ?? source;
      perSource.set(name, (perSource.get(name) ?? 0) + n);
    }
    stats.bySource = [...perSource].map(([source, observations]) => ({ source, observations })).sort((a, b) => b.observations - a.observations);
    const perDay = new Map<number, number>();
    for (const [k, n] of aggregate.firstSeen) {
      const [source, tlp, day] = k.split('\t') as [string, Tlp, string];
      if (!visible(Number(source), tlp)) continue;
      perDay.set(Number(day), (perDay.get(Number(day)) ?? 0) + n);
    }
    stats.firstSeenPerDay = [...perDay].sort((a, b) => a[0] - b[0]).map(([day, observations]) => ({ day: day * DAY, observations }));
    return stats;
  }
}
