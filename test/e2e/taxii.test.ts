import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.ts';
import { generateApiKey } from '../../src/auth/index.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { ROOT, tempDir } from '../helpers/cli.ts';

const TAXII = 'application/taxii+json;version=2.1';
const MEDALLION = join(ROOT, 'test', 'fixtures', 'taxii', 'medallion-default_data.json');
const POISONIVY = join(ROOT, 'test', 'fixtures', 'stix', 'stix21', 'oasis-examples', 'examples', 'threat-reports', 'poisonivy.json');
const EVERYTHING = '2d0e0b7a-5b8e-4f43-9a3b-1d3c8c1e0a01';
const INBOX = '7c6f2a44-0d5e-4b7f-8a7e-3b9d2f1c0b02';
const BODY_LIMIT = 512 * 1024;
const NOW = Date.UTC(2026, 5, 1);

type Json = Record<string, unknown>;

/** The medallion data set's High Value Indicator objects, without medallion's own bookkeeping (`__meta`). */
function medallionObjects(): Json[] {
  const data = JSON.parse(readFileSync(MEDALLION, 'utf8')) as { trustgroup1: { collections: Array<{ objects: Json[] }> } };
  return data.trustgroup1.collections.flatMap((collection) => collection.objects).map((object) => Object.fromEntries(Object.entries(object).filter(([key]) => !key.startsWith('__'))));
}

