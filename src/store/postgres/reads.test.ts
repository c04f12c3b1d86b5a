import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Observation, Tlp } from '../../model/index.ts';
import type { Clearance } from '../../policy/index.ts';
import { freshDatabase, freshPostgresStore, reopenStore } from '../../../test/helpers/stores.ts';
import { SqliteStore } from '../sqlite/store.ts';
import type { IndicatorQuery, ObjectPage, ObjectQuery, Store } from '../store.ts';
import { Db } from './db.ts';
import { migrate } from './migrations.ts';
import { postgresReads, type ReadsPart } from './reads.ts';

/**
 * The same rows in both backends (written by the SQLite import, copied
 * table by table), then every read asked of both: the answers must be equal,
 * down to the order of items and the paging cursors.
 */
const T0 = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;
const NOW = T0 + 40 * DAY;
const TABLES = ['organisations', 'agreements', 'agreement_members', 'distributions', 'sources', 'imports', 'indicators', 'cidr_prefixes', 'observations', 'stix_objects', 'indicator_locations'];

const directory = mkdtempSync(join(tmpdir(), 'tix-reads-'));
let sqlite: SqliteStore;
let db: Db;
let pg: ReadsPart;
let distributions: number[] = [];
let agreementId = 0;

function observation(i: number, source: number): Observation {
  const kinds = [
    { type: 'ipv4', value: `198.51.${i % 7}.${i % 250}` },
    { type: 'cidr', value: `10.${i % 5}.0.0/16` },
    { type: 'domain', value: `${['a', 'b', 'c'][i % 3]}${i}.example.${i % 2 ? 'com' : 'net'}` },
    { type: 'url', value: `http://h${i % 11}.example.com/p/${i}` },
  ] as const;
  const kind = kinds[i % kinds.length]!;
  const tlps: Tlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];
  return {
    ...kind,
    firstSeen: T0 + (i % 9) * DAY + source,
    lastSeen: T0 + (i % 13) * DAY + 3 * source,
    tags: i % 4 === 0 ? ['phishing', `Tag${i % 3}`] : [],
    raw: `${kind.value} line ${i}`,
    line: i + 1,
    ...(i % 3 === 0 ? { confidence: (i * 7) % 100 } : {}),
    ...(i % 5 === 1 ? { threatType: 'c2' as const } : i % 5 === 2 ? { threatType: 'phishing' as const } : {}),
    ...(i % 6 === 1 ? { malware: i % 12 === 1 ? 'Pikabot' : 'pikabot' } : i % 6 === 2 ? { malware: 'Emotet' } : {}),
    ...(i % 10 === 3 ? { validUntil: T0 + (i % 2 ? 60 : 5) * DAY } : {}),
    tlp: tlps[(i + source) % tlps.length]!,
  } as Observation;
}

async function load(store: Store, source: string, count: number, distribution: number, seed: number): Promise<void> {
  const session = await store.beginImport({ source, origin: `${source}.txt`, format: 'plain-list', startedAt: T0 + seed * DAY, tlp: 'green', distribution });
  await session.add(Array.from({ length: count }, (_, i) => observation(i * seed, seed)));
  const objects = Array.from({ length: 30 }, (_, i) => ({
    object: {
      type: i % 3 ? 'indicator' : 'malware',
      spec_version: '2.1',
      id: `${i % 3 ? 'indicator' : 'malware'}--00000000-0000-4000-8000-${String(i % 12).padStart(12, '0')}`,
      created: '2024-01-01T00:00:00.000Z',
      modified: `2024-01-${String(1 + ((i * seed) % 20)).padStart(2, '0')}T00:00:00.000Z`,
      name: `${source} ${i}`,
    },
    line: i + 1,
    ...(i % 4 === 0 ? { tlp: 'amber' as const } : i % 4 === 1 ? { tlp: 'red' as const } : {}),
  }));
  for (let i = 0; i < objects.length; i += 7) await session.addObjects(objects.slice(i, i + 7));
  await session.commit({ read: count, accepted: count, rejected: 0 });
}

