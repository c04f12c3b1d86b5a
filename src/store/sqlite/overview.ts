import type Database from 'better-sqlite3';
import type { Tlp } from '../../model/index.ts';
import { isCleared, type Clearance } from '../../policy/index.ts';
import type { OverviewStats } from '../store.ts';

const DAY = 86_400_000;
/** A delta bigger than this many observations to re-read is done as a rebuild: one pass beats that many lookups. */
const MAX_DELTA = 200_000;
/** Imports write their rows' updated_at from their own clock, at or after their start; this margin covers clock skew between processes. */
const MARGIN_MS = 60_000;

/** What one observation contributes to who may see it: its source and marking (visibility depends on nothing else), and its threat type. */
interface Part {
  source: number;
  tlp: Tlp;
  threat: string;
}

/**
 * The store's contents reduced to counts by *signature*: the set of
 * (source, TLP, threat type) of a value's observations. Since what a reader
 * may see of an observation depends only on its source and TLP, a clearance
 * is applied to the few signatures rather than to millions of rows, and each
 * value is still counted once, exactly as a count under that clearance would.
 *
 * Built with one pass over the observations, then kept up to date import by
 * import: the values an import touched (found through the observations of
 * the sources it wrote) are taken out under their old signature and put back
 * under their new one, so an hourly feed pull costs what it changed.
 */
interface State {
  signatures: Part[][];
  signatureIds: Map<string, number>;
  types: string[];
  typeIds: Map<string, number>;
  /** Per value id: its signature (-1: none), type and UTC day first seen. */
  sigOf: Int32Array;
  typeOf: Uint8Array;
  dayOf: Int32Array;
  /** `type index * 2^20 + signature` → values. */
  byTypeSig: Map<number, number>;
  /** signature → day → values first seen that day. */
  bySigDay: Map<number, Map<number, number>>;
  /** The imports seen: the highest id, and those still running then (their rows are not visible yet). */
  lastImport: number;
  running: Set<number>;
}

type Row = [number, string, number, Tlp, string | null, number];

const OBSERVATION_SQL = 'SELECT o.indicator_id, i.type, o.source_id, o.tlp, o.threat_type, i.first_seen FROM observations o JOIN indicators i ON i.id = o.indicator_id';

export class OverviewCounter {
  private state: State | undefined;

  constructor(private readonly db: Database.Database) {}

  private imports(after: number, running: Set<number>): Array<{ id: number; source_id: number; status: string; started_at: number; counts: string }> {
    const ids = [...running];
    return this.db
      .prepare(`SELECT id, source_id, status, started_at, counts FROM imports WHERE id > ?${ids.length ? ` OR id IN (${ids.map(() => '?').join(',')})` : ''} ORDER BY id`)
      .all(after, ...ids) as Array<{ id: number; source_id: number; status: string; started_at: number; counts: string }>;
  }

  private signatureOf(state: State, parts: Part[]): number {
    parts.sort((a, b) => a.source - b.source || (a.tlp < b.tlp ? -1 : a.tlp > b.tlp ? 1 : 0) || (a.threat < b.threat ? -1 : a.threat > b.threat ? 1 : 0));
    const name = parts.map((part) => `${part.source}/${part.tlp}/${part.threat}`).join(',');
    let id = state.signatureIds.get(name);
    if (id === undefined) {
      id = state.signatures.length;
      state.signatureIds.set(name, id);
      state.signatures.push(parts);
    }
    return id;
  }

  private typeIndex(state: State, type: string): number {
    let id = state.typeIds.get(type);
    if (id === undefined) {
      id = state.types.length;
      state.typeIds.set(type, id);
      state.types.push(type);
    }
    return id;
  }

  /** Adds (sign 1) or takes out (sign -1) one value's contribution. */
  private count(state: State, type: number, signature: number, day: number, sign: 1 | -1): void {
    const key = type * 2 ** 20 + signature;
    state.byTypeSig.set(key, (state.byTypeSig.get(key) ?? 0) + sign);
    let days = state.bySigDay.get(signature);
    if (!days) state.bySigDay.set(signature, (days = new Map()));
    days.set(day, (days.get(day) ?? 0) + sign);
  }

  private grow(state: State, id: number): void {
    if (id < state.sigOf.length) return;
    const size = Math.max(id + 1, Math.ceil(state.sigOf.length * 1.5));
    const sigOf = new Int32Array(size).fill(-1);
    sigOf.set(state.sigOf);
    const typeOf = new Uint8Array(size);
    typeOf.set(state.typeOf);
    const dayOf = new Int32Array(size);
    dayOf.set(state.dayOf);
    Object.assign(state, { sigOf, typeOf, dayOf });
  }

  /** Reads the observations of these rows (in value order) and sets each value's contribution anew. */
  private apply(state: State, rows: Iterable<Row>, replace: boolean): void {
    let current = -1;
    let type = '';
    let day = 0;
    let parts: Part[] = [];
    const flush = (): void => {
      if (current < 0) return;
      this.grow(state, current);
      const old = state.sigOf[current]!;
      if (replace && old >= 0) this.count(state, state.typeOf[current]!, old, state.dayOf[current]!, -1);
      const signature = this.signatureOf(state, parts);
      const typeId = this.typeIndex(state, type);
      state.sigOf[current] = signature;
      state.typeOf[current] = typeId;
      state.dayOf[current] = day;
      this.count(state, typeId, signature, day, 1);
    };
    for (const [id, valueType, source, tlp, threat, firstSeen] of rows) {
      if (id !== current) {
        flush();
        current = id;
        type = valueType;
        day = Math.floor(firstSeen / DAY);
        parts = [];
      }
      parts.push({ source, tlp, threat: threat ?? 'unknown' });
    }
    flush();
  }

