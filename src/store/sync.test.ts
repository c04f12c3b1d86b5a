/**
 * The sync part of the Store, on the backend under test (SQLite; PostgreSQL
 * with TIX_TEST_STORE=postgres): definitions, run records, the checkpoint an
 * import moves in its own transaction, and which sightings are still to push.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshStore } from '../../test/helpers/stores.ts';
import { ingest } from '../ingest/ingest.ts';
import type { Store } from './store.ts';
import type { SyncDefinition } from './sync.ts';

const T0 = Date.UTC(2026, 5, 1);
const SYNC: SyncDefinition = { name: 'peer', url: 'https://peer.example/taxii2/api/', collection: 'c1', key: 'tix_a_b', everyMs: 900_000, source: 'peer' };
const ID = (n: number): string => `indicator--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

async function loadStix(store: Store, source: string, ips: Array<[number, string]>, checkpoint?: string): Promise<void> {
  const objects = ips.map(([n, ip]) => ({ type: 'indicator', spec_version: '2.1', id: ID(n), created: '2026-05-01T00:00:00.000Z', modified: '2026-05-01T00:00:00.000Z', pattern: `[ipv4-addr:value = '${ip}']`, pattern_type: 'stix', valid_from: '2026-05-01T00:00:00Z' }));
  const bundle = Buffer.from(JSON.stringify({ type: 'bundle', id: 'bundle--00000000-0000-4000-8000-000000000000', objects }));
  const target = checkpoint === undefined ? store : Object.assign(Object.create(store) as Store, { beginImport: (meta: Parameters<Store['beginImport']>[0]) => store.beginImport({ ...meta, checkpoint: { sync: SYNC.name, addedAfter: checkpoint } }) });
  await ingest(target, { name: `${source}.json`, size: bundle.length, open: async function* () { yield bundle; } }, { format: 'stix', source, now: T0 });
}

describe('sync store', () => {
  it('keeps definitions; changing one keeps its checkpoint and last run', async () => {
    const store = await freshStore();
    try {
      await store.addSync(SYNC, T0);
      await store.recordSyncRun('peer', { checkpoint: '2026-06-01T00:00:00.000000Z', lastPullAt: T0, lastStatus: 'ok', lastError: '', lastCounts: { pages: 2 } });
      await store.addSync({ ...SYNC, url: 'https://elsewhere.example/taxii2/api/', tlp: 'green', pushCollection: 'inbox' }, T0 + 1);
      const sync = await store.getSync('peer');
      assert.deepEqual(sync, {
        ...SYNC,
        url: 'https://elsewhere.example/taxii2/api/',
        tlp: 'green',
        pushCollection: 'inbox',
        checkpoint: '2026-06-01T00:00:00.000000Z',
        lastPullAt: T0,
        lastStatus: 'ok',
        lastError: '',
        lastCounts: { pages: 2 },
        createdAt: T0,
      });
      await store.addSync({ ...SYNC, name: 'another' }, T0);
      assert.deepEqual((await store.listSyncs()).map((item) => item.name), ['another', 'peer']);
      assert.equal(await store.removeSync('peer'), true);
      assert.equal(await store.removeSync('peer'), false);
      assert.equal(await store.getSync('peer'), undefined);
    } finally {
      await store.close();
    }
  });

  it('an import given a checkpoint moves it when it commits, and only then', async () => {
    const store = await freshStore();
    try {
      await store.addSync(SYNC, T0);
      await loadStix(store, 'peer', [[1, '192.0.2.1']], '2026-06-01T00:00:01.000000Z');
      assert.equal((await store.getSync('peer'))?.checkpoint, '2026-06-01T00:00:01.000000Z');
      const session = await store.beginImport({ source: 'peer', origin: 'x', format: 'stix', startedAt: T0, tlp: 'amber', checkpoint: { sync: 'peer', addedAfter: '2026-06-01T00:00:02.000000Z' } });
      await session.rollback();
      assert.equal((await store.getSync('peer'))?.checkpoint, '2026-06-01T00:00:01.000000Z');
    } finally {
      await store.close();
    }
  });

  it("lists sightings on the sync's data not yet pushed, by value or by object, each until marked pushed", async () => {
    const store = await freshStore();
    try {
      await store.addSync(SYNC, T0);
      await loadStix(store, 'peer', [[1, '192.0.2.1'], [2, '192.0.2.2']]);
      await loadStix(store, 'local-feed', [[3, '192.0.2.3']]);
      const sight = (target: Parameters<Store['addSighting']>[0]['target'], count: number) =>
        store.addSighting({ target, org: 1, origin: 'analyst', firstSeen: T0, lastSeen: T0 + 1, count, note: `n${count}`, createdAt: T0 + count });
      const byValue = await sight({ indicator: { type: 'ipv4', value: '192.0.2.1' } }, 1);
      const byObject = await sight({ objectId: ID(2) }, 2);
      await sight({ indicator: { type: 'ipv4', value: '192.0.2.3' } }, 3);
      const pending = await store.unpushedSightings('peer', 10);
      assert.deepEqual(pending, [
        { id: byValue!.id, objectId: ID(1), firstSeen: T0, lastSeen: T0 + 1, count: 1, note: 'n1', createdAt: T0 + 1 },
        { id: byObject!.id, objectId: ID(2), firstSeen: T0, lastSeen: T0 + 1, count: 2, note: 'n2', createdAt: T0 + 2 },
      ]);
      assert.equal((await store.unpushedSightings('peer', 1)).length, 1);
      await store.markSightingsPushed('peer', [byValue!.id], T0);
      await store.markSightingsPushed('peer', [byValue!.id], T0);
      assert.deepEqual((await store.unpushedSightings('peer', 10)).map((item) => item.id), [byObject!.id]);
      assert.deepEqual(await store.unpushedSightings('nonexistent', 10), []);
    } finally {
      await store.close();
    }
  });
});
