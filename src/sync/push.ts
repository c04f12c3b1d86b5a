import type { Store } from '../store/store.ts';
import type { SyncState } from '../store/sync.ts';
import { postObjects } from './remote.ts';
import { sightingId, sightingObject } from './sighting.ts';

/** Sightings pushed in one envelope. */
const PUSH_BATCH = 500;

/**
 * Pushes the sightings made here on data the sync brought to its remote (the
 * data's owner) as STIX sightings, to the sync's push collection, and
 * remembers each one the remote took so it is pushed once. One the remote
 * refuses in its status is tried again on a later run.
 */
export async function pushSightings(store: Store, sync: SyncState, options: { now: number; timeoutMs: number }): Promise<number> {
  let pushed = 0;
  for (;;) {
    const pending = await store.unpushedSightings(sync.name, PUSH_BATCH);
    if (!pending.length) return pushed;
    const failures = await postObjects(sync, sync.pushCollection ?? sync.collection, pending.map((sighting) => sightingObject(sync.name, sighting)), options.timeoutMs);
    const taken = pending.filter((sighting) => !failures.has(sightingId(sync.name, sighting))).map((sighting) => sighting.id);
    await store.markSightingsPushed(sync.name, taken, options.now);
    pushed += taken.length;
    // what the remote refused waits for a later run rather than being asked again now
    if (taken.length < pending.length) return pushed;
  }
}
