import type { Observation, Tlp } from '../../src/model/index.ts';
import type { ImportMeta, Store } from '../../src/store/store.ts';

export const T0 = Date.UTC(2026, 0, 1);
export const DAY = 86_400_000;

export function obs(value: string, type: Observation['type'], extra: Partial<Observation> = {}): Observation {
  return { type, value, firstSeen: T0, lastSeen: T0, tags: [], raw: value, line: 1, ...extra };
}

/** One committed import of these observations from `source`. */
export async function load(store: Store, source: string, batch: Observation[], extra: Partial<ImportMeta> & { tlp?: Tlp } = {}): Promise<void> {
  const session = await store.beginImport({ source, origin: `${source}.txt`, format: 'plain-list', startedAt: T0, tlp: 'clear', ...extra });
  await session.add(batch);
  await session.commit({ read: batch.length, accepted: batch.length, rejected: 0 });
}
