import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Observation } from '../../model/index.ts';
import { SqliteStore } from '../sqlite/store.ts';
import type { ImportMeta, Store } from '../store.ts';
import { freshDatabase } from '../../../test/helpers/stores.ts';
import { PostgresStore } from './store.ts';

const T0 = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;
const meta = (source: string, extra: Partial<ImportMeta> = {}): ImportMeta => ({
  source,
  origin: `${source}.csv`,
  format: 'threatfox-csv',
  startedAt: T0 + 10 * DAY,
  tlp: 'clear',
  ...extra,
});
const obs = (value: string, extra: Partial<Observation> = {}): Observation => ({
  type: 'ipv4',
  value,
  firstSeen: T0,
  lastSeen: T0,
  tags: [],
  raw: value,
  line: 1,
  ...extra,
});
const ip = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

const directories: string[] = [];
// every warning of this file's imports: pg warns of a query issued while its client runs another (pg@9 refuses it)
const warnings: string[] = [];
const noteWarning = (warning: Error): void => void warnings.push(`${warning.name}: ${warning.message}`);
process.on('warning', noteWarning);
after(() => {
  process.off('warning', noteWarning);
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

/** Every row of every table, as one digest per table. */
async function snapshot(store: PostgresStore): Promise<Record<string, string>> {
  const tables = await store.db.all<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
  const digests: Record<string, string> = {};
  for (const { name } of tables) {
    const row = await store.db.get<{ d: string | null; n: number }>(`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS d, count(*) AS n FROM "${name}" t`);
    digests[name] = `${row?.n}:${row?.d}`;
  }
  return digests;
}

/** A ThreatFox-like run of rows: URLs and ip:ports with metadata, some values repeated across batches. */
function generated(count: number, batchSize: number): Observation[][] {
  const batches: Observation[][] = [];
  for (let start = 0; start < count; start += batchSize) {
    const batch: Observation[] = [];
    for (let i = start; i < Math.min(count, start + batchSize); i++) {
      // every 20th row from the second batch on repeats the value of a row about a batch earlier, a newer report of it
      const n = i % 20 === 19 && i >= batchSize ? i - batchSize + 1 : i;
      const url = n % 2 === 0;
      batch.push({
        type: url ? 'url' : 'ip-port',
        value: url ? `http://h${n}.example.com/gate\\${n}.php` : `${ip(n)}:${1024 + (n % 5000)}`,
        firstSeen: T0 + n * 1000,
        lastSeen: T0 + i * 1000,
        tags: n % 3 === 0 ? ['c2', 'exe'] : [],
        raw: `"${i}"\t"row with a tab"`,
        line: i + 1,
        threatType: 'c2',
        malware: n % 7 === 0 ? 'win.remcos' : 'win.asyncrat',
        confidence: 50 + (i % 50),
        reference: i % 4 === 0 ? `https://threatfox.abuse.ch/ioc/${i}/` : undefined,
      });
    }
    batches.push(batch);
  }
  return batches;
}

async function load(store: Store, source: string, batches: Observation[][], extra: Partial<ImportMeta> = {}) {
  const session = await store.beginImport(meta(source, extra));
  let read = 0;
  for (const batch of batches) {
    await session.add(batch);
    read += batch.length;
  }
  return session.commit({ read, accepted: read, rejected: 0 });
}

describe('postgres imports', () => {
  it('two handles importing one source at once take turns, and count against what the first committed', async () => {
    const url = await freshDatabase();
    const [one, two] = [await PostgresStore.open(url), await PostgresStore.open(url)];
    const first = await one.beginImport(meta('feed'));
    await first.add([obs('192.0.2.1'), obs('192.0.2.2')]);
    let secondBegun = false;
    const second = two.beginImport(meta('feed')).then((session) => {
      secondBegun = true;
      return session;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(secondBegun, false, 'the second import waits for the first');
    const counts = await first.commit({ read: 2, accepted: 2, rejected: 0 });
    assert.deepEqual(counts, { new: 2, updated: 0, unchanged: 0, delisted: 0, objects: 0 });
    const session = await second;
    await session.add([obs('192.0.2.2'), obs('192.0.2.3'), obs('192.0.2.1', { lastSeen: T0 + DAY })]);
    assert.deepEqual(await session.commit({ read: 3, accepted: 3, rejected: 0 }), { new: 1, updated: 1, unchanged: 1, delisted: 0, objects: 0 });
    assert.equal((await one.stats()).indicators, 3);
    assert.equal((await two.stats()).observations, 3);
    assert.deepEqual((await one.listImports(10)).map((record) => record.status), ['committed', 'committed']);
    await Promise.all([one.close(), two.close()]);
  });

  it('imports of two sources at once create each shared value once', async () => {
    const url = await freshDatabase();
    const [one, two] = [await PostgresStore.open(url), await PostgresStore.open(url)];
    const values = Array.from({ length: 500 }, (_, i) => obs(ip(i)));
    const [a, b] = await Promise.all([one.beginImport(meta('a')), two.beginImport(meta('b'))]);
    await Promise.all([a.add(values), b.add(values)]);
    const [countsA, countsB] = await Promise.all([a.commit({ read: 500, accepted: 500, rejected: 0 }), b.commit({ read: 500, accepted: 500, rejected: 0 })]);
    assert.equal(countsA.new + countsB.new, 500, 'each value is new to one import only');
    assert.equal(countsA.updated + countsB.updated, 500, 'and the other adds its observation');
    const stats = await one.stats();
    assert.equal(stats.indicators, 500);
    assert.equal(stats.observations, 1000);
    await Promise.all([one.close(), two.close()]);
  });

  it('an import that fails on the server leaves every table as it was, whether rolled back or committed', async () => {
    const store = await PostgresStore.open(await freshDatabase());
    await load(store, 'feed', generated(2_000, 500), { fullDump: { expireAfterMs: DAY } });
    const before = await snapshot(store);
    for (const end of ['rollback', 'commit'] as const) {
      const session = await store.beginImport(meta('feed', { fullDump: {}, distribution: 1 }));
      await session.add([obs('192.0.2.50'), obs('10.0.0.1', { lastSeen: T0 + 5 * DAY })]);
      await session.addObjects([{ object: { type: 'malware', id: 'malware--7c3c5a4e-6f5c-4f8e-9c1e-1f6a3a1c2b3d', name: 'X', is_family: true }, line: 1 }]);
      // a NUL cannot be stored in PostgreSQL text: the COPY fails half-way through the import. Batches are
      // copied a few megabytes at a time, and a COPY runs while the next batches are made, so its failure is
      // told by a later add or, at the latest, by the commit
      await session.add([obs('192.0.2.51'), obs('bad\u0000value', { type: 'domain' })]);
      if (end === 'rollback') {
        await session.add([obs('192.0.2.53')]).catch(() => {});
        await session.rollback();
      } else {
        await assert.rejects(
          session.add([obs('192.0.2.53')]).then(() => session.commit({ read: 4, accepted: 4, rejected: 0 })),
          /0x00|invalid byte sequence/,
        );
      }
      assert.deepEqual(await snapshot(store), before, `after ${end}`);
    }
    // the store still takes imports
    assert.equal((await load(store, 'feed', [[obs('192.0.2.52')]])).new, 1);
    await store.close();
  });

  it('a 50,000-row import in many batches lands whole, with the counts the SQLite store gives', async () => {
    const batches = generated(50_000, 8_000);
    const directory = mkdtempSync(join(tmpdir(), 'tix-store-'));
    directories.push(directory);
    const stores: Store[] = [await PostgresStore.open(await freshDatabase()), SqliteStore.open(directory)];
    const results = [];
    for (const store of stores) {
      const first = await load(store, 'threatfox', batches, { fullDump: { expireAfterMs: 30 * DAY } });
      // the same feed a day later: a fifth of it gone, the rest seen again
      const later = batches.map((batch) => batch.filter((_, i) => i % 5 !== 0).map((o) => ({ ...o, lastSeen: o.lastSeen + DAY })));
      const second = await load(store, 'threatfox', later, { fullDump: { expireAfterMs: 30 * DAY } });
      // and once more, unchanged: nothing to write, nothing delisted
      const third = await load(store, 'threatfox', later, { fullDump: { expireAfterMs: 30 * DAY } });
      const stats = await store.stats();
      const sample = await store.get('url', 'http://h2.example.com/gate\\2.php', T0 + 11 * DAY);
      results.push({ first, second, third, indicators: stats.indicators, observations: stats.observations, sample: sample?.observations[0] });
      await store.close();
    }
    const [postgres, sqlite] = results;
    // 2,100 rows repeat a value; 5 of them within their own batch, where they are merged before the store sees them
    assert.equal(postgres!.first.new, 47_900, 'every distinct value');
    assert.equal(postgres!.first.new + postgres!.first.updated + postgres!.first.unchanged, 49_995, 'every row the store was given');
    assert.equal(postgres!.indicators, 47_900);
    assert.ok(postgres!.second.delisted > 0);
    assert.deepEqual({ ...postgres!.third, unchanged: 0 }, { new: 0, updated: 0, unchanged: 0, delisted: 0, objects: 0 });
    assert.ok(postgres!.third.unchanged > 39_000);
    assert.deepEqual(postgres, sqlite);
  });

  it('a first load into an empty store goes straight into the tables, and leaves every index and the id sequence as a staged load does', async () => {
    const store = await PostgresStore.open(await freshDatabase());
    const indexes = () => store.db.all("SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('indicators', 'observations') ORDER BY indexname");
    const before = await indexes();
    const cidrs = [obs('198.51.100.0/24', { type: 'cidr' }), obs('2001:db8::/32', { type: 'cidr' }), obs('203.0.113.0/24', { type: 'cidr' })];
    const batches = [...generated(3_000, 1_000), cidrs];
    const distinct = new Set(batches.flat().map((o) => `${o.type} ${o.value}`)).size;
    const counts = await load(store, 'feed', batches);
    assert.equal(counts.new, distinct);
    assert.ok(counts.updated > 0, 'values repeated across batches merge into the rows written straight');
    assert.deepEqual(await indexes(), before);
    assert.deepEqual(await store.db.all('SELECT family, prefix FROM cidr_prefixes ORDER BY family, prefix'), [
      { family: 4, prefix: 24 },
      { family: 6, prefix: 32 },
    ]);
    const containing = await store.search({ containing: '198.51.100.7', limit: 10, now: T0 + 11 * DAY });
    assert.deepEqual(containing.items.map((item) => item.value), ['198.51.100.0/24'], 'found through its prefix');
    // ids are the rows' positions; the sequence goes on past them
    const ids = await store.db.get<{ low: number; high: number; n: number }>('SELECT min(id) AS low, max(id) AS high, count(*) AS n FROM indicators');
    assert.equal(ids?.n, distinct);
    assert.equal((await load(store, 'other', [[obs('192.0.2.200')]])).new, 1);
    const next = await store.db.get<{ id: number }>("SELECT id FROM indicators WHERE value = '192.0.2.200'");
    assert.ok(next!.id > ids!.high);
    // a value of the first load is found by its hash index, with its observation
    const found = await store.get('url', 'http://h2.example.com/gate\\2.php', T0 + 11 * DAY);
    assert.equal(found?.observations[0]?.source, 'feed');
    await store.close();
  });

  it('a large load leaves the planner statistics of the columns searched, and none of the input lines', async () => {
    const store = await PostgresStore.open(await freshDatabase());
    await load(store, 'feed', generated(60_000, 20_000));
    const analysed = await store.db.all<{ name: string }>("SELECT attname AS name FROM pg_stats WHERE tablename = 'observations' ORDER BY attname");
    const names = analysed.map(({ name }) => name);
    for (const searched of ['indicator_id', 'source_id', 'malware', 'threat_type', 'last_seen']) assert.ok(names.includes(searched), `${searched} in ${names}`);
    assert.ok(!names.includes('raw'), 'the input line is not sampled');
    await store.close();
  });

  // last: the imports above are its cases (a warning is given once per process)
  it("issues one query at a time on an import's client, COPYs included", () => {
    assert.deepEqual(warnings, []);
  });
});
