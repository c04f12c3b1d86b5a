/**
 * TAXII against hostile input: malformed filters (§3.4: 400), SQL
 * metacharacters in match[] values, path traversal and junk in ids,
 * tampered `next` tokens, oversized bodies and parameters. Nothing of it
 * reaches the store as it came, and the store is intact afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, BODY_LIMIT, EVERYTHING, HVI, INBOX, indicator, objectsOf, openWorld, TAXII, uuid, type World } from '../fixtures/taxii/world.ts';

const OBJECTS = `/taxii2/api/collections/${EVERYTHING}/objects/`;
const MANIFEST = `/taxii2/api/collections/${EVERYTHING}/manifest/`;

describe('TAXII 2.1 against hostile input', () => {
  let w: World;
  let rows: number;
  before(async () => {
    w = await openWorld();
    rows = (await w.store.listObjects({ versions: 'all', limit: 10_000 })).items.length;
  });
  after(async () => {
    // whatever was thrown at it, the store holds what it held (and what was posted)
    if (w) assert.ok((await w.store.listObjects({ versions: 'all', limit: 10_000 })).items.length >= rows);
    await w?.close();
  });

  it('§3.4 malformed filters are 400 on objects, manifest, object and versions', async () => {
    const malformed = [
      'limit=0',
      'limit=-1',
      'limit=abc',
      'limit=1.5',
      'limit=1e3',
      'limit=',
      'limit=1&limit=2',
      'added_after=yesterday',
      'added_after=2026-01-01',
      'added_after=2026-01-01T00:00:00',
      'added_after=2026-01-01T00:00:00%2B01:00',
      'added_after=2026-02-30T00:00:00Z',
      'added_after=&limit=1',
      'next=',
      'next=AAAA',
      'match[version]=all,first',
      'match[version]=',
      'match[spec_version]=3.0',
      'match[spec_version]=2.1,',
      'match[id]=indicator',
      `match[type]=${Array.from({ length: 101 }, (_, i) => `t${i}x`).join(',')}`,
    ];
    for (const query of malformed) {
      assertError(await w.get(`${OBJECTS}?${query}`), 400);
      assertError(await w.get(`${MANIFEST}?${query}`), 400);
    }
    for (const query of ['limit=0', 'next=AAAA', 'match[version]=all,first', 'added_after=x', 'match[spec_version]=1.0']) {
      assertError(await w.get(`${OBJECTS}${HVI}/?${query}`), 400);
    }
    for (const query of ['limit=-5', 'next=x', 'added_after=2026']) assertError(await w.get(`${OBJECTS}${HVI}/versions/?${query}`), 400);
  });

  it('SQL metacharacters in match[] values and tokens are refused as malformed (400), never run', async () => {
    const hostile = [
      `match[id]=${encodeURIComponent("indicator--x' OR '1'='1")}`,
      `match[id]=${encodeURIComponent(`indicator--${uuid(100)}');DROP TABLE stix_objects;--`)}`,
      `match[id]=${encodeURIComponent(`indicator--${uuid(100)}" OR ""="`)}`,
      `match[type]=${encodeURIComponent('indicator;DROP TABLE stix_objects')}`,
      `match[type]=${encodeURIComponent("x' OR 'a'='a")}`,
      `match[type]=${encodeURIComponent('indicator) OR (1=1')}`,
      `match[version]=${encodeURIComponent("last' --")}`,
      `match[version]=${encodeURIComponent('2016-11-03T12:30:59.000Z\' OR 1=1 --')}`,
      `match[spec_version]=${encodeURIComponent("2.1' OR 1=1")}`,
      `next=${encodeURIComponent("' OR 1=1--")}`,
      `next=${Buffer.from("x' OR 1=1--|x").toString('base64url')}`,
      `added_after=${encodeURIComponent("2026-01-01T00:00:00Z' OR 1=1")}`,
    ];
    for (const query of hostile) {
      assertError(await w.get(`${OBJECTS}?${query}`), 400);
      assertError(await w.get(`${MANIFEST}?${query}`), 400);
    }
    assert.equal((await w.store.listObjects({ versions: 'all', limit: 10_000 })).items.length, rows);
    assert.ok(objectsOf(await w.get(`${OBJECTS}?limit=1`)).length === 1, 'the server still answers');
  });

  it('path traversal and junk in object, collection and status ids are 404 (or refused by the router), never a file or a query', async () => {
    // (fetch resolves literal and %2e dot segments itself, so those never reach a server as such)
    const tricks = [
      '..%2F..%2Fetc%2Fpasswd',
      '%2e%2e%2F%2e%2e%2Fetc',
      '..%5C..%5Cwindows',
      'indicator--x%27%20OR%20%271%27%3D%271',
      `indicator--${uuid(100)}%00`,
      `indicator--${uuid(100)}%0a`,
      `INDICATOR--${uuid(100)}`,
      `indicator--${uuid(100)}%2F..%2F..`,
      '%25252e%25252e',
      'x'.repeat(2000),
    ];
    for (const trick of tricks) {
      for (const path of [`${OBJECTS}${trick}/`, `${OBJECTS}${trick}/versions/`, `/taxii2/api/collections/${trick}/objects/`, `/taxii2/api/status/${trick}/`]) {
        const reply = await w.get(path);
        // (a path segment over fastify's maxParamLength would be a 414 from fastify's router, before any route, hook or error handler)
        if (reply.status !== 414 || trick.length <= 100) assertError(reply, 404);
      }
    }
  });

  it('tampered next tokens are 400: a changed byte, a cut token, a token of another query, a forged payload', async () => {
    const first = await w.get(`${OBJECTS}?match[version]=all&limit=2`);
    const token = first.body.next as string;
    assert.equal(typeof token, 'string');
    const [payload, tag] = token.split('.') as [string, string];
    const flip = (text: string, at: number): string => `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
    const forged = Buffer.from(Buffer.from(payload, 'base64url').toString().replace(/^\d+/, '0')).toString('base64url');
    const tampered = [flip(token, 0), flip(token, payload.length - 1), flip(token, token.length - 1), token.slice(0, -4), payload, `${payload}.`, `.${tag}`, `${forged}.${tag}`, `${token}.${tag}`, `${payload}${payload}.${tag}`];
    for (const bad of tampered) assertError(await w.get(`${OBJECTS}?match[version]=all&limit=2&next=${encodeURIComponent(bad)}`), 400);
    assertError(await w.get(`${OBJECTS}?match[version]=all&match[type]=indicator&limit=2&next=${token}`), 400);
    assert.equal((await w.get(`${OBJECTS}?match[version]=all&limit=2&next=${token}`)).status, 200, 'the untouched token still works');
    assert.equal((await w.get(`${OBJECTS}?match[version]=all&limit=5&next=${token}`)).status, 200, 'limit may change from page to page');
  });

  it('oversized input: bodies over max_content_length are 413 before they are parsed; huge query strings and long ids are refused', async () => {
    const huge = JSON.stringify({ objects: Array.from({ length: 5000 }, (_, i) => indicator(10_000 + i, '203.0.113.1')) });
    assert.ok(Buffer.byteLength(huge) > BODY_LIMIT);
    assertError(await w.post(INBOX, w.keys.Police, huge), 413);
    assertError(await w.post(INBOX, w.keys.Police, '['.repeat(BODY_LIMIT + 10)), 413);
    // deeply nested JSON under the limit is only a 422 or a failed object, never a crash
    const nested = await w.post(INBOX, w.keys.Police, `{"objects":[${'['.repeat(5000)}${']'.repeat(5000)}, {"a":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}]}`);
    assert.deepEqual([nested.status, nested.body.total_count, nested.body.failure_count], [202, 2, 2]);
    const ids = Array.from({ length: 100 }, (_, i) => `indicator--${uuid(i)}`).join(',');
    assert.equal((await w.get(`${OBJECTS}?match[id]=${ids}`)).status, 200, '100 ids are fine');
    assertError(await w.get(`${OBJECTS}?match[id]=${ids},indicator--${uuid(101)}`), 400);
    const response = await fetch(`${w.base}${OBJECTS}?match[type]=${'a'.repeat(100_000)}`, { headers: { accept: TAXII, authorization: `Bearer ${w.keys.Police}` } });
    assert.ok([400, 414, 431].includes(response.status), String(response.status));
  });
});
