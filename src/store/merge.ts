import type { Observation } from '../model/index.ts';

/**
 * Merges repeated values within one batch the way the store merges them
 * across imports: the seen range widens, and metadata comes from the newest
 * report, gaps filled from older ones. Pure; the result does not depend on
 * the order of the input, so re-importing a file changes nothing.
 */
export function mergeBatch(batch: readonly Observation[]): Observation[] {
  const byKey = new Map<string, Observation>();
  for (const o of batch) {
    const key = `${o.type}\u0000${o.value}`;
    const held = byKey.get(key);
    byKey.set(key, held ? mergeObservations(held, o) : o);
  }
  return [...byKey.values()];
}

export function mergeObservations(a: Observation, b: Observation): Observation {
  const [newer, older] = b.lastSeen > a.lastSeen ? [b, a] : [a, b];
  const merged: Observation = {
    ...older,
    ...stripUndefined(newer),
    firstSeen: Math.min(a.firstSeen, b.firstSeen),
    lastSeen: Math.max(a.lastSeen, b.lastSeen),
    tags: newer.tags.length > 0 ? newer.tags : older.tags,
    raw: older.line <= newer.line ? older.raw : newer.raw,
    line: Math.min(older.line, newer.line),
  };
  if (b.lastSeen === a.lastSeen) {
    // same moment: the first line read wins, as it does across batches
    const first = a.line <= b.line ? a : b;
    const second = first === a ? b : a;
    return { ...second, ...stripUndefined(first), firstSeen: merged.firstSeen, lastSeen: merged.lastSeen, tags: first.tags.length ? first.tags : second.tags };
  }
  return merged;
}

function stripUndefined(o: Observation): Partial<Observation> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) if (value !== undefined) out[key] = value;
  return out as Partial<Observation>;
}