  private build(): State {
    const maxId = (this.db.prepare('SELECT coalesce(max(id), 0) AS n FROM indicators').get() as { n: number }).n;
    const imports = this.imports(0, new Set());
    const state: State = {
      signatures: [],
      signatureIds: new Map(),
      types: [],
      typeIds: new Map(),
      sigOf: new Int32Array(maxId + 1).fill(-1),
      typeOf: new Uint8Array(maxId + 1),
      dayOf: new Int32Array(maxId + 1),
      byTypeSig: new Map(),
      bySigDay: new Map(),
      lastImport: imports.length ? imports[imports.length - 1]!.id : 0,
      running: new Set(imports.filter((entry) => entry.status === 'running').map((entry) => entry.id)),
    };
    // one pass over the primary key of observations, in value order
    this.apply(state, this.db.prepare(`${OBSERVATION_SQL} ORDER BY o.indicator_id`).raw(true).iterate() as IterableIterator<Row>, false);
    return state;
  }

  /** Brings the counts up to date with the imports committed since they were last read; false when a rebuild is cheaper. */
  private update(state: State): boolean {
    const imports = this.imports(state.lastImport, state.running);
    if (!imports.length) return true;
    const since = new Map<number, number>();
    let written = 0;
    for (const entry of imports) {
      if (entry.status !== 'committed') continue;
      since.set(entry.source_id, Math.min(since.get(entry.source_id) ?? Infinity, entry.started_at - MARGIN_MS));
      const counts = JSON.parse(entry.counts) as Record<string, number>;
      written += (counts.new ?? 0) + (counts.updated ?? 0) + (counts.delisted ?? 0);
    }
    // a large import (a new source's first load, say) is cheaper to count again in one pass
    if (written > MAX_DELTA) return false;
    // how many observations each written source holds, from the signatures: a large delta is a rebuild
    let held = 0;
    for (const [key, n] of state.byTypeSig) {
      const parts = state.signatures[key % 2 ** 20]!;
      held += n * parts.filter((part) => since.has(part.source)).length;
    }
    if (held > MAX_DELTA) return false;
    const changed = new Set<number>();
    for (const [source, from] of since) {
      const rows = this.db.prepare('SELECT indicator_id FROM observations WHERE source_id = ? AND updated_at >= ?').raw(true).all(source, from) as Array<[number]>;
      for (const [id] of rows) changed.add(id);
      if (changed.size > MAX_DELTA) return false;
    }
    const ids = [...changed].sort((a, b) => a - b);
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = ids.slice(start, start + 500);
      const rows = this.db
        .prepare(`${OBSERVATION_SQL} WHERE o.indicator_id IN (${chunk.map(() => '?').join(',')}) ORDER BY o.indicator_id`)
        .raw(true)
        .all(...chunk) as Row[];
      this.apply(state, rows, true);
    }
    state.lastImport = imports[imports.length - 1]!.id;
    state.running = new Set(imports.filter((entry) => entry.status === 'running').map((entry) => entry.id));
    return true;
  }

  /** The counts a reader with this clearance may see (absent: everything). */
  stats(clearance: Clearance | undefined): OverviewStats {
    if (!this.state || !this.update(this.state)) this.state = this.build();
    const state = this.state;
    const sources = this.db.prepare('SELECT id, name, distribution_id FROM sources').all() as Array<{ id: number; name: string; distribution_id: number }>;
    const distributionOf = new Map(sources.map((source) => [source.id, source.distribution_id]));
    const nameOf = new Map(sources.map((source) => [source.id, source.name]));
    const visible = (part: Part): boolean => !clearance || isCleared(clearance, part.tlp, distributionOf.get(part.source) ?? -1);

    // each signature reduced to what this reader sees of it
    const seen = state.signatures.map((parts) => parts.filter(visible));
    const stats: OverviewStats = { indicators: 0, byType: {}, byThreatType: {}, byTlp: {}, bySource: [], firstSeenPerDay: [] };
    const add = (record: Record<string, number>, k: string, n: number): void => {
      record[k] = (record[k] ?? 0) + n;
    };
    const perSource = new Map<string, number>();
    for (const [key, n] of state.byTypeSig) {
      const parts = seen[key % 2 ** 20]!;
      if (!parts.length || n === 0) continue;
      stats.indicators += n;
      add(stats.byType, state.types[Math.floor(key / 2 ** 20)]!, n);
      for (const threat of new Set(parts.map((part) => part.threat))) add(stats.byThreatType, threat, n);
      for (const tlp of new Set(parts.map((part) => part.tlp))) add(stats.byTlp, tlp, n);
      for (const part of parts) {
        const name = nameOf.get(part.source) ?? String(part.source);
        perSource.set(name, (perSource.get(name) ?? 0) + n);
      }
    }
    stats.bySource = [...perSource].map(([source, observations]) => ({ source, observations })).sort((a, b) => b.observations - a.observations || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
    const perDay = new Map<number, number>();
    for (const [signature, days] of state.bySigDay) {
      if (!seen[signature]!.length) continue;
      for (const [day, n] of days) if (n) perDay.set(day, (perDay.get(day) ?? 0) + n);
    }
    stats.firstSeenPerDay = [...perDay].sort((a, b) => a[0] - b[0]).map(([day, indicators]) => ({ day: day * DAY, indicators }));
    return stats;
  }
}
