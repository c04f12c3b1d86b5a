import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Observation } from '../model/index.ts';
import type { ImportMeta, Store } from './store.ts';

/**
 * The behaviour every Store backend must show. Each backend's test file
 * calls this with a factory for a fresh, empty store.
 */
export function storeContract(backend: string, fresh: () => Promise<Store>): void {
  const T0 = Date.UTC(2024, 0, 1);
  const DAY = 86_400_000;
  const meta = (source: string, extra: Partial<ImportMeta> = {}): ImportMeta => ({
    source,
    origin: `${source}.txt`,
    format: 'plain-list',
    startedAt: T0 + 10 * DAY,
    tlp: 'clear',
    ...extra,
  });
  const obs = (value: string, type: Observation['type'], extra: Partial<Observation> = {}): Observation => ({
    type,
    value,
    firstSeen: T0,
    lastSeen: T0,
    tags: [],
    raw: value,
    line: 1,
    ...extra,
  });
  const load = async (store: Store, source: string, batch: Observation[], extra: Partial<ImportMeta> = {}) => {
    const session = await store.beginImport(meta(source, extra));
    await session.add(batch);
    return session.commit({ read: batch.length, accepted: batch.length, rejected: 0 });
  };
  const now = T0 + 20 * DAY;

  describe(`${backend} store`, () => {
    it('stores a value once and merges each source into it', async () => {
      const store = await fresh();
      const first = await load(store, 'a', [obs('192.0.2.1', 'ipv4', { threatType: 'c2', malware: 'Pikabot' })]);
      assert.deepEqual(first, { new: 1, updated: 0, unchanged: 0, delisted: 0, objects: 0 });
      const second = await load(store, 'b', [obs('192.0.2.1', 'ipv4', { firstSeen: T0 - DAY, lastSeen: T0 + DAY })]);
      assert.deepEqual(second, { new: 0, updated: 1, unchanged: 0, delisted: 0, objects: 0 });
      const detail = await store.get('ipv4', '192.0.2.1', now);
      assert.ok(detail);
      assert.deepEqual(detail.sources, ['a', 'b']);
      assert.equal(detail.firstSeen, T0 - DAY);
      assert.equal(detail.lastSeen, T0 + DAY);
      assert.deepEqual(detail.malware, ['Pikabot']);
      assert.equal(detail.observations.length, 2);
      assert.equal(detail.observations[0]!.origin?.file, 'a.txt');
      const stats = await store.stats();
      assert.equal(stats.indicators, 1);
      assert.equal(stats.observations, 2);
      await store.close();
    });

    it('re-importing the same data changes no counts, whatever the order', async () => {
      const store = await fresh();
      const batch = [
        obs('192.0.2.1', 'ipv4', { malware: 'A', line: 1 }),
        obs('192.0.2.1', 'ipv4', { malware: 'B', line: 2, lastSeen: T0 + DAY }),
        obs('evil.example.com', 'hostname', { line: 3 }),
      ];
      const first = await load(store, 'a', batch);
      assert.equal(first.new, 2);
      const again = await load(store, 'a', [...batch].reverse());
      assert.deepEqual(again, { new: 0, updated: 0, unchanged: 2, delisted: 0, objects: 0 });
      const detail = await store.get('ipv4', '192.0.2.1', now);
      assert.equal(detail?.observations[0]?.malware, 'B', 'metadata comes from the newest report');
      await store.close();
    });

    it('a newer report replaces metadata; an older one only fills gaps', async () => {
      const store = await fresh();
      await load(store, 'a', [obs('198.51.100.7', 'ipv4', { malware: 'Old', lastSeen: T0 + DAY })]);
      await load(store, 'a', [obs('198.51.100.7', 'ipv4', { malware: 'Older', confidence: 40, lastSeen: T0 })]);
      let view = (await store.get('ipv4', '198.51.100.7', now))!.observations[0]!;
      assert.equal(view.malware, 'Old');
      assert.equal(view.confidence, 40);
      await load(store, 'a', [obs('198.51.100.7', 'ipv4', { malware: 'New', lastSeen: T0 + 2 * DAY })]);
      view = (await store.get('ipv4', '198.51.100.7', now))!.observations[0]!;
      assert.equal(view.malware, 'New');
      await store.close();
    });

    it('a rolled-back import leaves the store as it was', async () => {
      const store = await fresh();
      await load(store, 'a', [obs('192.0.2.1', 'ipv4')]);
      const session = await store.beginImport(meta('a'));
      await session.add([obs('192.0.2.2', 'ipv4'), obs('192.0.2.1', 'ipv4', { lastSeen: T0 + 5 * DAY })]);
      await session.rollback();
      const stats = await store.stats();
      assert.equal(stats.indicators, 1);
      assert.equal((await store.get('ipv4', '192.0.2.1', now))!.lastSeen, T0);
      assert.equal(await store.get('ipv4', '192.0.2.2', now), undefined);
      const imports = await store.listImports(10);
      assert.equal(imports.length, 1, 'the rolled-back import leaves no record');
      await store.close();
    });

    it('a full dump delists what it no longer lists, and expires it after the given age', async () => {
      const store = await fresh();
      await load(store, 'feed', [obs('192.0.2.1', 'ipv4'), obs('192.0.2.2', 'ipv4')], { fullDump: { expireAfterMs: 7 * DAY } });
      const second = await load(store, 'feed', [obs('192.0.2.1', 'ipv4', { lastSeen: T0 + DAY })], {
        fullDump: { expireAfterMs: 7 * DAY },
      });
      assert.equal(second.delisted, 1);
      const gone = (await store.get('ipv4', '192.0.2.2', now))!;
      assert.equal(gone.observations[0]!.listed, false);
      assert.equal(gone.observations[0]!.lastSeen, T0, 'last seen is frozen');
      assert.equal(gone.observations[0]!.validUntil, T0 + 7 * DAY);
      assert.equal(gone.status, 'expired');
      assert.equal(gone.observations[0]!.validUntil! > T0 + 6 * DAY, true);
      assert.equal((await store.get('ipv4', '192.0.2.2', T0 + 6 * DAY))!.status, 'active');
      const active = await store.search({ now, limit: 10 });
      assert.deepEqual(active.items.map((item) => item.value), ['192.0.2.1']);
      // it comes back when listed again
      const third = await load(store, 'feed', [obs('192.0.2.1', 'ipv4', { lastSeen: T0 + DAY }), obs('192.0.2.2', 'ipv4', { lastSeen: T0 + 30 * DAY })], {
        fullDump: { expireAfterMs: 7 * DAY },
      });
      assert.equal(third.updated, 1);
      const back = (await store.get('ipv4', '192.0.2.2', now))!;
      assert.equal(back.observations[0]!.listed, true);
      assert.equal(back.status, 'active');
      await store.close();
    });

    it('finds IPs inside a CIDR, CIDRs holding an IP, and everything under a domain', async () => {
      const store = await fresh();
      await load(store, 'a', [
        obs('10.1.0.0/16', 'cidr'),
        obs('10.0.0.0/8', 'cidr'),
        obs('10.1.2.3', 'ipv4'),
        obs('10.1.2.3:443', 'ip-port'),
        obs('http://10.1.2.3/x', 'url'),
        obs('11.0.0.1', 'ipv4'),
        obs('2001:db8::1', 'ipv6'),
        obs('2001:db8::/32', 'cidr'),
        obs('evil.example', 'domain'),
        obs('a.b.evil.example', 'hostname'),
        obs('https://a.evil.example/login', 'url'),
        obs('bob@evil.example', 'email'),
        obs('notevil.example', 'domain'),
        obs('evil.example.org', 'domain'),
      ]);
      const values = async (query: object) =>
        (await store.search({ now, limit: 100, ...query })).items.map((item) => item.value).sort();
      assert.deepEqual(await values({ within: '10.1.0.0/16' }), ['10.1.0.0/16', '10.1.2.3', '10.1.2.3:443', 'http://10.1.2.3/x']);
      assert.deepEqual(await values({ within: '10.1.2.3', containing: '10.1.2.3' }), [
        '10.0.0.0/8',
        '10.1.0.0/16',
        '10.1.2.3',
        '10.1.2.3:443',
        'http://10.1.2.3/x',
      ]);
      assert.deepEqual(await values({ containing: '2001:db8::5' }), ['2001:db8::/32']);
      assert.deepEqual(await values({ under: 'evil.example' }), ['a.b.evil.example', 'bob@evil.example', 'evil.example', 'https://a.evil.example/login']);
      assert.deepEqual(await values({ under: 'evil.example', types: ['url'] }), ['https://a.evil.example/login']);
      assert.deepEqual(await values({ values: [{ type: 'ipv4', value: '11.0.0.1' }] }), ['11.0.0.1']);
      await store.close();
    });

    it('filters by source, malware, threat type, tag and time, and pages without gaps', async () => {
      const store = await fresh();
      const batch: Observation[] = [];
      for (let i = 1; i <= 25; i++) {
        batch.push(obs(`192.0.2.${i}`, 'ipv4', { malware: i % 2 ? 'Emotet' : 'Qakbot', threatType: i % 5 ? 'c2' : 'scanner', tags: i === 7 ? ['lucky'] : [], lastSeen: T0 + i * DAY, line: i }));
      }
      await load(store, 'a', batch);
      await load(store, 'b', [obs('198.51.100.1', 'ipv4')]);
      const count = async (query: object) => (await store.search({ now, limit: 100, ...query })).items.length;
      assert.equal(await count({ source: 'b' }), 1);
      assert.equal(await count({ malware: 'emotet' }), 13);
      assert.equal(await count({ threatType: 'scanner' }), 5);
      assert.equal(await count({ tag: 'lucky' }), 1);
      assert.equal(await count({ seenSince: T0 + 20 * DAY }), 6);
      assert.equal(await count({ source: 'nobody' }), 0);
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.search({ now, limit: 10, ...(after ? { after } : {}) });
        seen.push(...page.items.map((item) => item.value));
        if (!page.next) break;
        after = page.next;
      }
      assert.equal(seen.length, 26);
      assert.equal(new Set(seen).size, 26);
      await store.close();
    });

    it('a bulk-sized import answers range and domain searches like any other, and a rolled-back one leaves them working', async () => {
      const store = await fresh();
      const bulk = { sizeHint: 100_000_000 };
      await load(store, 'a', [obs('10.9.0.0/16', 'cidr'), obs('10.9.8.7', 'ipv4'), obs('x.bulk.example', 'hostname')], bulk);
      const values = async (query: object) => (await store.search({ now, limit: 100, ...query })).items.map((item) => item.value).sort();
      assert.deepEqual(await values({ within: '10.9.0.0/16' }), ['10.9.0.0/16', '10.9.8.7']);
      assert.deepEqual(await values({ under: 'bulk.example' }), ['x.bulk.example']);
      const session = await store.beginImport(meta('a', bulk));
      await session.add([obs('10.9.1.1', 'ipv4')]);
      await session.rollback();
      assert.deepEqual(await values({ within: '10.9.0.0/16' }), ['10.9.0.0/16', '10.9.8.7']);
      assert.deepEqual(await values({ under: 'bulk.example' }), ['x.bulk.example']);
      await load(store, 'b', [obs('10.9.2.2', 'ipv4')], bulk);
      assert.deepEqual(await values({ within: '10.9.2.0/24' }), ['10.9.2.2']);
      await store.close();
    });

    it('revocation is per source and leaves default searches', async () => {
      const store = await fresh();
      await load(store, 'a', [obs('192.0.2.9', 'ipv4')]);
      assert.equal(await store.revoke({ type: 'ipv4', value: '192.0.2.9', source: 'a', at: now, reason: 'sinkholed' }), true);
      assert.equal(await store.revoke({ type: 'ipv4', value: '192.0.2.9', source: 'zzz', at: now }), false);
      const detail = (await store.get('ipv4', '192.0.2.9', now))!;
      assert.equal(detail.status, 'revoked');
      assert.equal(detail.observations[0]!.revokeReason, 'sinkholed');
      assert.equal((await store.search({ now, limit: 10 })).items.length, 0);
      assert.equal((await store.search({ now, limit: 10, includeInactive: true })).items.length, 1);
      await store.close();
    });

    it('keeps feed definitions and pull state', async () => {
      const store = await fresh();
      await store.addFeed({ name: 'f', url: 'http://127.0.0.1/x', everyMs: 3_600_000, mode: 'full', tlp: 'clear' }, T0);
      await store.recordPull('f', { etag: '"abc"', lastPullAt: T0 + 1, lastStatus: 'ok', lastCounts: { new: 3 } });
      const feed = await store.getFeed('f');
      assert.equal(feed?.etag, '"abc"');
      assert.equal(feed?.lastStatus, 'ok');
      assert.deepEqual(feed?.lastCounts, { new: 3 });
      assert.equal((await store.listFeeds()).length, 1);
      assert.equal(await store.removeFeed('f'), true);
      assert.equal(await store.getFeed('f'), undefined);
      await store.close();
    });
  });
}
