/**
 * TAXII under tix's sharing rules: an organisation sees only what it is
 * cleared for, through every TAXII path (objects, object, versions,
 * manifest), and nothing of the rest leaks through `more`, `next`, the date
 * headers or counts; agreement collections; anonymous TLP:CLEAR reading;
 * the audit log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ANON,
  assertError,
  CAMPAIGN,
  EVERYTHING,
  HVI,
  INBOX,
  medallionObjects,
  objectsOf,
  openWorld,
  PAST_OP,
  SPLIT,
  T,
  taxiiDate,
  uuid,
  type Json,
  type Reply,
  type World,
} from '../fixtures/taxii/world.ts';

describe('TAXII 2.1 under the sharing rules', () => {
  let w: World;
  before(async () => {
    w = await openWorld();
  });
  after(async () => w?.close());

  /** Every reply a caller gets when it tries every read path for these ids, and walks every listing of these collections. */
  const probe = async (key: string, collections: string[], ids: string[]): Promise<Reply[]> => {
    const replies: Reply[] = [];
    for (const collection of collections) {
      for (const endpoint of ['objects', 'manifest']) {
        for (const query of ['match[version]=all', '', 'match[version]=first', 'match[type]=campaign,report,malware']) {
          replies.push(...(await w.walk(`/taxii2/api/collections/${collection}/${endpoint}/?${query}`, key, 3)));
        }
      }
      for (const id of ids) {
        for (const suffix of ['?match[version]=all', '', 'versions/']) replies.push(await w.get(`/taxii2/api/collections/${collection}/objects/${id}/${suffix}`, key));
      }
    }
    return replies;
  };
  const assertNothingOf = (replies: Reply[], ids: string[], dates: number[]): void => {
    const hidden = new Set(dates.map(taxiiDate));
    for (const reply of replies) {
      const text = JSON.stringify(reply.body);
      for (const id of ids) assert.ok(!text.includes(id), `${id} leaked`);
      assert.ok(!text.includes('2025-06-01'), 'the private version of SPLIT leaked');
      for (const header of ['x-taxii-date-added-first', 'x-taxii-date-added-last']) assert.ok(!hidden.has(reply.headers.get(header) ?? ''), `${header} names a hidden addition`);
      if (typeof reply.body.next === 'string') {
        const payload = Buffer.from(reply.body.next.split('.')[0]!, 'base64url').toString();
        for (const date of dates) assert.ok(!payload.startsWith(`${date}~`), 'a next token names a hidden addition');
      }
    }
  };

  it('an organisation not cleared for a source sees none of its objects by any path, nor in more, next, date headers or counts', async () => {
    const medallion = [...new Set(medallionObjects().map((object) => object.id as string))];
    const secret = [...medallion, CAMPAIGN, PAST_OP];
    const replies = await probe(w.keys.ISP, [EVERYTHING, INBOX], secret);
    assertNothingOf(replies, secret, [T.medallion, T.splitPrivate, T.privateOnly, T.pastOperation]);
    for (const reply of replies.filter((candidate) => candidate.status !== 200)) assertError(reply, 404);
    // a type only hidden sources hold: no objects, and no more, no next, with limit 1
    for (const endpoint of ['objects', 'manifest']) {
      assert.deepEqual((await w.get(`/taxii2/api/collections/${EVERYTHING}/${endpoint}/?match[type]=campaign,report&limit=1`, w.keys.ISP)).body, { more: false });
    }
    // the ISP's listing is exactly the CLEAR and GREEN objects, and its audit count says so
    const visible = objectsOf(await w.get(`/taxii2/api/collections/${EVERYTHING}/objects/?match[version]=all&limit=1000`, w.keys.ISP));
    assert.equal(visible.length, 2 + 6 + 23);
    const audit = (await w.store.listAudit({ limit: 1_000_000 })).at(-1)!;
    assert.deepEqual([audit.org, audit.count], [w.orgs.ISP, visible.length]);
  });

  it('the latest (and first) version is the latest the caller may read: the ISP gets SPLIT’s public version, the owner its private one', async () => {
    const split = `/taxii2/api/collections/${EVERYTHING}/objects/${SPLIT}/`;
    assert.deepEqual(objectsOf(await w.get(split, w.keys.ISP)).map((object) => object.modified), ['2025-01-01T00:00:00.000Z']);
    assert.deepEqual(objectsOf(await w.get(split, w.keys.Vendor)).map((object) => object.modified), ['2025-06-01T00:00:00.000Z']);
    assert.deepEqual((await w.get(`${split}versions/`, w.keys.ISP)).body.versions, ['2025-01-01T00:00:00.000Z']);
    assert.equal(objectsOf(await w.get(`${split}?match[version]=first,last`, w.keys.ISP)).length, 1);
    assert.equal((await w.get(`${split}versions/`, w.keys.ISP)).headers.get('x-taxii-date-added-last'), taxiiDate(T.public));
    const owner = objectsOf(await w.get(`/taxii2/api/collections/${EVERYTHING}/objects/?limit=1000&match[version]=all`, w.keys.Vendor));
    assert.equal(owner.length, (await w.store.listObjects({ versions: 'all', limit: 10_000 })).items.length, 'the owner reads all it owns');
  });

  it('a next token minted for an object the caller may not read resumes nothing: 400, exactly as a token naming no object', async () => {
    // the vendor pages its own listing up to its private campaign; the ISP replays that token with the same query
    const path = `/taxii2/api/collections/${EVERYTHING}/objects/?match[version]=all&match[type]=campaign,indicator,report&limit=1`;
    const pages = await w.walk(path.replace('&limit=1', ''), w.keys.Vendor, 1);
    const before = pages.find((page) => objectsOf(page)[0]?.id === CAMPAIGN);
    assert.ok(before?.body.next, 'the vendor got a next token after its campaign');
    const replay = await w.get(`${path}&next=${before.body.next as string}`, w.keys.ISP);
    assertError(replay, 400);
    const own = await w.get(`${path}&next=${before.body.next as string}`, w.keys.Vendor);
    assert.equal(own.status, 200);
  });

  it('agreement collections hold the objects of sources shared under the agreement, as far as the caller is cleared', async () => {
    const sentinel = `/taxii2/api/collections/${w.collections.sentinel}/`;
    const medallion = new Set(medallionObjects().map((object) => `${object.id as string}`));
    for (const key of [w.keys.Interpol, w.keys.Police, w.keys.Vendor]) {
      const objects = objectsOf(await w.get(`${sentinel}objects/?match[version]=all&limit=1000`, key));
      assert.equal(objects.length, medallionObjects().length);
      assert.ok(objects.every((object) => medallion.has(object.id as string)), 'only objects shared under the agreement, no GREEN ones from elsewhere');
    }
    const versions = await w.get(`${sentinel}objects/${HVI}/versions/`, w.keys.Interpol);
    assert.equal((versions.body.versions as string[]).length, 3);
    assert.equal(versions.headers.get('x-taxii-date-added-first'), taxiiDate(T.medallion));
    assertError(await w.get(`${sentinel}objects/indicator--${uuid(100)}/`, w.keys.Interpol), 404);
    // Interpol reads medallion through everything too, but never what was shared under an agreement it is not in, nor the vendor's own
    const interpol = await probe(w.keys.Interpol, [EVERYTHING, INBOX, w.collections.sentinel], [CAMPAIGN, PAST_OP]);
    assertNothingOf(interpol, [CAMPAIGN, PAST_OP], [T.splitPrivate, T.privateOnly, T.pastOperation]);
    // an agreement that has ended gives nothing, also through everything
    assertError(await w.get(`/taxii2/api/collections/${EVERYTHING}/objects/${PAST_OP}/`, w.keys.Police), 404);
    assertError(await w.get(`/taxii2/api/collections/${w.collections.past}/objects/`, w.keys.Police), 403);
    assert.equal((await w.get(`/taxii2/api/collections/${EVERYTHING}/objects/${PAST_OP}/`, w.keys.Vendor)).status, 200);
  });

  it('anonymous callers: 401 everywhere but discovery by default; with anonymousClear, the everything collection restricted to TLP:CLEAR, and nothing else', async () => {
    assertError(await w.get(`/taxii2/api/collections/${EVERYTHING}/objects/`, ANON), 401);
    const anonymous = (path: string, init: RequestInit & { accept?: string | null } = {}) => w.request(path, ANON, { ...init, base: w.anonymousBase });
    assert.equal((await anonymous('/taxii2/')).status, 200);
    assert.equal((await anonymous('/taxii2/api/')).status, 200);
    const collections = (await anonymous('/taxii2/api/collections/')).body.collections as Json[];
    assert.deepEqual(collections.map((collection) => [collection.id, collection.can_read, collection.can_write]), [[EVERYTHING, true, false]]);
    const pages = await Promise.all([`/taxii2/api/collections/${EVERYTHING}/objects/?match[version]=all&limit=1000`, `/taxii2/api/collections/${EVERYTHING}/manifest/?limit=1000`].map((path) => anonymous(path)));
    for (const page of pages) {
      assert.equal(page.status, 200);
      assert.deepEqual(objectsOf(page).map((object) => object.id), [`indicator--${uuid(50)}`, `indicator--${uuid(51)}`]);
      assert.equal(page.headers.get('x-taxii-date-added-last'), taxiiDate(T.clear));
    }
    assert.equal((await anonymous(`/taxii2/api/collections/${EVERYTHING}/objects/indicator--${uuid(50)}/versions/`)).status, 200);
    assertError(await anonymous(`/taxii2/api/collections/${EVERYTHING}/objects/indicator--${uuid(100)}/`), 404);
    assertError(await anonymous(`/taxii2/api/collections/${EVERYTHING}/objects/${HVI}/`), 404);
    // a member's collections ask for sign-in; writing and statuses need a member
    for (const collection of [INBOX, w.collections.sentinel]) assertError(await anonymous(`/taxii2/api/collections/${collection}/objects/`), 401);
    assertError(await anonymous(`/taxii2/api/collections/${INBOX}/objects/`, { method: 'POST', body: '{"objects":[]}', headers: { 'content-type': 'application/taxii+json;version=2.1' } }), 401);
    assertError(await anonymous(`/taxii2/api/status/${uuid(1)}/`), 401);
    // and members on that server read as they always do
    assert.equal(objectsOf(await w.request(`/taxii2/api/collections/${EVERYTHING}/objects/${HVI}/`, w.keys.Police, { base: w.anonymousBase })).length, 1);
  });

  it('audits every read with caller, path, filters as given and count; collection listings too', async () => {
    const before = (await w.store.listAudit({ limit: 1_000_000 })).length;
    await w.get(`/taxii2/api/collections/${EVERYTHING}/objects/?match[type]=indicator&limit=2`, w.keys.ISP);
    await w.get(`/taxii2/api/collections/${EVERYTHING}/manifest/?limit=1`, w.keys.ISP);
    await w.get(`/taxii2/api/collections/${EVERYTHING}/objects/${HVI}/`, w.keys.ISP);
    await w.get(`/taxii2/api/collections/${EVERYTHING}/objects/${HVI}/versions/`, w.keys.ISP);
    await w.get(`/taxii2/api/collections/${w.collections.sentinel}/objects/${HVI}/versions/`, w.keys.Interpol);
    await w.get('/taxii2/api/collections/', w.keys.ISP);
    const entries = (await w.store.listAudit({ limit: 1_000_000 })).slice(before);
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.org, (entry.detail as { endpoint?: string }).endpoint, (entry.detail as { collection?: string }).collection, entry.count]),
      [
        ['read:taxii-objects', w.orgs.ISP, 'objects', 'everything', 2],
        ['read:taxii-objects', w.orgs.ISP, 'manifest', 'everything', 1],
        ['read:taxii-objects', w.orgs.ISP, 'object', 'everything', 0],
        ['read:taxii-objects', w.orgs.ISP, 'versions', 'everything', 0],
        ['read:taxii-objects', w.orgs.Interpol, 'versions', `agreement-${w.agreements.sentinel}`, 3],
        ['read:taxii-collections', w.orgs.ISP, undefined, undefined, 2],
      ],
    );
    assert.equal(entries[0]!.target, `/taxii2/api/collections/${EVERYTHING}/objects/`);
    assert.deepEqual((entries[0]!.detail as { filters: Json }).filters, { 'match[type]': 'indicator', limit: '2' });
    assert.ok(entries.every((entry) => entry.key !== undefined));
  });
});
