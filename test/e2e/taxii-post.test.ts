/**
 * TAXII 2.1 conformance, writing: add objects (§5.5), status (§4.3),
 * max_content_length (§4.2.1), media types of bodies (§1.6.8), and what a
 * POST does inside tix (the STIX reader, the indicator index, ownership).
 * This world starts without medallion's data: medallion is posted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  assertError,
  BODY_LIMIT,
  EVERYTHING,
  HVI,
  HVI_VERSIONS,
  INBOX,
  indicator,
  medallionObjects,
  MICROS,
  objectsOf,
  openWorld,
  STIX,
  TAXII,
  uuid,
  type Json,
  type World,
} from '../fixtures/taxii/world.ts';

const objectsPath = (collection: string): string => `/taxii2/api/collections/${collection}/objects/`;

describe('TAXII 2.1 conformance: add objects and status', () => {
  let w: World;
  before(async () => {
    w = await openWorld({ medallion: false });
  });
  after(async () => w?.close());

  it('§4.2.1/§5.5 max_content_length is honoured to the byte: exactly that many bytes are accepted, one more is a 413, with or without Content-Length', async () => {
    const padded = (size: number): string => {
      const shell = JSON.stringify({ objects: [], x_pad: '' });
      return JSON.stringify({ objects: [], x_pad: 'x'.repeat(size - Buffer.byteLength(shell)) });
    };
    assert.equal((await w.get('/taxii2/api/')).body.max_content_length, BODY_LIMIT);
    const exact = await w.post(INBOX, w.keys.Police, padded(BODY_LIMIT));
    assert.equal(exact.status, 202, JSON.stringify(exact.body));
    assertError(await w.post(INBOX, w.keys.Police, padded(BODY_LIMIT + 1)), 413);
    assertError(await w.post(INBOX, w.keys.Police, padded(BODY_LIMIT * 8)), 413);
    // a body streamed in chunks, without Content-Length, is cut off at the limit too
    const chunks = [Buffer.from(padded(BODY_LIMIT * 2))];
    const streamed = await w.request(objectsPath(INBOX), w.keys.Police, {
      method: 'POST',
      headers: { 'content-type': TAXII },
      body: new ReadableStream<Uint8Array>({
        pull: (controller) => {
          const chunk = chunks.shift();
          if (chunk) controller.enqueue(chunk);
          else controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    assertError(streamed, 413);
  });

  it('§5.5 medallion posted to the inbox: 202 and a complete status (§4.3.1); every version kept, 2.0 upgraded, readable back through objects, versions and manifest', async () => {
    const objects = medallionObjects();
    const posted = await w.post(INBOX, w.keys.Vendor, { objects });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    assert.equal(posted.headers.get('content-type'), TAXII);
    const status = posted.body;
    assert.equal(status.status, 'complete');
    assert.deepEqual([status.total_count, status.success_count, status.failure_count, status.pending_count], [objects.length, objects.length, 0, 0]);
    assert.deepEqual((status.successes as Json[]).map((success) => success.id), objects.map((object) => object.id));
    assert.equal(status.failures, undefined, '§2 no empty lists');
    assert.match(status.request_timestamp as string, MICROS);
    const inbox = `/taxii2/api/collections/${INBOX}/`;
    assert.deepEqual((await w.get(`${inbox}objects/${HVI}/versions/`, w.keys.Vendor)).body.versions, HVI_VERSIONS);
    const all = objectsOf(await w.get(`${inbox}objects/?match[version]=all&limit=100`, w.keys.Vendor));
    assert.equal(all.length, objects.length);
    assert.ok(all.every((object) => object.spec_version === '2.1'));
    const manifest = (await w.get(`${inbox}manifest/?match[version]=all&limit=100`, w.keys.Vendor)).body.objects as Json[];
    // date_added is when tix received them: today, not the objects' own dates
    assert.ok(manifest.every((record) => Date.parse(record.date_added as string) > Date.now() - 3_600_000));
    assert.ok(manifest.every((record) => record.media_type === STIX));
  });

  it('§5.5 POST with failures: status lists each object as a success or a failure with a message; §4.3 status readable by the poster’s organisation only', async () => {
    const objects = [indicator(500, '203.0.113.5'), indicator(501, '203.0.113.6'), { ...indicator(502, '203.0.113.7'), spec_version: '9.9' }, { type: 'indicator', id: 'not-an-id' }, 'not an object'];
    const posted = await w.post(INBOX, w.keys.Police, { objects });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const status = posted.body;
    assert.deepEqual([status.total_count, status.success_count, status.failure_count, status.pending_count], [5, 2, 3, 0]);
    assert.deepEqual((status.successes as Json[]).map((success) => success.id), [`indicator--${uuid(500)}`, `indicator--${uuid(501)}`]);
    assert.deepEqual((status.failures as Json[]).map((failure) => failure.id), [`indicator--${uuid(502)}`, 'not-an-id', '(no id)']);
    assert.ok((status.failures as Json[]).every((failure) => typeof failure.message === 'string' && (failure.message as string).length > 0));
    const read = await w.get(`/taxii2/api/status/${status.id as string}/`, w.keys.PoliceReader);
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('content-type'), TAXII);
    assert.deepEqual(read.body, status);
    assertError(await w.get(`/taxii2/api/status/${status.id as string}/`, w.keys.ISP), 404);
    assertError(await w.get(`/taxii2/api/status/${uuid(77)}/`), 404);
    assertError(await w.get('/taxii2/api/status/..%2F..%2Fetc%2Fpasswd/'), 404);
  });

  it('§5.5 a duplicate POST of an identical object is no failure; posted objects are the organisation’s own, and feed the indicator index', async () => {
    const again = await w.post(INBOX, w.keys.PoliceSync, { objects: [indicator(500, '203.0.113.5')] });
    assert.deepEqual([again.status, again.body.success_count, again.body.failure_count], [202, 1, 0]);
    const inbox = objectsOf(await w.get(`/taxii2/api/collections/${INBOX}/objects/`, w.keys.PoliceReader));
    assert.deepEqual(inbox.map((object) => object.id).sort(), [`indicator--${uuid(500)}`, `indicator--${uuid(501)}`]);
    assert.equal((await w.get(`/taxii2/api/collections/${EVERYTHING}/objects/indicator--${uuid(500)}/`, w.keys.Police)).status, 200);
    // unmarked posts are TLP:AMBER and shared with no one: the vendor and the ISP see none of them
    for (const other of [w.keys.Vendor, w.keys.ISP]) {
      assertError(await w.get(`/taxii2/api/collections/${EVERYTHING}/objects/indicator--${uuid(500)}/`, other), 404);
      assert.equal(objectsOf(await w.get(`/taxii2/api/collections/${INBOX}/objects/?match[id]=indicator--${uuid(500)}`, other)).length, 0);
    }
    // the same STIX reader as tix ingest: the value is searchable at once, from source taxii:Police
    const detail = await w.store.get('ipv4', '203.0.113.5', Date.now());
    assert.ok(detail, 'the posted indicator feeds the indicator index');
    assert.ok(JSON.stringify(detail).includes('taxii:Police'));
    // a marking on the object is honoured: TLP:CLEAR posts are readable by every member
    const clearMarking = 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487';
    assert.equal((await w.post(INBOX, w.keys.Police, { objects: [indicator(510, '203.0.113.10', { object_marking_refs: [clearMarking] })] })).status, 202);
    assert.equal((await w.get(`/taxii2/api/collections/${EVERYTHING}/objects/indicator--${uuid(510)}/`, w.keys.ISP)).status, 200);
  });

  it('§5.5 the first post shares the source with its owner only; later posts keep the sharing an administrator gave it', async () => {
    const police = (await w.store.listDistributions()).find((d) => d.owner === w.orgs.Police && !d.agreements.length && !d.recipientOrgs.length);
    assert.ok(police, 'posts are shared under a distribution of the police with no agreement');
    const shared = await w.store.distribution({ owner: w.orgs.Police, agreements: [w.agreements.sentinel], recipientOrgs: [], recipientUsers: [] });
    assert.ok(await w.store.setSourceDistribution('taxii:Police', shared.id));
    assert.equal((await w.post(INBOX, w.keys.Police, { objects: [indicator(520, '203.0.113.20')] })).status, 202);
    // Interpol, in the agreement, now reads the police's AMBER posts, the old and the new
    for (const id of [500, 520]) assert.equal((await w.get(`/taxii2/api/collections/${EVERYTHING}/objects/indicator--${uuid(id)}/`, w.keys.Interpol)).status, 200);
    assert.equal((await w.get(`/taxii2/api/collections/${w.collections.sentinel}/objects/indicator--${uuid(520)}/`, w.keys.Interpol)).status, 200);
  });

  it('§5.5 refusals: read-only collections and non-writer roles 403, unknown collection 404, foreign Content-Type 415, foreign Accept 406, not JSON 400, not an envelope or no supported STIX version 422', async () => {
    const body = { objects: [indicator(600, '203.0.113.60')] };
    assertError(await w.post(EVERYTHING, w.keys.Police, body), 403);
    assertError(await w.post(w.collections.sentinel, w.keys.Police, body), 403);
    assertError(await w.post(INBOX, w.keys.PoliceReader, body), 403);
    assertError(await w.post(w.collections.sentinel, w.keys.ISP, body), 404);
    assertError(await w.post('00000000-0000-4000-8000-000000000000', w.keys.Police, body), 404);
    for (const type of ['application/json', 'application/taxii+json;version=2.0', 'text/plain', STIX, `${TAXII}, application/json`]) assertError(await w.post(INBOX, w.keys.Police, body, type), 415);
    assertError(await w.request(objectsPath(INBOX), w.keys.Police, { method: 'POST', body: JSON.stringify(body) }), 415);
    assertError(await w.request(objectsPath(INBOX), w.keys.Police, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': TAXII }, accept: 'application/json' }), 406);
    assertError(await w.post(INBOX, w.keys.Police, '{"objects": ['), 400);
    for (const wrong of [{ bundle: 1 }, [], 'null', '42', { objects: 'x' }, '']) assertError(await w.post(INBOX, w.keys.Police, wrong), 422);
    assertError(await w.post(INBOX, w.keys.Police, { objects: [{ ...indicator(601, '203.0.113.61'), spec_version: '3.0' }] }), 422);
    assert.equal((await w.post(INBOX, w.keys.Police, body, 'application/taxii+json')).status, 202, 'the bare TAXII media type means the latest version');
    assert.equal((await w.post(INBOX, w.keys.Police, { type: 'bundle', id: `bundle--${uuid(9)}`, objects: [indicator(602, '203.0.113.62')] })).status, 202, 'a bundle has objects too');
    assertError(await w.post(INBOX, w.keys.Police, { ...indicator(603, '203.0.113.63'), objects: [indicator(604, '203.0.113.64')] }), 422);
    // a STIX 2.0 bundle (spec_version on the bundle, none on its objects) is read as 2.0 and held upgraded to 2.1
    const { spec_version: _, ...legacy } = indicator(605, '203.0.113.65', { labels: ['malicious-activity'] });
    const old = await w.post(INBOX, w.keys.Police, { type: 'bundle', id: `bundle--${uuid(10)}`, spec_version: '2.0', objects: [legacy] });
    assert.deepEqual([old.status, old.body.success_count], [202, 1], JSON.stringify(old.body));
    assert.equal(objectsOf(await w.get(`/taxii2/api/collections/${INBOX}/objects/indicator--${uuid(605)}/`, w.keys.Police))[0]?.spec_version, '2.1');
    assert.equal(objectsOf(await w.get(`/taxii2/api/collections/${EVERYTHING}/objects/?match[id]=indicator--${uuid(601)}`, w.keys.Police)).length, 0);
  });

  it('§5.6/§5.8 a custom object with a 199-character type (an id of 237 characters) is posted and read back by id', async () => {
    const type = `x-${'long-'.repeat(39)}ab`;
    assert.equal(type.length, 199);
    const object = { type, spec_version: '2.1', id: `${type}--${uuid(900)}`, created: '2026-01-01T00:00:00Z', modified: '2026-01-01T00:00:00Z', x_note: 'custom' };
    assert.equal((await w.post(INBOX, w.keys.Police, { objects: [object] })).body.success_count, 1);
    const read = await w.get(`/taxii2/api/collections/${INBOX}/objects/${object.id}/`);
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.deepEqual(objectsOf(read), [object]);
    assert.deepEqual((await w.get(`/taxii2/api/collections/${INBOX}/objects/${object.id}/versions/`)).body.versions, ['2026-01-01T00:00:00Z']);
  });

  it('§5.5 concurrent POSTs queue on the store instead of failing, and their date_added follow the order they were imported in', async () => {
    const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => w.post(INBOX, i % 2 ? w.keys.Police : w.keys.Vendor, { objects: [indicator(700 + i, `203.0.113.${100 + i}`)] })));
    assert.deepEqual(replies.map((reply) => reply.status), [202, 202, 202, 202, 202, 202]);
    assert.ok(replies.every((reply) => reply.body.success_count === 1));
  });

  it('every POST is audited as a write with the organisation, the status id and the count', async () => {
    const posted = await w.post(INBOX, w.keys.Police, { objects: [indicator(800, '203.0.113.200')] });
    const entries = await w.store.listAudit({ limit: 1_000_000 });
    const entry = entries.findLast((candidate) => candidate.action === 'write:taxii-objects');
    assert.ok(entry);
    assert.deepEqual([entry.org, entry.count, (entry.detail as Json).status, entry.target], [w.orgs.Police, 1, posted.body.id, objectsPath(INBOX)]);
  });
});
