/**
 * TAXII 2.1 conformance, server level: discovery, API root, authentication,
 * media types, paths, collections, DELETE. Section numbers are those of the
 * OASIS Standard of 10 June 2021.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ANON, assertError, EVERYTHING, HVI, INBOX, openWorld, STIX, TAXII, uuid, type Json, type World } from '../fixtures/taxii/world.ts';

describe('TAXII 2.1 conformance: server, API root, collections', () => {
  let w: World;
  before(async () => {
    w = await openWorld();
  });
  after(async () => w?.close());

  it('§4.1 discovery is at /taxii2/ (§8.2.1), open to anonymous callers: title, default among api_roots, relative URL without query', async () => {
    const reply = await w.get('/taxii2/', ANON);
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('content-type'), TAXII, '§1.6.8 responses name the media type and its version');
    assert.equal(typeof reply.body.title, 'string');
    assert.deepEqual(reply.body.api_roots, ['/taxii2/api/']);
    assert.equal(reply.body.default, '/taxii2/api/');
    for (const root of reply.body.api_roots as string[]) assert.match(root, /^\/[^/?#][^?#]*\/$/, '§4.1.1 a relative URL with a single leading /, no query');
  });

  it('§4.2 API root: title, versions holds exactly the 2.1 media type, max_content_length the body limit', async () => {
    const reply = await w.get('/taxii2/api/');
    assert.equal(reply.status, 200);
    assert.equal(typeof reply.body.title, 'string');
    assert.deepEqual(reply.body.versions, [TAXII]);
    assert.equal(reply.body.max_content_length, 256 * 1024);
  });

  it('§1.6.9/§3.6.1 401 without or with bad credentials on every endpoint but discovery, as a TAXII error with WWW-Authenticate; §8.2 HTTP Basic works', async () => {
    const paths = [
      '/taxii2/api/',
      '/taxii2/api/collections/',
      `/taxii2/api/collections/${EVERYTHING}/`,
      `/taxii2/api/collections/${EVERYTHING}/objects/`,
      `/taxii2/api/collections/${EVERYTHING}/manifest/`,
      `/taxii2/api/collections/${EVERYTHING}/objects/${HVI}/`,
      `/taxii2/api/collections/${EVERYTHING}/objects/${HVI}/versions/`,
      `/taxii2/api/collections/${w.collections.sentinel}/objects/`,
      `/taxii2/api/status/${uuid(1)}/`,
    ];
    const bad = ['tix_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', `Basic ${Buffer.from('nobody:wrong').toString('base64')}`, 'Negotiate abc'];
    for (const path of paths) {
      for (const key of [ANON, ...bad]) {
        const reply = await w.get(path, key);
        assertError(reply, 401);
        assert.match(reply.headers.get('www-authenticate') ?? '', /Basic/);
      }
    }
    const basic = await w.get('/taxii2/api/collections/', `Basic ${Buffer.from('isp-analyst:correct horse').toString('base64')}`);
    assert.equal(basic.status, 200);
    assertError(await w.get('/taxii2/api/collections/', `Basic ${Buffer.from('isp-analyst:wrong').toString('base64')}`), 401);
    // bad credentials are refused even where anonymous callers are welcome, and a POST is refused before its body is read
    assertError(await w.get('/taxii2/', bad[0]), 401);
    assertError(await w.post(INBOX, ANON, { objects: [] }), 401);
    assertError(await w.request(`/taxii2/api/collections/${INBOX}/objects/${HVI}/`, ANON, { method: 'DELETE' }), 401);
  });

  it('§1.6.8 Accept: TAXII 2.1, with or without version, is served; anything else (no Accept, wildcards, 2.0, JSON) is 406 on every endpoint', async () => {
    const objects = `/taxii2/api/collections/${EVERYTHING}/objects/?limit=1`;
    for (const accept of [TAXII, 'application/taxii+json', 'application/taxii+json; version=2.1', 'application/taxii+json;version="2.1"', 'application/json, application/taxii+json;version=2.1']) {
      const reply = await w.get(objects, w.keys.Police, accept);
      assert.equal(reply.status, 200, accept);
      assert.equal(reply.headers.get('content-type'), TAXII);
    }
    const endpoints = [
      '/taxii2/',
      '/taxii2/api/',
      '/taxii2/api/collections/',
      `/taxii2/api/collections/${EVERYTHING}/`,
      objects,
      `/taxii2/api/collections/${EVERYTHING}/manifest/`,
      `/taxii2/api/collections/${EVERYTHING}/objects/${HVI}/`,
      `/taxii2/api/collections/${EVERYTHING}/objects/${HVI}/versions/`,
      `/taxii2/api/status/${uuid(1)}/`,
    ];
    for (const accept of [null, 'application/json', '*/*', 'application/*', 'application/taxii+json;version=2.0', 'text/html']) {
      for (const endpoint of endpoints) assertError(await w.get(endpoint, w.keys.Police, accept), 406);
    }
    // §5.3: the manifest also takes the STIX media type; other endpoints do not
    assert.equal((await w.get(`/taxii2/api/collections/${EVERYTHING}/manifest/`, w.keys.Police, STIX)).status, 200);
    assertError(await w.get(objects, w.keys.Police, STIX), 406);
  });

  it('§3.1 paths end in /; unknown collections, resources and channels (§6, reserved) are 404 TAXII errors', async () => {
    assertError(await w.get('/taxii2', ANON), 404);
    for (const path of ['/taxii2/api', '/taxii2/api/collections', `/taxii2/api/collections/${EVERYTHING}`, `/taxii2/api/collections/${EVERYTHING}/objects`, `/taxii2/api/collections/${EVERYTHING}/objects/${HVI}`]) {
      assertError(await w.get(path), 404);
    }
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const suffix of ['', 'objects/', 'manifest/', `objects/${HVI}/`, `objects/${HVI}/versions/`]) assertError(await w.get(`/taxii2/api/collections/${unknown}/${suffix}`), 404);
    assertError(await w.get('/taxii2/api/channels/'), 404);
    assertError(await w.get('/taxii2/other-root/'), 404);
  });

  it('§5.1/§5.2 collections: everything, the inbox and one per agreement the organisation is a member of, in a fixed order, with §5.2.1 properties', async () => {
    const view = async (key: string): Promise<Json[]> => {
      const reply = await w.get('/taxii2/api/collections/', key);
      assert.equal(reply.status, 200);
      return reply.body.collections as Json[];
    };
    const summary = (collections: Json[]) => collections.map((collection) => [collection.id, collection.alias, collection.can_read, collection.can_write]);
    const police = await view(w.keys.Police);
    assert.deepEqual(summary(police), [
      [EVERYTHING, 'everything', true, false],
      [INBOX, 'inbox', true, true],
      [w.collections.sentinel, `agreement-${w.agreements.sentinel}`, true, false],
      // an agreement that has ended is listed for its members, and cannot be read
      [w.collections.past, `agreement-${w.agreements.past}`, false, false],
    ]);
    for (const collection of police) {
      assert.equal(typeof collection.title, 'string');
      assert.equal(typeof collection.description, 'string');
      assert.deepEqual(collection.media_types, [STIX]);
      assert.match(collection.id as string, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    assert.equal(new Set(police.map((collection) => collection.alias)).size, police.length, '§5.2.1 aliases are unique in the API root');
    assert.deepEqual(await view(w.keys.Police), police, '§3.3 the same order on every request');
    assert.deepEqual(summary(await view(w.keys.ISP)), [
      [EVERYTHING, 'everything', true, false],
      [INBOX, 'inbox', true, true],
    ]);
    assert.deepEqual((await view(w.keys.Interpol)).map((collection) => collection.alias), ['everything', 'inbox', `agreement-${w.agreements.sentinel}`]);
    // a reader may not write the inbox; sync keys may
    assert.equal((await view(w.keys.PoliceReader))[1]!.can_write, false);
    assert.equal((await view(w.keys.PoliceSync))[1]!.can_write, true);
    // one collection: the same resource as in the list
    const sentinel = await w.get(`/taxii2/api/collections/${w.collections.sentinel}/`);
    assert.equal(sentinel.status, 200);
    assert.deepEqual(sentinel.body, police[2]);
    assert.match(sentinel.body.title as string, /Operation Sentinel/);
    // an agreement the organisation is not in does not exist for it
    assertError(await w.get(`/taxii2/api/collections/${w.collections.sentinel}/`, w.keys.ISP), 404);
    assertError(await w.get(`/taxii2/api/collections/${w.collections.sentinel}/objects/`, w.keys.ISP), 404);
  });

  it('§5.2.1 can_read=false: every read endpoint of the collection is a 403', async () => {
    for (const suffix of ['objects/', 'manifest/', `objects/${HVI}/`, `objects/${HVI}/versions/`]) {
      assertError(await w.get(`/taxii2/api/collections/${w.collections.past}/${suffix}`), 403);
    }
  });

  it('§5.7 DELETE: tix keeps every version, so 403 where the caller can read or write, 404 where it can do neither or the collection is unknown', async () => {
    const remove = (collection: string, key: string, id = HVI) => w.request(`/taxii2/api/collections/${collection}/objects/${id}/`, key, { method: 'DELETE' });
    const refused = await remove(INBOX, w.keys.Police);
    assertError(refused, 403);
    assert.match(refused.body.description as string, /revoked/);
    assertError(await remove(EVERYTHING, w.keys.Police), 403);
    assertError(await remove(w.collections.sentinel, w.keys.Police), 403);
    assertError(await remove(w.collections.past, w.keys.Police), 404);
    assertError(await remove(w.collections.sentinel, w.keys.ISP), 404);
    assertError(await remove('00000000-0000-4000-8000-000000000000', w.keys.Police), 404);
    assertError(await w.request(`/taxii2/api/collections/${INBOX}/objects/${HVI}/`, w.keys.Police, { method: 'DELETE', accept: 'application/json' }), 406);
    // nothing was deleted
    assert.equal((await w.get(`/taxii2/api/collections/${EVERYTHING}/objects/${HVI}/`)).status, 200);
  });
});
