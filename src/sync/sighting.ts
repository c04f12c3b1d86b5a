import type { StixObject } from '../model/index.ts';
import type { PendingSighting } from '../store/sync.ts';
import { taxiiTimestamp } from '../taxii/time.ts';
import { uuidV5 } from '../formats/common/uuid.ts';

/** The UUID namespace of pushed sightings (a v4 UUID chosen once): the same local sighting always becomes the same STIX id. */
const SIGHTING_NAMESPACE = '0f6d2b8e-4c1a-4e7b-9d53-7a2e91c0b6f4';

/** The STIX id a local sighting is pushed under through one sync: stable, so a push repeated after a crash is the same object. */
export function sightingId(sync: string, sighting: PendingSighting): string {
  return `sighting--${uuidV5(SIGHTING_NAMESPACE, `${sync}\0${sighting.id}\0${sighting.createdAt}\0${sighting.objectId}`)}`;
}

/** A local sighting as the STIX 2.1 `sighting` the owner of the sighted object receives. */
export function sightingObject(sync: string, sighting: PendingSighting): StixObject {
  const created = taxiiTimestamp(sighting.createdAt);
  const object: StixObject = {
    type: 'sighting',
    spec_version: '2.1',
    id: sightingId(sync, sighting),
    created,
    modified: created,
    sighting_of_ref: sighting.objectId,
    first_seen: taxiiTimestamp(sighting.firstSeen),
    last_seen: taxiiTimestamp(Math.max(sighting.firstSeen, sighting.lastSeen)),
    count: Math.max(0, Math.min(999_999_999, Math.round(sighting.count))),
  };
  if (sighting.note) object.description = sighting.note;
  return object;
}

/** A posted sighting as tix records it: what it sighted and when, or undefined when it is not one it can record. */
export function sightingFacts(object: Record<string, unknown>): { objectId: string; firstSeen: number; lastSeen: number; count: number; note: string } | undefined {
  if (object.type !== 'sighting' || typeof object.id !== 'string' || typeof object.sighting_of_ref !== 'string') return undefined;
  const time = (value: unknown): number | undefined => (typeof value === 'string' && Number.isFinite(Date.parse(value)) ? Date.parse(value) : undefined);
  const created = time(object.created) ?? 0;
  const firstSeen = time(object.first_seen) ?? created;
  const lastSeen = time(object.last_seen) ?? firstSeen;
  const count = typeof object.count === 'number' && Number.isInteger(object.count) && object.count >= 0 ? object.count : 1;
  const description = typeof object.description === 'string' ? `${object.description.slice(0, 2000)} ` : '';
  return { objectId: object.sighting_of_ref, firstSeen, lastSeen: Math.max(firstSeen, lastSeen), count, note: `${description}(${object.id})` };
}
