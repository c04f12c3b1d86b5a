/**
 * TAXII 2.1 conformance, reading a collection: objects (§5.4), manifest
 * (§5.3), object (§5.6), versions (§5.8), their filters (§3.4), sorting
 * (§3.3), date headers (§3.2) and pagination (§3.5).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  assertError,
  DAY,
  EVERYTHING,
  HVI,
  HVI_VERSIONS,
  MICROS,
  objectsOf,
  openWorld,
  STIX,
  T,
  taxiiDate,
  uuid,
  type Json,
  type Reply,
  type World,
} from '../fixtures/taxii/world.ts';

const OBJECTS = `/taxii2/api/collections/${EVERYTHING}/objects/`;
const MANIFEST = `/taxii2/api/collections/${EVERYTHING}/manifest/`;
const key = (object: Json): string => `${object.id as string}@${String(object.modified ?? '')}`;

describe('TAXII 2.1 conformance: objects, manifest, object, versions', () => {
  let w: World;
  before(async () => {
    w = await openWorld();
  });
  after(async () => w?.close());

  it('§5.4/§3.3 objects: the latest version of each, oldest date_added first; §3.2 date headers in microseconds equal the page’s first and last date_added', async () => {
    const reply = await w.get(`${OBJECTS}?limit=1000`);
    assert.equal(reply.status, 200);
    assert.equal(reply.body.more, false);
    assert.equal(reply.body.next, undefined);
    const objects = objectsOf(reply);
    assert.deepEqual(objects.filter((object) => object.id === HVI).map((object) => object.modified), [HVI_VERSIONS[2]], '§3.4.2 match[version]=last is the default');
    assert.equal(reply.headers.get('x-taxii-date-added-first'), taxiiDate(T.medallion));
    assert.equal(reply.headers.get('x-taxii-date-added-last'), taxiiDate(T.bulk), 'the police is not cleared for the later, vendor-only additions');
    const manifest = await w.get(`${MANIFEST}?limit=1000`);
    const records = manifest.body.objects as Json[];
    assert.deepEqual(records.map((record) => record.id), objects.map((object) => object.id), 'the manifest lists what objects returns');
    const dates = records.map((record) => record.date_added as string);
    assert.deepEqual([...dates].sort(), dates, '§3.3 ascending by date_added');
    assert.ok(dates.every((date) => MICROS.test(date)), '§2 TAXII timestamps have microseconds');
    assert.equal(manifest.headers.get('x-taxii-date-added-first'), dates[0]);
    assert.equal(manifest.headers.get('x-taxii-date-added-last'), dates.at(-1));
  });

  it('§5.3.1 manifest records: id, date_added (when tix received the version, not its modified), version, media_type', async () => {
    const reply = await w.get(`${MANIFEST}?match[id]=${HVI}&match[version]=all`);
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body.objects, HVI_VERSIONS.map((version) => ({ id: HVI, date_added: taxiiDate(T.medallion), version, media_type: STIX })));
    // an unversioned object (a marking definition) is versioned by its created
    const marking = await w.get(`${MANIFEST}?match[type]=marking-definition`);
    assert.equal((marking.body.objects as Json[])[0]!.version, '2017-01-20T00:00:00.000Z');
  });

  it('§3.4.2 match[version]: last, first, all, exact timestamps (any precision) and combinations; all with anything else is 400', async () => {
    const versions = async (value: string, path = `${OBJECTS}?match[id]=${HVI}&`): Promise<string[]> => {
      const reply = await w.get(`${path}match[version]=${value}`);
      assert.equal(reply.status, 200, value);
      return objectsOf(reply).map((object) => (object.modified ?? object.version) as string);
    };
    assert.deepEqual(await versions('last'), [HVI_VERSIONS[2]]);
    assert.deepEqual(await versions('first'), [HVI_VERSIONS[0]]);
    assert.deepEqual(await versions('all'), HVI_VERSIONS);
    assert.deepEqual(await versions(HVI_VERSIONS[1]!), [HVI_VERSIONS[1]]);
    assert.deepEqual(await versions('2016-12-25T12:30:59.444000Z'), [HVI_VERSIONS[1]], 'the same instant at microsecond precision');
    assert.deepEqual(await versions(`first,${HVI_VERSIONS[1]}`), HVI_VERSIONS.slice(0, 2));
    assert.deepEqual(await versions('first,last'), [HVI_VERSIONS[0], HVI_VERSIONS[2]]);
    assert.deepEqual(await versions('2000-01-01T00:00:00Z'), []);
    assert.deepEqual(await versions('first', `${MANIFEST}?match[id]=${HVI}&`), [HVI_VERSIONS[0]], 'the manifest takes match[version] too');
    for (const bad of ['all,last', 'all,all', 'latest', '2016-12-25', 'first,,last', '2016-02-30T00:00:00Z']) assertError(await w.get(`${OBJECTS}?match[version]=${bad}`), 400);
  });

  it('§3.4 match[id], match[type], match[spec_version]: values OR, fields AND; a valid absent type is an empty 200 (§3.7 no empty list)', async () => {
    const ids = (reply: Reply): string[] => objectsOf(reply).map((object) => object.id as string);
    const two = `indicator--${uuid(100)},indicator--${uuid(101)}`;
    assert.deepEqual(ids(await w.get(`${OBJECTS}?match[id]=${two}`)), two.split(','));
    assert.deepEqual(ids(await w.get(`${OBJECTS}?match[id]=${two}&match[type]=malware`)), []);
    const types = objectsOf(await w.get(`${OBJECTS}?match[type]=malware,relationship&limit=1000`)).map((object) => object.type);
    assert.deepEqual([...new Set(types)].sort(), ['malware', 'relationship']);
    assert.equal(objectsOf(await w.get(`${OBJECTS}?match[spec_version]=2.1&limit=1000`)).length, objectsOf(await w.get(`${OBJECTS}?limit=1000`)).length);
    assert.deepEqual((await w.get(`${OBJECTS}?match[spec_version]=2.0`)).body, { more: false }, 'STIX 2.0 objects are held upgraded to 2.1');
    const empty = await w.get(`${OBJECTS}?match[type]=grouping`);
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.body, { more: false });
    assert.match(empty.headers.get('x-taxii-date-added-first') ?? '', MICROS, '§3.2 the date headers are on every 200, an empty one too');
    assert.match(empty.headers.get('x-taxii-date-added-last') ?? '', MICROS);
    assert.equal((await w.get(`${OBJECTS}?match[foo]=bar&limit=1`)).status, 200, 'an unknown match field MAY be ignored');
    assert.equal((await w.get(`/taxii2/api/collections/${EVERYTHING}/objects/${HVI}/?match[type]=campaign`)).status, 200, 'a filter an endpoint does not take is ignored');
  });

  it('§3.5 paging with next: every object exactly once, in order, across date_added ties, for any limit; a token is stateless and bound to its query', async () => {
    const expected = objectsOf(await w.get(`${OBJECTS}?match[version]=all&limit=1000`, w.keys.ISP)).map(key);
    assert.ok(expected.length > 30);
    for (const limit of [1, 4, 7, 30]) {
      const pages = await w.walk(`${OBJECTS}?match[version]=all`, w.keys.ISP, limit);
      const seen = pages.flatMap((page) => objectsOf(page).map(key));
      assert.equal(new Set(seen).size, seen.length, `no duplicates at limit ${limit}`);
      assert.deepEqual(seen, expected, `no gaps at limit ${limit}`);
      for (const page of pages) {
        const objects = objectsOf(page);
        assert.match(page.headers.get('x-taxii-date-added-first') ?? '', MICROS);
        if (!objects.length) continue;
        const dates = (await w.get(`${MANIFEST}?match[version]=all&match[id]=${[...new Set(objects.map((object) => object.id as string))].join(',')}&limit=1000`, w.keys.ISP)).body.objects as Json[];
        const added = new Set(dates.map((record) => record.date_added));
        assert.ok(added.has(page.headers.get('x-taxii-date-added-first')) && added.has(page.headers.get('x-taxii-date-added-last')));
      }
    }
    const manifest = await w.walk(`${MANIFEST}?match[version]=all`, w.keys.ISP, 5);
    assert.equal(manifest.flatMap((page) => (page.body.objects as Json[] | undefined) ?? []).length, expected.length, 'the manifest pages the same way');
    // the same token later, from a fresh request: it resumes exactly after the page it came from
    const first = await w.get(`${OBJECTS}?match[version]=all&limit=2`, w.keys.ISP);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await w.get(`${OBJECTS}?match[version]=all&limit=2&next=${first.body.next as string}`, w.keys.ISP);
    assert.deepEqual(objectsOf(again).map(key), expected.slice(2, 4));
    // bound to its query: other filters, another endpoint or another collection refuse it
    assertError(await w.get(`${OBJECTS}?match[version]=last&limit=2&next=${first.body.next as string}`, w.keys.ISP), 400);
    assertError(await w.get(`${MANIFEST}?match[version]=all&limit=2&next=${first.body.next as string}`, w.keys.ISP), 400);
    // a limit above the server's page size is lowered to it
    const capped = await w.get(`${OBJECTS}?limit=999999999`);
    assert.equal(capped.status, 200);
    assert.ok(objectsOf(capped).length <= 1000);
  });

  it('§3.5 a next token holds on every server of the store (its key is a secret of the store) and on no server of another store', async () => {
    const first = await w.get(`${OBJECTS}?limit=3`);
    const next = first.body.next as string;
    assert.equal(typeof next, 'string');
    const path = `${OBJECTS}?limit=3&next=${encodeURIComponent(next)}`;
    const here = await w.get(path);
    const elsewhere = await w.request(path, w.keys.Police, { base: w.anonymousBase });
    assert.equal(elsewhere.status, 200, JSON.stringify(elsewhere.body));
    assert.deepEqual(objectsOf(elsewhere).map(key), objectsOf(here).map(key));
    const other = await openWorld();
    try {
      assertError(await other.get(path), 400);
    } finally {
      await other.close();
    }
  });

  it('§3.5 paging with added_after = X-TAXII-Date-Added-Last: pages end between additions, so nothing is skipped; added_after is strict and about date_added', async () => {
    const path = `${OBJECTS}?match[version]=all&match[type]=indicator,malware,campaign`;
    const all = objectsOf(await w.get(`${path}&limit=1000`)).map(key);
    const seen: string[] = [];
    let addedAfter: string | undefined;
    // limit 30 would split the 23 objects added together at T.bulk: the page ends before them instead
    for (let guard = 0; guard < 20; guard++) {
      const page = await w.get(`${path}&limit=30${addedAfter ? `&added_after=${addedAfter}` : ''}`);
      assert.equal(page.status, 200);
      seen.push(...objectsOf(page).map(key));
      if (!page.body.more) break;
      addedAfter = page.headers.get('x-taxii-date-added-last')!;
    }
    assert.deepEqual(seen, all);
    const afterMedallion = objectsOf(await w.get(`${OBJECTS}?limit=1000&added_after=${taxiiDate(T.medallion)}`));
    assert.ok(afterMedallion.length > 0 && afterMedallion.every((object) => object.id !== HVI));
    assert.ok(objectsOf(await w.get(`${OBJECTS}?limit=1000&added_after=${taxiiDate(T.medallion - 1)}`)).some((object) => object.id === HVI));
    assert.ok(objectsOf(await w.get(`${OBJECTS}?limit=1000&added_after=${taxiiDate(T.medallion).replace('123000Z', '122999Z')}`)).some((object) => object.id === HVI), 'microseconds count');
    const empty = await w.get(`${OBJECTS}?added_after=${taxiiDate(T.pastOperation + DAY)}`);
    assert.deepEqual(empty.body, { more: false });
    assert.equal(empty.headers.get('x-taxii-date-added-last'), taxiiDate(T.pastOperation + DAY), 'an empty page resumes where it was asked to');
  });

  it('§5.6 object by id: the latest version by default, match[version], paged with next, date headers; an unknown id is 404', async () => {
    const path = `/taxii2/api/collections/${EVERYTHING}/objects/${HVI}/`;
    const latest = await w.get(path);
    assert.equal(latest.status, 200);
    assert.deepEqual(objectsOf(latest).map((object) => object.modified), [HVI_VERSIONS[2]]);
    assert.equal(latest.headers.get('x-taxii-date-added-first'), taxiiDate(T.medallion));
    assert.equal(latest.headers.get('x-taxii-date-added-last'), taxiiDate(T.medallion));
    assert.deepEqual(objectsOf(await w.get(`${path}?match[version]=first`)).map((object) => object.modified), [HVI_VERSIONS[0]]);
    assert.deepEqual(objectsOf(await w.get(`${path}?match[spec_version]=2.1`)).map((object) => object.modified), [HVI_VERSIONS[2]]);
    const pages = await w.walk(`${path}?match[version]=all`, w.keys.Police, 1);
    assert.deepEqual(pages.flatMap((page) => objectsOf(page).map((object) => object.modified)), HVI_VERSIONS);
    assertError(await w.get(`${path}?match[version]=2000-01-01T00:00:00Z`), 404);
    assertError(await w.get(`/taxii2/api/collections/${EVERYTHING}/objects/indicator--${uuid(9999)}/`), 404);
    // medallion's malware came in STIX 2.0 and 2.1: both versions are held, as 2.1
    const malware = objectsOf(await w.get(`${OBJECTS}?match[type]=malware&match[version]=all&limit=100`)).filter((object) => !(object.id as string).startsWith('malware--0d0d'));
    assert.equal(malware.length, 2);
    assert.ok(malware.every((object) => object.spec_version === '2.1'));
  });

  it('§5.8 versions: every version’s modified, oldest date_added first, with date headers; match[spec_version]; paged; 404 for unknown objects', async () => {
    const path = `/taxii2/api/collections/${EVERYTHING}/objects/${HVI}/versions/`;
    const reply = await w.get(path);
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { more: false, versions: HVI_VERSIONS });
    assert.equal(reply.headers.get('x-taxii-date-added-first'), taxiiDate(T.medallion));
    assert.equal(reply.headers.get('x-taxii-date-added-last'), taxiiDate(T.medallion));
    const pages = await w.walk(path, w.keys.Police, 2);
    assert.deepEqual(pages.flatMap((page) => (page.body.versions as string[] | undefined) ?? []), HVI_VERSIONS);
    assert.deepEqual((await w.get(`${path}?match[spec_version]=2.1`)).body.versions, HVI_VERSIONS);
    assertError(await w.get(`${path}?match[spec_version]=2.0`), 404);
    assert.deepEqual((await w.get(`${path}?match[version]=first`)).body.versions, HVI_VERSIONS, 'versions takes no match[version]: it is ignored');
    assertError(await w.get(`/taxii2/api/collections/${EVERYTHING}/objects/indicator--${uuid(9999)}/versions/`), 404);
  });
});
