import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { eventually } from '../../../test/helpers/eventually.ts';
import { freshDatabase } from '../../../test/helpers/stores.ts';
import { AccessCache } from './access-cache.ts';
import { PostgresStore } from './store.ts';

const NOW = Date.UTC(2026, 10, 24, 9);


const agreement = (name: string, members: number[]) => ({ name, members, countries: [], purpose: 'test', startsAt: NOW - 1000, maxTlp: 'amber' as const, mayShareOnward: false });

/** Two server processes on one database, each holding the access lists between changes. */
describe('postgres: access lists held between changes', () => {
  let url: string;
  let one: PostgresStore;
  let two: PostgresStore;
  let admin: pg.Client;
  before(async () => {
    url = await freshDatabase();
    one = await PostgresStore.open(url);
    two = await PostgresStore.open(url);
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
  });
  after(async () => {
    await one.close();
    await two.close();
    await admin.end();
  });

  it('serves agreements from memory once listening, and drops them when another process adds one', async () => {
    const org = await one.createOrganisation({ name: 'Held Org', kind: 'vendor', createdAt: 0 });
    await one.listAgreements();
    assert.ok(await eventually(async () => one.accessCache.active), 'the listener connects');
    const before = await one.listAgreements();
    // held: a row written behind the store's back, without the trigger's notice, is not seen
    await admin.query('ALTER TABLE agreements DISABLE TRIGGER agreements_changed');
    await admin.query("INSERT INTO agreements (name, starts_at, max_tlp, created_at) VALUES ('behind the back', 0, 'green', 0)");
    await admin.query('ALTER TABLE agreements ENABLE TRIGGER agreements_changed');
    assert.deepEqual(await one.listAgreements(), before);
    // another process's change is noticed
    const made = await two.createAgreement(agreement('from two', [org.id]), NOW);
    assert.ok(await eventually(async () => (await one.listAgreements()).some((item) => item.id === made.id)), 'the other process sees the new agreement');
    assert.ok((await one.listAgreements()).some((item) => item.name === 'behind the back'));
  });

  it("sees its own changes at once, before any notice could arrive", async () => {
    const org = await one.createOrganisation({ name: 'Own Org', kind: 'national-police', createdAt: 0 });
    assert.equal((await one.findOrganisation(org.id))?.name, 'Own Org');
    await one.listAgreements();
    await one.listDistributions();
    const made = await one.createAgreement(agreement('own change', [org.id]), NOW);
    assert.ok((await one.listAgreements()).some((item) => item.id === made.id));
    const distribution = await one.distribution({ owner: org.id, agreements: [made.id], recipientOrgs: [], recipientUsers: [] });
    assert.ok((await one.listDistributions()).some((item) => item.id === distribution.id));
    // and the other process, once noticed
    assert.ok(await eventually(async () => (await two.listDistributions()).some((item) => item.id === distribution.id)));
  });

  it('reads from the database while its listener is lost, and holds again once it is back', async () => {
    await one.listAgreements();
    assert.ok(await eventually(async () => one.accessCache.active));
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tix-listen' AND datname = current_database()");
    assert.ok(await eventually(async () => !one.accessCache.active), 'the loss is noticed');
    // nothing held: a change no notice tells of is seen at once
    await admin.query('ALTER TABLE agreements DISABLE TRIGGER agreements_changed');
    await admin.query("INSERT INTO agreements (name, starts_at, max_tlp, created_at) VALUES ('while deaf', 0, 'green', 0)");
    await admin.query('ALTER TABLE agreements ENABLE TRIGGER agreements_changed');
    assert.ok((await one.listAgreements()).some((item) => item.name === 'while deaf'));
    // the listener comes back by itself, and notices work again
    assert.ok(await eventually(async () => (await one.listAgreements(), one.accessCache.active)), 'the listener reconnects');
    const org = await two.createOrganisation({ name: 'After Org', kind: 'cert', createdAt: 0 });
    const made = await two.createAgreement(agreement('after reconnect', [org.id]), NOW);
    assert.ok(await eventually(async () => (await one.listAgreements()).some((item) => item.id === made.id)));
  });
});

describe('postgres: the access cache on its own', () => {
  let url: string;
  before(async () => {
    url = await freshDatabase();
    await (await PostgresStore.open(url)).close();
  });

  it('does not keep a read that overlapped a change, and holds nothing past its age', async () => {
    let now = 0;
    const cache = new AccessCache(url, () => now);
    try {
      await cache.read('k', async () => 0);
      assert.ok(await eventually(async () => cache.active));
      assert.equal(await cache.read('k', async () => 1), 1, 'nothing held before listening');
      assert.equal(await cache.read('k', async () => 2), 1, 'held');
      // a change while the read was under way: its value is returned, not kept
      assert.equal(
        await cache.read('j', async () => {
          cache.changed();
          return 'stale';
        }),
        'stale',
      );
      assert.equal(await cache.read('j', async () => 'fresh'), 'fresh');
      now += 30_000;
      assert.equal(await cache.read('k', async () => 3), 3, 'too old: read again');
      assert.equal(await cache.read('k', async () => 4), 3);
    } finally {
      await cache.close();
    }
    assert.equal(cache.active, false);
    assert.equal(await cache.read('k', async () => 5), 5, 'closed: nothing held');
  });
});