describe('TAXII 2.1 over HTTP on loopback', () => {
  const dir = tempDir();
  let store: SqliteStore;
  let app: FastifyInstance;
  let base: string;
  const keys: Record<string, string> = {};

  const request = async (path: string, key: string | undefined, init: RequestInit & { accept?: string } = {}): Promise<{ status: number; headers: Headers; body: Json }> => {
    const headers: Record<string, string> = { accept: init.accept ?? TAXII, ...(init.headers as Record<string, string> | undefined) };
    if (key) headers.authorization = `Bearer ${key}`;
    const response = await fetch(`${base}${path}`, { ...init, headers });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Json) : {} };
  };
  const post = (path: string, key: string, body: unknown, type = TAXII) =>
    request(path, key, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': type } });

  /** Every object of a collection, by following `next` to the end with a small page. */
  const walk = async (key: string, collection: string, query = ''): Promise<Json[]> => {
    const all: Json[] = [];
    let next: string | undefined;
    for (let guard = 0; guard < 1000; guard++) {
      const page = await request(`/taxii2/api/collections/${collection}/objects/?limit=7${query}${next ? `&next=${next}` : ''}`, key);
      assert.equal(page.status, 200);
      const objects = (page.body.objects as Json[] | undefined) ?? [];
      assert.ok(objects.length <= 7);
      all.push(...objects);
      if (!page.body.more) return all;
      assert.equal(typeof page.body.next, 'string', 'more:true always comes with next');
      next = page.body.next as string;
    }
    throw new Error('paging did not end');
  };

  before(async () => {
    store = await SqliteStore.open(dir.path);
    const ids: Record<string, number> = {};
    for (const [name, kind] of [['Vendor', 'vendor'], ['Police', 'national-police'], ['ISP', 'isp']] as const) {
      ids[name] = (await store.createOrganisation({ name, kind, createdAt: NOW })).id;
      const key = generateApiKey();
      await store.createApiKey({ prefix: key.prefix, hash: key.hash, org: ids[name]!, role: 'analyst', createdAt: NOW });
      keys[name] = key.token;
    }
    const readOnly = generateApiKey();
    await store.createApiKey({ prefix: readOnly.prefix, hash: readOnly.hash, org: ids.Police!, role: 'reader', createdAt: NOW });
    keys.PoliceReader = readOnly.token;
    app = await buildServer({ store, now: () => Date.now(), bodyLimit: BODY_LIMIT });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    base = address;
    // the vendor posts the medallion objects and the poisonivy report, then shares them with the police under an agreement
    const green = {
      type: 'indicator', spec_version: '2.1', id: 'indicator--00000000-0000-4000-8000-0000000000f1', created: '2026-01-01T00:00:00Z', modified: '2026-01-01T00:00:00Z',
      pattern: "[domain-name:value = 'green.example.org']", pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z',
      object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
    };
    const medallion = await post(`/taxii2/api/collections/${INBOX}/objects/`, keys.Vendor!, { objects: [...medallionObjects(), green] });
    assert.equal(medallion.status, 202);
    const poisonivy = JSON.parse(readFileSync(POISONIVY, 'utf8')) as { objects: Json[] };
    assert.equal((await post(`/taxii2/api/collections/${INBOX}/objects/`, keys.Vendor!, { objects: poisonivy.objects })).status, 202);
    const agreement = await store.createAgreement({ name: 'op', members: [ids.Vendor!, ids.Police!], countries: [], purpose: 'test', startsAt: NOW - 1, maxTlp: 'amber', mayShareOnward: false }, NOW);
    const shared = await store.distribution({ owner: ids.Vendor!, agreements: [agreement.id], recipientOrgs: [], recipientUsers: [] });
    await store.setSourceDistribution('taxii:Vendor', shared.id);
  });

  after(async () => {
    await app?.close();
    await store?.close();
    dir.remove();
  });

  it('§4.1 discovery at /taxii2/ with the TAXII media type and version', async () => {
    const response = await request('/taxii2/', undefined);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), TAXII);
    assert.equal(response.body.title, 'tix');
    assert.ok((response.body.api_roots as string[]).includes(response.body.default as string));
  });

  it('§4.2 the API root lists the 2.1 version and a max_content_length the server honours exactly', async () => {
    const root = await request('/taxii2/api/', keys.Police);
    assert.deepEqual(root.body.versions, [TAXII]);
    assert.equal(root.body.max_content_length, BODY_LIMIT);
    const padding = (size: number): string => JSON.stringify({ objects: [], pad: 'x'.repeat(size) });
    const over = padding(BODY_LIMIT);
    assert.equal((await post(`/taxii2/api/collections/${INBOX}/objects/`, keys.Police!, over)).status, 413);
    const under = padding(BODY_LIMIT - 100);
    assert.ok(Buffer.byteLength(under) <= BODY_LIMIT);
    assert.notEqual((await post(`/taxii2/api/collections/${INBOX}/objects/`, keys.Police!, under)).status, 413);
  });

  it('§1.6.8 refuses a foreign Accept (406) and Content-Type (415); §3.1 paths end in /', async () => {
    assert.equal((await request('/taxii2/api/collections/', keys.Police, { accept: 'application/json' })).status, 406);
    assert.equal((await request('/taxii2/api/collections/', keys.Police, { accept: 'application/taxii+json;version=2.0' })).status, 406);
    assert.equal((await request('/taxii2/api/collections/', keys.Police, { accept: 'application/taxii+json' })).status, 200);
    assert.equal((await post(`/taxii2/api/collections/${INBOX}/objects/`, keys.Police!, { objects: [] }, 'application/json')).status, 415);
    assert.equal((await request('/taxii2/api/collections', keys.Police)).status, 404);
  });

  it('§3.6.1 errors are TAXII error objects; §1.6.9 a 401 names the schemes', async () => {
    const anonymous = await request('/taxii2/api/collections/', undefined);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /Basic/);
    assert.equal(anonymous.body.http_status, '401');
    assert.equal(typeof anonymous.body.title, 'string');
    const wrong = await request('/taxii2/api/collections/', 'tix_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.http_status, '401');
  });

  it('§5.1 collections: everything (read) and the inbox (write)', async () => {
    const list = await request('/taxii2/api/collections/', keys.Police);
    const collections = list.body.collections as Json[];
    assert.deepEqual(collections.map((collection) => [collection.id, collection.can_read, collection.can_write]), [[EVERYTHING, true, false], [INBOX, true, true]]);
    assert.equal((await request(`/taxii2/api/collections/${EVERYTHING}/`, keys.Police)).body.alias, 'everything');
    assert.equal((await request('/taxii2/api/collections/00000000-0000-4000-8000-000000000000/', keys.Police)).status, 404);
  });

  it('§3.5 paging with next returns every object once, oldest first, with the date headers in microseconds', async () => {
    const all = await walk(keys.Police!, EVERYTHING);
    const ids = all.map((object) => `${object.id as string} ${String(object.modified ?? '')}`);
    assert.equal(new Set(ids).size, ids.length, 'no duplicates');
    const whole = await store.listObjects({ limit: 10_000 });
    assert.equal(all.length, whole.items.length, 'no gaps');
    const page = await request(`/taxii2/api/collections/${EVERYTHING}/objects/?limit=3`, keys.Police);
    assert.match(page.headers.get('x-taxii-date-added-first') ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    assert.match(page.headers.get('x-taxii-date-added-last') ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    assert.equal(page.body.more, true);
  });

  it('§3.4 match[version]: last by default, first, all and exact timestamps; versions lists them', async () => {
    const id = 'indicator--6770298f-0fd8-471a-ab8c-1c658a46574e';
    const get = async (version?: string): Promise<string[]> => {
      const response = await request(`/taxii2/api/collections/${EVERYTHING}/objects/${id}/${version ? `?match[version]=${version}` : ''}`, keys.Police);
      assert.equal(response.status, 200);
      return (response.body.objects as Json[]).map((object) => object.modified as string);
    };
    assert.deepEqual(await get(), ['2017-01-27T13:49:53.935Z']);
    assert.deepEqual(await get('first'), ['2016-11-03T12:30:59.000Z']);
    assert.deepEqual((await get('all')).sort(), ['2016-11-03T12:30:59.000Z', '2016-12-25T12:30:59.444Z', '2017-01-27T13:49:53.935Z']);
    assert.deepEqual(await get('2016-12-25T12:30:59.444Z'), ['2016-12-25T12:30:59.444Z']);
    const versions = await request(`/taxii2/api/collections/${EVERYTHING}/objects/${id}/versions/`, keys.Police);
    assert.deepEqual((versions.body.versions as string[]).sort(), ['2016-11-03T12:30:59.000Z', '2016-12-25T12:30:59.444Z', '2017-01-27T13:49:53.935Z']);
    assert.ok(versions.headers.get('x-taxii-date-added-first'));
  });

  it('§3.4 malformed filters are 400; an absent but valid type is an empty 200', async () => {
    const objects = `/taxii2/api/collections/${EVERYTHING}/objects/`;
    for (const query of ['limit=0', 'limit=-1', 'limit=abc', 'match[version]=all,last', 'added_after=yesterday', 'next=%27%20OR%201%3D1--', "match[id]=indicator--x' OR '1'='1", 'match[type]=a;DROP TABLE stix_objects', 'match[spec_version]=3.0']) {
      const response = await request(`${objects}?${query}`, keys.Police);
      assert.equal(response.status, 400, query);
      assert.equal(response.body.http_status, '400');
    }
    const empty = await request(`${objects}?match[type]=grouping`, keys.Police);
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.body, { more: false });
    assert.equal((await request(`/taxii2/api/collections/${EVERYTHING}/objects/..%2F..%2Fetc%2Fpasswd/`, keys.Police)).status, 400);
  });

  it('shares nothing the caller is not cleared for, through any path: objects, object, versions, manifest', async () => {
    const everything = await store.listObjects({ versions: 'all', limit: 10_000 });
    const public_ = everything.items.filter((record) => record.tlp === 'clear' || record.tlp === 'green');
    const isp = await walk(keys.ISP!, EVERYTHING, '&match[version]=all');
    assert.ok(public_.length >= 1);
    assert.equal(isp.length, public_.length, 'the ISP sees the TLP:GREEN objects only');
    assert.ok(isp.length < everything.items.length);
    const secret = everything.items.find((record) => record.tlp === 'amber')!.object.id;
    assert.equal((await request(`/taxii2/api/collections/${EVERYTHING}/objects/${secret}/`, keys.ISP)).status, 404);
    assert.equal((await request(`/taxii2/api/collections/${EVERYTHING}/objects/${secret}/versions/`, keys.ISP)).status, 404);
    assert.equal((await request(`/taxii2/api/collections/${EVERYTHING}/objects/${secret}/`, keys.Police)).status, 200);
    const manifest = await request(`/taxii2/api/collections/${EVERYTHING}/manifest/?limit=1000&match[version]=all`, keys.ISP);
    assert.equal(((manifest.body.objects as Json[] | undefined) ?? []).length, public_.length);
    for (const record of manifest.body.objects as Json[]) {
      assert.match(record.date_added as string, /\.\d{6}Z$/);
      assert.equal(record.media_type, 'application/stix+json;version=2.1');
    }
  });

  it('§5.5 POST: 202 with a status the poster (and only the poster) can read; read-only collections and readers are refused', async () => {
    const objects = [
      { type: 'indicator', spec_version: '2.1', id: 'indicator--00000000-0000-4000-8000-0000000000a1', created: '2026-01-01T00:00:00Z', modified: '2026-01-01T00:00:00Z', pattern: "[ipv4-addr:value = '198.51.100.77']", pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z' },
      { type: 'indicator', spec_version: '9.9', id: 'indicator--00000000-0000-4000-8000-0000000000a2', created: '2026-01-01T00:00:00Z', modified: '2026-01-01T00:00:00Z', pattern: "[ipv4-addr:value = '198.51.100.78']", pattern_type: 'stix' },
    ];
    const posted = await post(`/taxii2/api/collections/${INBOX}/objects/`, keys.Police!, { objects });
    assert.equal(posted.status, 202);
    assert.equal(posted.body.status, 'complete');
    assert.deepEqual([posted.body.total_count, posted.body.success_count, posted.body.failure_count, posted.body.pending_count], [2, 1, 1, 0]);
    assert.equal((posted.body.failures as Json[])[0]!.id, 'indicator--00000000-0000-4000-8000-0000000000a2');
    const status = await request(`/taxii2/api/status/${posted.body.id as string}/`, keys.Police);
    assert.equal(status.status, 200);
    assert.equal(status.body.success_count, 1);
    assert.equal((await request(`/taxii2/api/status/${posted.body.id as string}/`, keys.ISP)).status, 404);
    // posting the same object again is not a failure (§5.5)
    const again = await post(`/taxii2/api/collections/${INBOX}/objects/`, keys.Police!, { objects: [objects[0]] });
    assert.deepEqual([again.body.success_count, again.body.failure_count], [1, 0]);
    // the police's inbox holds its own post; the value is searchable, and the vendor does not see the police's AMBER post
    const inbox = await walk(keys.Police!, INBOX);
    assert.deepEqual(inbox.map((object) => object.id), ['indicator--00000000-0000-4000-8000-0000000000a1']);
    assert.equal((await request(`/taxii2/api/collections/${EVERYTHING}/objects/indicator--00000000-0000-4000-8000-0000000000a1/`, keys.Vendor)).status, 404);
    assert.equal((await post(`/taxii2/api/collections/${EVERYTHING}/objects/`, keys.Police!, { objects })).status, 403);
    assert.equal((await post(`/taxii2/api/collections/${INBOX}/objects/`, keys.PoliceReader!, { objects })).status, 403);
    assert.equal((await post(`/taxii2/api/collections/${INBOX}/objects/`, keys.Police!, '{"objects": [')).status, 422);
    assert.equal((await post(`/taxii2/api/collections/${INBOX}/objects/`, keys.Police!, { bundle: 1 })).status, 422);
  });

  it('audits every TAXII read with the caller and the number of objects returned', async () => {
    const entries = await store.listAudit({ limit: 100_000 });
    const reads = entries.filter((entry) => entry.action === 'read:taxii-objects');
    assert.ok(reads.length > 5);
    assert.ok(reads.every((entry) => entry.org !== undefined && entry.key !== undefined && entry.count !== undefined));
  });
});
