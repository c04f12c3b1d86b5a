import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sightingFacts, sightingId, sightingObject } from './sighting.ts';

const pending = { id: 7, objectId: 'indicator--00000000-0000-4000-8000-000000000066', firstSeen: Date.UTC(2026, 5, 1), lastSeen: Date.UTC(2026, 5, 2), count: 3, note: 'seen on a laptop', createdAt: Date.UTC(2026, 5, 3) };

describe('pushed sightings', () => {
  it('a local sighting becomes a STIX 2.1 sighting of the synced object, with a stable id', () => {
    const object = sightingObject('vendor', pending);
    assert.equal(object.type, 'sighting');
    assert.equal(object.spec_version, '2.1');
    assert.match(object.id, /^sighting--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(object.id, sightingObject('vendor', pending).id, 'the same sighting, the same id');
    assert.notEqual(object.id, sightingId('other-sync', pending));
    assert.notEqual(object.id, sightingId('vendor', { ...pending, id: 8 }));
    assert.deepEqual(
      { ref: object.sighting_of_ref, first: object.first_seen, last: object.last_seen, count: object.count, description: object.description, created: object.created },
      { ref: pending.objectId, first: '2026-06-01T00:00:00.000000Z', last: '2026-06-02T00:00:00.000000Z', count: 3, description: 'seen on a laptop', created: '2026-06-03T00:00:00.000000Z' },
    );
  });

  it('reads a posted sighting back as what tix records, its id in the note', () => {
    const object = sightingObject('vendor', pending);
    assert.deepEqual(sightingFacts(object), { objectId: pending.objectId, firstSeen: pending.firstSeen, lastSeen: pending.lastSeen, count: 3, note: `seen on a laptop (${object.id})` });
    assert.equal(sightingFacts({ type: 'indicator', id: 'indicator--1' }), undefined);
    assert.equal(sightingFacts({ type: 'sighting', id: 'sighting--1' }), undefined, 'a sighting of nothing');
    const bare = sightingFacts({ type: 'sighting', id: 'sighting--2', sighting_of_ref: 'indicator--x', created: '2026-06-01T00:00:00Z', count: -4 });
    assert.deepEqual(bare, { objectId: 'indicator--x', firstSeen: Date.UTC(2026, 5, 1), lastSeen: Date.UTC(2026, 5, 1), count: 1, note: '(sighting--2)' });
  });
});
