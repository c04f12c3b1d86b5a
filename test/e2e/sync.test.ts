/**
 * Sync between three tix instances on loopback: a vendor, an international
 * police body that pulls from the vendor with a sync key, and a national unit
 * that pulls from the international body. What arrives where, by value and
 * TLP; provenance and markings kept; a second run adds nothing; a run
 * stopped halfway resumes without loss; a sighting made at the national unit
 * reaches the vendor.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SyncDefinition } from '../../src/store/sync.ts';
import { runSync } from '../../src/sync/pull.ts';
import { EVERYTHING_ID, INBOX_ID } from '../../src/taxii/plugin.ts';
import { startServe, tempDir, tix, tixAsync } from '../helpers/cli.ts';
import { heldBy, identity, IDENTITY, indicator, keyFor, load, openInstance, tlpMarking, type Instance } from '../helpers/sync-world.ts';

const UNKNOWN_MARKING = 'marking-definition--0badc0de-0000-4000-8000-000000000001';

describe('sync: vendor → international body → national unit', () => {
  let vendor: Instance;
  let intl: Instance;
  let national: Instance;
  let vendorSync: SyncDefinition;
  let intlSync: SyncDefinition;
  let intlAtVendor: number;
  let intlUser: number;
  const runAt = (instance: Instance, name: string, extra: { maxPages?: number; pageSize?: number } = {}) =>
    instance.store.getSync(name).then((sync) => runSync(instance.store, sync!, { now: () => instance.clock.now, timeoutMs: 5_000, pageSize: extra.pageSize ?? 2, ...extra }));

  before(async () => {
    [vendor, intl, national] = await Promise.all([openInstance(), openInstance(), openInstance()]);
    // at the vendor: the international body's organisation, a user of it, an agreement with it
    intlAtVendor = (await vendor.store.createOrganisation({ name: 'International Police', kind: 'international-police', country: 'FR', createdAt: 0 })).id;
    intlUser = (await vendor.store.createUser({ name: 'ip-liaison', org: intlAtVendor, role: 'sync', createdAt: 0 })).id;
    const agreement = await vendor.store.createAgreement({ name: 'Vendor–IP', members: [1, intlAtVendor], countries: [], purpose: 'exchange', startsAt: 0, maxTlp: 'amber', mayShareOnward: false }, 0);
    await load(vendor, 'vendor-shared', [identity(), indicator(1, '198.51.100.1', [tlpMarking('clear')]), indicator(2, '198.51.100.2', [tlpMarking('green')])]);
    await load(vendor, 'vendor-shared', [indicator(3, '198.51.100.3', [tlpMarking('amber')])]);
    // AMBER+STRICT never travels through an agreement, only to named recipients
    await load(vendor, 'vendor-shared', [indicator(7, '198.51.100.7', [tlpMarking('amber+strict')])]);
    await load(vendor, 'vendor-strict', [indicator(4, '198.51.100.4', [tlpMarking('amber+strict')])]);
    // RED named for the international body's user: still never leaves through a sync key
    await load(vendor, 'vendor-strict', [indicator(5, '198.51.100.5', [tlpMarking('red')])]);
    await load(vendor, 'vendor-private', [indicator(6, '198.51.100.6', [tlpMarking('amber')])]);
    // the vendor's store keeps an object of a marking it does not know (as the default GREEN); a sync refuses it
    await load(vendor, 'vendor-shared', [indicator(8, '198.51.100.8', [UNKNOWN_MARKING])], 'green');
    await load(vendor, 'vendor-shared', [indicator(9, '198.51.100.9', [tlpMarking('green')])]);
    const shared = await vendor.store.distribution({ owner: 1, agreements: [agreement.id], recipientOrgs: [], recipientUsers: [] });
    const strict = await vendor.store.distribution({ owner: 1, agreements: [], recipientOrgs: [intlAtVendor], recipientUsers: [intlUser] });
    await vendor.store.setSourceDistribution('vendor-shared', shared.id);
    await vendor.store.setSourceDistribution('vendor-strict', strict.id);

    const vendorKey = await keyFor(vendor.store, intlAtVendor, 'sync', intlUser);
    vendorSync = { name: 'vendor', url: vendor.root, collection: EVERYTHING_ID, pushCollection: INBOX_ID, key: vendorKey, everyMs: 900_000, source: 'vendor' };
    await intl.store.addSync(vendorSync, intl.clock.now);

    // at the international body: the national unit's organisation and its sync key
    const nationalAtIntl = (await intl.store.createOrganisation({ name: 'National Unit', kind: 'national-police', country: 'NG', createdAt: 0 })).id;
    const intlKey = await keyFor(intl.store, nationalAtIntl, 'sync');
    intlSync = { name: 'intl', url: intl.root, collection: EVERYTHING_ID, pushCollection: INBOX_ID, key: intlKey, everyMs: 900_000, source: 'intl' };
    await national.store.addSync(intlSync, national.clock.now);
  });

  after(async () => {
    await Promise.all([vendor?.close(), intl?.close(), national?.close()]);
  });

  it('a pull stopped after its first page resumes from its checkpoint without loss', async () => {
    const first = await runAt(intl, 'vendor', { maxPages: 1 });
    assert.equal(first.status, 'partial');
    assert.equal(first.counts.pages, 1);
    const stopped = await intl.store.getSync('vendor');
    assert.ok(stopped?.checkpoint, 'the first page moved the checkpoint');
    assert.equal(stopped.lastStatus, 'partial');
    const heldAfterFirst = Object.keys(await heldBy(intl.store, 'vendor')).length;
    assert.ok(heldAfterFirst > 0 && heldAfterFirst < 6, `a part arrived (${heldAfterFirst})`);
    const rest = await runAt(intl, 'vendor');
    assert.equal(rest.status, 'ok', rest.error);
    assert.ok(rest.counts.pages > 1);
    // the object of an unknown marking came in this run: skipped, and reported with its id
    const refused = indicator(8, '198.51.100.8', []).id as string;
    assert.deepEqual(rest.refused.map((item) => item.id), [refused]);
    const state = await intl.store.getSync('vendor');
    assert.equal(state?.lastCounts?.refused, 1);
    assert.match(state?.lastError ?? '', new RegExp(`TIX_SYNC_MARKING: skipped 1 object: ${refused} \\(unknown marking`));
  });

  it('the international body holds exactly what the vendor shared with it, marked as the vendor marked it', async () => {
    assert.deepEqual(await heldBy(intl.store, 'vendor'), {
      [IDENTITY]: 'clear',
      '198.51.100.1': 'clear',
      '198.51.100.2': 'green',
      '198.51.100.3': 'amber',
      '198.51.100.4': 'amber+strict',
      '198.51.100.9': 'green',
    });
    const records = (await intl.store.listObjects({ sources: ['vendor'], limit: 100 })).items;
    for (const record of records.filter((item) => item.object.type === 'indicator')) {
      assert.equal(record.object.created_by_ref, IDENTITY, 'the originating organisation is kept');
      assert.equal((record.object.object_marking_refs as string[]).length, 1, 'the markings are kept');
    }
    const value = await intl.store.get('ipv4', '198.51.100.4', intl.clock.now);
    assert.deepEqual(value?.observations.map((view) => [view.source, view.tlp]), [['vendor', 'amber+strict']]);
    assert.equal(await intl.store.get('ipv4', '198.51.100.5', intl.clock.now), undefined, 'RED never leaves');
    assert.equal(await intl.store.get('ipv4', '198.51.100.8', intl.clock.now), undefined, 'an unknown marking is not stored as unmarked');
  });

  it('the vendor serves a sync key no TLP:RED, even one bound to a named recipient of it', async () => {
    const objectsFor = async (key: string): Promise<string[]> => {
      const response = await fetch(`${vendor.root}collections/${EVERYTHING_ID}/objects/?limit=1000`, { headers: { accept: 'application/taxii+json;version=2.1', authorization: `Bearer ${key}` } });
      assert.equal(response.status, 200);
      return ((await response.json()) as { objects: Array<{ pattern?: string }> }).objects.map((object) => /'([^']+)'/.exec(object.pattern ?? '')?.[1] ?? '');
    };
    // the same user with a reader's key reads the RED item it is named for: the sync role is what keeps it home
    assert.ok((await objectsFor(await keyFor(vendor.store, intlAtVendor, 'reader', intlUser))).includes('198.51.100.5'));
    const synced = await objectsFor(vendorSync.key);
    assert.ok(synced.includes('198.51.100.4'));
    assert.ok(!synced.includes('198.51.100.5'));
  });

  it('a second pull adds nothing: no new object versions, values or observations', async () => {
    const before = await intl.store.stats();
    const objectsBefore = (await intl.store.listObjects({ versions: 'all', limit: 1000 })).items.length;
    const outcome = await runAt(intl, 'vendor');
    assert.equal(outcome.status, 'ok');
    assert.deepEqual([outcome.counts.objects, outcome.counts.new, outcome.counts.updated], [0, 0, 0]);
    assert.deepEqual(await intl.store.stats(), before);
    assert.equal((await intl.store.listObjects({ versions: 'all', limit: 1000 })).items.length, objectsBefore);
  });

  it('the national unit gets only CLEAR and GREEN of it: AMBER+STRICT and AMBER were for the international body', async () => {
    const outcome = await runAt(national, 'intl');
    assert.equal(outcome.status, 'ok');
    assert.deepEqual(await heldBy(national.store, 'intl'), { [IDENTITY]: 'clear', '198.51.100.1': 'clear', '198.51.100.2': 'green', '198.51.100.9': 'green' });
    const green = (await national.store.listObjects({ sources: ['intl'], ids: [`indicator--00000000-0000-4000-8000-000000000066`], limit: 1 })).items[0];
    assert.equal(green?.object.created_by_ref, IDENTITY, 'the vendor stays the originating organisation two hops on');
  });

  it('shared onward under an agreement, AMBER reaches the national unit; AMBER+STRICT and RED never do', async () => {
    const nationalAtIntl = (await intl.store.findOrganisation('National Unit'))!.id;
    const agreement = await intl.store.createAgreement({ name: 'IP–National', members: [1, nationalAtIntl], countries: [], purpose: 'exchange', startsAt: 0, maxTlp: 'amber+strict', mayShareOnward: false }, 0);
    const onward = await intl.store.distribution({ owner: 1, agreements: [agreement.id], recipientOrgs: [], recipientUsers: [] });
    await intl.store.setSourceDistribution('vendor', onward.id);
    // the national unit has seen everything up to its checkpoint: start over to read what became visible
    await national.store.recordSyncRun('intl', { checkpoint: '1970-01-01T00:00:00.000000Z' });
    const outcome = await runAt(national, 'intl');
    assert.equal(outcome.status, 'ok');
    const held = await heldBy(national.store, 'intl');
    assert.equal(held['198.51.100.3'], 'amber');
    assert.equal(held['198.51.100.4'], undefined);
    assert.equal(held['198.51.100.5'], undefined);
  });

  it('a sighting made at the national unit reaches the vendor, once', async () => {
    const sighted = await national.store.addSighting({
      target: { indicator: { type: 'ipv4', value: '198.51.100.2' } },
      org: 1,
      origin: 'analyst',
      firstSeen: national.clock.now - 60_000,
      lastSeen: national.clock.now,
      count: 3,
      note: 'seen on a seized laptop',
      createdAt: national.clock.now,
    });
    assert.ok(sighted);
    assert.equal((await runAt(national, 'intl')).counts.pushed, 1);
    assert.equal((await runAt(intl, 'vendor')).counts.pushed, 1);
    const objectId = `indicator--00000000-0000-4000-8000-000000000066`;
    const atVendor = await vendor.store.listSightings({ reader: { org: 1 }, objectId, limit: 10 });
    assert.equal(atVendor.items.length, 1);
    assert.equal(atVendor.items[0]!.orgName, 'International Police');
    assert.equal(atVendor.items[0]!.count, 3);
    assert.match(atVendor.items[0]!.note ?? '', /seen on a seized laptop/);
    // each once: nothing more is pushed, and the vendor records nothing twice
    assert.equal((await runAt(national, 'intl')).counts.pushed, 0);
    assert.equal((await runAt(intl, 'vendor')).counts.pushed, 0);
    assert.equal((await vendor.store.listSightings({ reader: { org: 1 }, objectId, limit: 10 })).items.length, 1);
    // the same STIX sighting posted again is recorded once; a new one is recorded
    const posted = (await vendor.store.listObjects({ types: ['sighting'], limit: 10 })).items.map((record) => record.object);
    assert.equal(posted.length, 1);
    const post = (objects: unknown[]) =>
      fetch(`${vendor.root}collections/${INBOX_ID}/objects/`, {
        method: 'POST',
        headers: { accept: 'application/taxii+json;version=2.1', 'content-type': 'application/taxii+json;version=2.1', authorization: `Bearer ${vendorSync.key}` },
        body: JSON.stringify({ objects }),
      });
    assert.equal((await post(posted)).status, 202);
    assert.equal((await vendor.store.listSightings({ reader: { org: 1 }, objectId, limit: 10 })).items.length, 1);
    assert.equal((await post([{ ...posted[0], id: 'sighting--00000000-0000-4000-8000-0000000000ff', count: 9 }])).status, 202);
    const counts = (await vendor.store.listSightings({ reader: { org: 1 }, objectId, limit: 10 })).items.map((item) => item.count).sort();
    assert.deepEqual(counts, [3, 9]);
  });

  it('a remote that dies after its first page: the pull stops at that page, and resumes from it', async () => {
    const fresh = await openInstance();
    try {
      await fresh.store.addSync({ ...vendorSync, name: 'flaky' }, fresh.clock.now);
      // a proxy that serves one page from the vendor, then cuts every connection
      let served = 0;
      const seen: string[] = [];
      const proxy: Server = createServer((request, response) => {
        seen.push(request.url ?? '');
        if (served++ > 0) {
          request.socket.destroy();
          return;
        }
        void fetch(`${vendor.base}${request.url}`, { headers: { accept: String(request.headers.accept), authorization: String(request.headers.authorization) } }).then(async (upstream) => {
          const headers: Record<string, string> = {};
          upstream.headers.forEach((value, name) => {
            if (name !== 'content-length' && name !== 'transfer-encoding' && name !== 'connection') headers[name] = value;
          });
          response.writeHead(upstream.status, headers).end(Buffer.from(await upstream.arrayBuffer()));
        });
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const port = (proxy.address() as AddressInfo).port;
      await fresh.store.addSync({ ...vendorSync, name: 'flaky', url: `http://127.0.0.1:${port}/taxii2/api/` }, fresh.clock.now);
      const broken = await runSync(fresh.store, (await fresh.store.getSync('flaky'))!, { now: () => fresh.clock.now, timeoutMs: 5_000, pageSize: 2 });
      proxy.close();
      assert.equal(broken.status, 'error');
      assert.match(broken.error ?? '', /TIX_SYNC_FETCH/);
      const stopped = await fresh.store.getSync('flaky');
      const partial = await heldBy(fresh.store, 'vendor');
      assert.equal(Object.keys(partial).length, 2, 'the first page (two objects) is stored');
      assert.ok(stopped?.checkpoint);
      assert.equal(stopped.lastStatus, 'error');
      // the remote back (same sync, its checkpoint kept): the rest arrives, nothing twice
      await fresh.store.addSync({ ...vendorSync, name: 'flaky' }, fresh.clock.now);
      assert.equal((await fresh.store.getSync('flaky'))?.checkpoint, stopped.checkpoint);
      const resumed = await runSync(fresh.store, (await fresh.store.getSync('flaky'))!, { now: () => fresh.clock.now, timeoutMs: 5_000, pageSize: 2 });
      assert.equal(resumed.status, 'ok');
      // the vendor's data, as the international body holds it (sightings posted to the vendor since aside)
      const data = (held: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(held).filter(([key]) => !key.startsWith('sighting--')));
      const expected = data(await heldBy(intl.store, 'vendor'));
      assert.deepEqual(data(await heldBy(fresh.store, 'vendor')), expected);
      const versions = (await fresh.store.listObjects({ versions: 'all', limit: 1000 })).items.filter((record) => record.object.type !== 'sighting');
      assert.equal(versions.length, Object.keys(expected).length, 'no object stored twice');
      assert.equal(seen.length, 2);
    } finally {
      await fresh.close();
    }
  });

  it('while another process pulls a sync, a run of it finds it busy and does nothing', async () => {
    const sync = (await intl.store.getSync('vendor'))!;
    const held = await intl.store.exclusively('sync:vendor', () => runSync(intl.store, sync, { now: () => intl.clock.now, timeoutMs: 5_000 }), { now: intl.clock.now, leaseMs: 60_000 });
    assert.ok(held.ran);
    assert.equal(held.value.status, 'busy');
    assert.equal((await runSync(intl.store, sync, { now: () => intl.clock.now, timeoutMs: 5_000 })).status, 'ok');
  });
});

describe('sync: the remote key at rest', () => {
  it('on PostgreSQL, tix sync add refuses to store a key without TIX_SECRET_KEY, before it connects', () => {
    const data = tempDir('tix-sync-pg-');
    try {
      const run = tix(data.path, ['--db', 'postgres://tix@127.0.0.1:1/none', 'sync', 'add', 'peer', 'https://peer.example/taxii2/api/', '--collection', 'c1', '--key', 'tix_k']);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /TIX_SECRET_KEY is not set: on PostgreSQL, a remote's key is stored sealed under a secret key that every tix process of the database is given alike/);
      assert.doesNotMatch(run.stderr, /ECONNREFUSED/);
    } finally {
      data.remove();
    }
  });
});

describe('sync: tix serve pulls on schedule', () => {
  it('a due sync is pulled by the running server, and the result shows in tix sync list', async () => {
    const data = tempDir('tix-sync-serve-');
    let asked = 0;
    const authorizations: Array<string | undefined> = [];
    const remote = createServer((request, response) => {
      asked++;
      authorizations.push(request.headers.authorization);
      response
        .writeHead(200, { 'content-type': 'application/taxii+json;version=2.1', 'x-taxii-date-added-last': '2026-06-01T00:00:00.000000Z' })
        .end(JSON.stringify({ more: false, objects: [indicator(1, '192.0.2.77', [tlpMarking('green')])] }));
    });
    await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
    const root = `http://127.0.0.1:${(remote.address() as AddressInfo).port}/taxii2/api/`;
    let child: ChildProcess | undefined;
    try {
      const key = 'tix_peer_0123456789abcdef';
      assert.equal((await tixAsync(data.path, ['sync', 'add', 'peer', root, '--collection', 'c1', '--key', key, '--every', '1h'])).code, 0);
      // the key is stored sealed under the data directory's secret key, made for it (owner only)
      assert.equal(statSync(join(data.path, 'keys', 'secret.key')).mode & 0o777, 0o600);
      const holding = readdirSync(data.path, { recursive: true, encoding: 'utf8' }).filter((name) => statSync(join(data.path, name)).isFile() && readFileSync(join(data.path, name)).includes(key));
      assert.deepEqual(holding, [], 'no file of the data directory holds the key in clear');
      const served = await startServe(data.path);
      child = served.child;
      for (let waited = 0; asked === 0 && waited < 30_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(asked, 1, 'the server pulled the due sync once');
      assert.deepEqual(authorizations, [`Bearer ${key}`], 'with the key opened again');
      let row: Record<string, unknown> = {};
      for (let waited = 0; row.lastStatus === undefined && waited < 10_000; waited += 200) {
        const listed = await tixAsync(data.path, ['sync', 'list', '-o', 'jsonl']);
        row = JSON.parse(listed.stdout.trim() || '{}') as Record<string, unknown>;
        if (row.lastStatus === undefined) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.equal(row.lastStatus, 'ok');
      assert.equal(row.checkpoint, '2026-06-01T00:00:00.000000Z');
      assert.equal(row.due, false);
      const found = await tixAsync(data.path, ['search', '192.0.2.77', '-o', 'jsonl']);
      assert.match(found.stdout, /192\.0\.2\.77/);
    } finally {
      child?.kill('SIGTERM');
      remote.closeAllConnections();
      remote.close();
      data.remove();
    }
  });
});