/** Every table the reads touch, copied row by row with its ids. */
async function copy(file: string, target: Db): Promise<void> {
  const source = new Database(file, { readonly: true });
  try {
    for (const table of TABLES) {
      const rows = source.prepare(`SELECT * FROM ${table}`).all() as Array<Record<string, unknown>>;
      for (const row of rows) {
        const columns = Object.keys(row);
        await target.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`, Object.values(row));
      }
    }
  } finally {
    source.close();
  }
}

const clearances = (): Array<[string, Clearance | undefined]> => [
  ['operator', undefined],
  ['anonymous', { clear: true, green: false, own: [], amber: [], strict: [], red: [] }],
  ['member', { clear: true, green: true, own: [], amber: [], strict: [], red: [] }],
  ['partner', { clear: true, green: true, own: [], amber: [distributions[1]!], strict: [distributions[1]!], red: [] }],
  ['owner', { clear: true, green: true, own: [distributions[0]!], amber: [distributions[1]!], strict: [], red: [distributions[1]!] }],
  ['nobody', { clear: false, green: false, own: [], amber: [], strict: [], red: [] }],
];

/** A page's records as plain data: the parsed object, the JSON as stored, and the rest. */
const plain = (page: ObjectPage) => ({ next: page.next, items: page.items.map((item) => ({ object: item.object, addedAt: item.addedAt, source: item.source, tlp: item.tlp, json: item.json })) });

before(async () => {
  sqlite = SqliteStore.open(directory);
  const vendor = await sqlite.createOrganisation({ name: 'Vendor', kind: 'vendor', createdAt: 0 });
  const police = await sqlite.createOrganisation({ name: 'Police', kind: 'national-police', createdAt: 0 });
  const agreement = await sqlite.createAgreement({ name: 'op', members: [vendor.id, police.id], countries: ['NG'], purpose: 'p', startsAt: 0, maxTlp: 'red', mayShareOnward: false }, 0);
  agreementId = agreement.id;
  distributions = [
    (await sqlite.distribution({ owner: vendor.id, agreements: [], recipientOrgs: [], recipientUsers: [] })).id,
    (await sqlite.distribution({ owner: police.id, agreements: [agreement.id], recipientOrgs: [], recipientUsers: [] })).id,
  ];
  await load(sqlite, 'alpha', 400, distributions[0]!, 1);
  await load(sqlite, 'beta', 300, distributions[1]!, 2);
  await load(sqlite, 'Gamma', 200, 1, 3);
  await load(sqlite, 'alpha', 150, distributions[0]!, 5);
  await sqlite.revoke({ type: 'ipv4', value: '198.51.0.0', source: 'alpha', at: T0 + 30 * DAY, reason: 'wrong' });
  const raw = new Database(join(directory, 'tix.db'));
  raw.exec(`INSERT INTO indicator_locations (indicator_id, country, asn) SELECT id, CASE id % 3 WHEN 0 THEN 'NG' WHEN 1 THEN 'KE' ELSE NULL END, id % 5 FROM indicators WHERE type = 'ipv4'`);
  raw.close();
  db = Db.connect(await freshDatabase(), 4);
  await migrate(db);
  await copy(join(directory, 'tix.db'), db);
  pg = postgresReads(db);
});

after(async () => {
  await sqlite?.close();
  await db?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('postgres reads: the same answers as SQLite over the same rows', () => {
  it('searches and counts: every filter, under every clearance, page by page', async () => {
    const queries: Array<Omit<IndicatorQuery, 'limit' | 'now' | 'clearance'>> = [
      {},
      { includeInactive: true },
      { types: ['ipv4', 'cidr'] },
      { values: [{ type: 'ipv4', value: '198.51.2.2' }, { type: 'domain', value: 'c2.example.net' }] },
      { values: [] },
      { within: '198.51.0.0/16' },
      { containing: '10.3.4.5' },
      { under: 'example.com' },
      { source: 'beta' },
      { malware: 'PIKABOT' },
      { threatType: 'c2' },
      { tag: 'tag1' },
      { tag: 'phishing', minConfidence: 30 },
      { maxTlp: 'green' },
      { seenSince: T0 + 6 * DAY },
      { reliability: ['A'], maxAccuracy: 2, maxPap: 'green' },
      { source: 'alpha', malware: 'emotet', includeInactive: true },
    ];
    let compared = 0;
    for (const [who, clearance] of clearances()) {
      for (const query of queries) {
        const base = { ...query, now: NOW, ...(clearance ? { clearance } : {}) };
        assert.equal(await pg.count(base), await sqlite.count(base), `${who} count ${JSON.stringify(query)}`);
        let next: string | undefined;
        do {
          const asked = { ...base, limit: 37, ...(next ? { after: next } : {}) };
          const [mine, theirs] = [await pg.search(asked), await sqlite.search(asked)];
          assert.deepEqual(mine, theirs, `${who} search ${JSON.stringify(asked)}`);
          compared += mine.items.length;
          next = mine.next;
        } while (next);
      }
    }
    assert.ok(compared > 1000, `compared ${compared} values`);
  });

  it('looks up one value with every source the reader may see, and the objects it came from', async () => {
    const values = (await sqlite.search({ now: NOW, includeInactive: true, limit: 2000 })).items;
    assert.ok(values.length > 300);
    for (const [who, clearance] of clearances()) {
      for (const { type, value } of values.filter((_, i) => i % 7 === 0)) {
        assert.deepEqual(await pg.get(type, value, NOW, clearance), await sqlite.get(type, value, NOW, clearance), `${who} get ${value}`);
        assert.deepEqual(await pg.objectIdsOf(type, value, clearance), await sqlite.objectIdsOf(type, value, clearance), `${who} objects of ${value}`);
      }
      assert.equal(await pg.get('ipv4', '203.0.113.254', NOW, clearance), undefined);
    }
  });

  it('counts by country, overview and sources alike', async () => {
    for (const [who, clearance] of clearances()) {
      assert.deepEqual(await pg.countByCountry(clearance), await sqlite.countByCountry(clearance), `${who} countries`);
      assert.deepEqual(await pg.overview(clearance), await sqlite.overview(clearance), `${who} overview`);
      assert.deepEqual(await pg.listSources(clearance), await sqlite.listSources(clearance), `${who} sources`);
    }
  });

  it('pages exchange objects with the same records and cursors, and the same versions', async () => {
    const queries: Array<Omit<ObjectQuery, 'limit' | 'clearance'>> = [
      {},
      { versions: 'all' },
      { versions: 'first' },
      { versions: ['first', 'last', '2024-01-05T00:00:00Z'] },
      { types: ['malware'], versions: 'all' },
      { ids: ['indicator--00000000-0000-4000-8000-000000000004', 'malware--00000000-0000-4000-8000-000000000003'], versions: 'all' },
      { sources: ['beta', 'Gamma'] },
      { sources: [] },
      { agreement: -1 },
      { maxTlp: 'amber', specVersions: ['2.1'] },
      { addedAfter: T0 + 1.5 * DAY, addedBefore: T0 + 4 * DAY, versions: 'all' },
      { wholeAdditions: true, versions: 'all' },
    ];
    queries.push({ agreement: agreementId, versions: 'all' });
    for (const [who, clearance] of clearances()) {
      for (const query of queries) {
        let next: string | undefined;
        do {
          const asked = { ...query, limit: 9, ...(clearance ? { clearance } : {}), ...(next ? { after: next } : {}) };
          const [mine, theirs] = [await pg.listObjects(asked), await sqlite.listObjects(asked)];
          assert.deepEqual(plain(mine), plain(theirs), `${who} objects ${JSON.stringify(asked)}`);
          next = mine.next;
        } while (next);
      }
      for (const id of ['indicator--00000000-0000-4000-8000-000000000001', 'malware--00000000-0000-4000-8000-000000000000', 'malware--none']) {
        assert.deepEqual(await pg.objectVersions(id, clearance), await sqlite.objectVersions(id, clearance), `${who} versions of ${id}`);
      }
    }
    await assert.rejects(pg.listObjects({ limit: 5, after: 'bm90aGluZw' }), /not a cursor/);
    // a cursor naming an object this reader may not see names nothing, for this reader, on both
    const nobody = clearances().find(([who]) => who === 'nobody')![1];
    const { next } = await sqlite.listObjects({ limit: 5 });
    await assert.rejects(sqlite.listObjects({ limit: 5, after: next!, clearance: nobody! }), /not a cursor/);
    await assert.rejects(pg.listObjects({ limit: 5, after: next!, clearance: nobody! }), /not a cursor/);
  });
});

describe('postgres reads: one store, two server processes', () => {
  it('the overview counts what another handle imported since it last counted, each value once', async () => {
    const writer = await freshPostgresStore();
    const reader = await reopenStore(writer);
    try {
      const importOne = async (source: string, values: string[], tlp: Tlp): Promise<void> => {
        const session = await writer.beginImport({ source, origin: `${source}.txt`, format: 'plain-list', startedAt: T0, tlp });
        await session.add(values.map((value, i) => ({ type: 'ipv4', value, firstSeen: T0, lastSeen: T0, tags: [], raw: value, line: i + 1, threatType: 'c2' }) as Observation));
        await session.commit({ read: values.length, accepted: values.length, rejected: 0 });
      };
      assert.equal((await reader.overview()).indicators, 0);
      await importOne('a', ['192.0.2.1', '192.0.2.2'], 'clear');
      assert.deepEqual((await reader.overview()).bySource, [{ source: 'a', observations: 2 }]);
      await importOne('b', ['192.0.2.2', '192.0.2.3'], 'amber');
      const all = await reader.overview();
      assert.equal(all.indicators, 3);
      assert.deepEqual(all.byTlp, { clear: 2, amber: 2 });
      assert.deepEqual(all.bySource, [{ source: 'a', observations: 2 }, { source: 'b', observations: 2 }]);
      const anonymous = await reader.overview({ clear: true, green: false, own: [], amber: [], strict: [], red: [] });
      assert.deepEqual([anonymous.indicators, anonymous.byTlp, anonymous.byThreatType], [2, { clear: 2 }, { c2: 2 }]);
    } finally {
      await reader.close();
      await writer.close();
    }
  });
});
